namespace Harness.Model;

/// <summary>What one scenario line did to the model.</summary>
public sealed record RunStep(ScenarioCommand Command, IReadOnlyList<string> Events, uint Violations, string? Rejected, string? Unmet = null)
{
    /// <summary>The properties this line violated.</summary>
    public IEnumerable<PropertyId> Violated => Properties.Modelled.Where(p => (Violations & p.Bit()) != 0);
}

/// <summary>
/// Runs a scenario on the model one line at a time. Arming lines (<c>fail STEP</c>,
/// <c>crash agent after STEP</c>, <c>power-loss after STEP</c>) wait for the next delivery or
/// restart of their agent whose I/O includes that step. An operation the master refuses is reported
/// as rejected and changes nothing; a line that cannot happen at all (delivering with nothing in
/// flight, restarting an agent that is up) is an error of the scenario.
/// </summary>
public sealed class ModelRunner
{
    private readonly List<ScenarioCommand>[] _armed;
    private ModelState _state;

    // The master's (or for send-agent the agent's) refusal of the last line that was not an expectation, for 'expect rejected'.
    private string? _lastRejected;

    /// <summary>Disk units each agent has in a scenario.</summary>
    public const int ScenarioCapacity = 8;

    /// <summary>Prepares a run of <paramref name="scenario"/> on <paramref name="design"/>, sized to fit it.</summary>
    public ModelRunner(Design design, Scenario scenario, ModelMistakes mistakesForTesting = ModelMistakes.None)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Scenario = scenario;
        var (names, bounds) = Dimension(scenario);
        Semantics = new Semantics(design, new Layout(bounds), names) { MistakesForTesting = mistakesForTesting };
        _state = Semantics.Initial();
        _armed = [.. Enumerable.Range(0, bounds.Agents).Select(_ => new List<ScenarioCommand>())];
    }

    /// <summary>Whether each line's events are narrated (off for bulk runs, where only the verdicts matter).</summary>
    public bool Narrate { get; init; } = true;

    /// <summary>The scenario being run.</summary>
    public Scenario Scenario { get; }

    /// <summary>The rules, layout and names in use.</summary>
    public Semantics Semantics { get; }

    /// <summary>The current state.</summary>
    public ModelState State => _state;

    /// <summary>Armed faults that no step has fired yet.</summary>
    public IEnumerable<ScenarioCommand> PendingFaults => _armed.SelectMany(l => l);

    /// <summary>The names and bounds that fit a scenario: every name it uses, and budgets for every fault it injects.</summary>
    public static (Names Names, Bounds Bounds) Dimension(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var roles = new List<string>();
        var ids = new List<List<string>>();
        void Note(string? role, string? id)
        {
            if (role is null)
            {
                return;
            }

            var r = roles.IndexOf(role);
            if (r < 0)
            {
                roles.Add(role);
                ids.Add([]);
                r = roles.Count - 1;
            }

            if (id is not null && !ids[r].Contains(id))
            {
                ids[r].Add(id);
            }
        }

        foreach (var c in scenario.Commands)
        {
            if (c.NamesModelVolume)
            {
                Note(c.Role, c.Id);
            }

            Note(c.Step?.Role, c.Step?.Id);
        }

        if (roles.Count == 0)
        {
            roles.Add("r1");
            ids.Add([]);
        }

        // Slots follow (role, id) order, the order in which the agent applies a delta, whatever order the
        // scenario first names them in.
        var order = Enumerable.Range(0, roles.Count).OrderBy(r => roles[r], StringComparer.Ordinal).ToList();
        roles = [.. order.Select(r => roles[r])];
        ids = [.. order.Select(r => ids[r].Order(StringComparer.Ordinal).ToList())];

        var perRole = Math.Max(1, ids.Max(l => l.Count));
        var cmds = scenario.Commands;
        int Count(Func<ScenarioCommand, bool> f) => cmds.Count(f);
        var bounds = new Bounds
        {
            Agents = AgentCount(scenario),
            Roles = roles.Count,
            Ids = perRole,
            Operations = Count(c => c.Kind is CommandKind.Reserve or CommandKind.Unreserve or CommandKind.Create or CommandKind.Destroy),
            IoErrors = Count(c => c.Kind == CommandKind.Fail),
            Crashes = Count(c => c.Kind == CommandKind.Crash),
            PowerLosses = Count(c => c.Kind == CommandKind.PowerLoss),
            LinkBreaks = Count(c => c.Kind == CommandKind.BreakLink),
            Failovers = Count(c => c.Kind == CommandKind.Failover),
            Capacity = ScenarioCapacity,
            MaxSize = Math.Max(1, cmds.Select(c => c.Size).DefaultIfEmpty(1).Max()),
        };
        var names = new Names(roles, [.. ids.Select(l => (IReadOnlyList<string>)[.. l])]);
        return (names, bounds);
    }

    /// <summary>The agents a scenario runs on: up to the highest agent a line names, at least one.</summary>
    public static int AgentCount(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var count = 1;
        foreach (var c in scenario.Commands)
        {
            count = Math.Max(count, c.Agent + 1);
        }

        return count;
    }

    /// <summary>
    /// The convergence verdict at this point of the run, as every replay judges it: a copy of the state is driven to rest
    /// without faults (<see cref="Semantics.DriveToRest"/>); the run's own state is left as it is. False is a violation of
    /// convergence. The steps taken are narrated into <paramref name="log"/> when given.
    /// </summary>
    public bool Converges(List<string>? log = null)
    {
        var s = _state;
        return Semantics.DriveToRest(ref s, log);
    }

    /// <summary>Runs every line; stops at the first error.</summary>
    public IReadOnlyList<RunStep> RunAll() => [.. Scenario.Commands.Select(Execute)];

    /// <summary>Runs one line.</summary>
    public RunStep Execute(ScenarioCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Agent >= Semantics.Layout.Agents)
        {
            throw Error(command, $"no agent a{command.Agent + 1}");
        }

        if (command.Arms)
        {
            _armed[command.Agent].Add(command);
            return new RunStep(command, [$"armed: {Describe(command)}"], 0, null);
        }

        var log = Narrate ? new List<string>() : null;
        var a = command.Agent;
        var status = (AgentStatus)_state.GetInt(Semantics.Layout.Status[a]);
        switch (command.Kind)
        {
            case CommandKind.Expect:
                {
                    var unmet = Unmet(command);
                    return new RunStep(command, [unmet is null ? $"as expected: {command}" : $"EXPECTATION NOT MET: {unmet}"], 0, null, unmet);
                }

            case CommandKind.Damage:
                Semantics.Damage(ref _state, a, command.File, command.Damage, log);
                _lastRejected = null;
                return new RunStep(command, (IReadOnlyList<string>?)log ?? [], 0, null);
            case CommandKind.SendAgent:
                {
                    if (status is not (AgentStatus.Connected or AgentStatus.Disconnected))
                    {
                        throw Error(command, $"'{command}' cannot happen now: the agent is not running");
                    }

                    // The agent checks every name before any I/O (the master's rule, the same words), so nothing changes.
                    // A task launch names its first bad name; a checkpoint message lists every problem of its set.
                    var refusal = command.SendsTask
                        ? Names.Check(command.Role, "role") ?? Names.Check(command.Id, "persistence id")
                        : string.Join("; ", new[] { Names.Check(command.Role, "role"), Names.Check(command.Id, "persistence id") }.OfType<string>());
                    _lastRejected = refusal;
                    return new RunStep(command, [$"agent rejects the message before any I/O: {refusal}"], 0, refusal);
                }

            case CommandKind.Restart when status is AgentStatus.Connected or AgentStatus.Disconnected:
                // A clean restart: an orderly stop, then the same start as after a crash.
                Semantics.Stop(ref _state, a, log);
                break;
            default:
                break;
        }

        var action = ToAction(command);
        if (Semantics.WhyNot(in _state, action) is { } why)
        {
            if (command.IsOperation)
            {
                _lastRejected = why;
                return new RunStep(command, [$"master rejects the operation: {why}"], 0, why);
            }

            throw Error(command, $"'{command}' cannot happen now: {why}");
        }

        if (command.Kind is CommandKind.Deliver or CommandKind.Restart)
        {
            action = WithArmedFault(action);
        }

        _lastRejected = null;
        var violations = Semantics.Apply(ref _state, in action, log);
        return new RunStep(command, (IReadOnlyList<string>?)log ?? [], violations, null);
    }

    /// <summary>Why an <c>expect</c> line does not hold in the current state, or null when it does.</summary>
    private string? Unmet(ScenarioCommand command)
    {
        var l = Semantics.Layout;
        var a = command.Agent;
        var status = (AgentStatus)_state.GetInt(l.Status[a]);
        var info = _state.GetFile(l.Info[a, 0]);
        var slot = command.Id is null ? -1 : Semantics.Names.FindSlot(command.Role!, command.Id);
        return command.Expect switch
        {
            ExpectKind.Rejected => _lastRejected is null ? "the previous line was accepted" : null,
            ExpectKind.Accepted => _lastRejected is { } why ? $"the previous line was rejected: {why}" : null,
            ExpectKind.Dir => _state.GetBool(l.DirNow[a, slot]) ? null : $"{Semantics.VolumePath(slot)} does not exist",
            ExpectKind.NoDir => _state.GetBool(l.DirNow[a, slot]) ? $"{Semantics.VolumePath(slot)} exists" : null,
            ExpectKind.CheckpointIsMaster =>
                info.Kind != FileKind.Empty && info.Set == Semantics.AgentView(_state.Get(l.MasterView[a]))
                    ? null
                    : $"resources.info holds {Semantics.Format(info)}, the master's view is {Semantics.Format(Semantics.AgentView(_state.Get(l.MasterView[a])))}",
            ExpectKind.NoTarget => _state.GetFile(l.Target[a, 0]).Kind == FileKind.Absent ? null : "resources.target exists",
            ExpectKind.AgentDown => status is AgentStatus.Down or AgentStatus.Stuck ? null : $"the agent is {status.ToString().ToLowerInvariant()}",
            ExpectKind.AgentUp => status is AgentStatus.Connected or AgentStatus.Disconnected ? null : $"the agent is {status.ToString().ToLowerInvariant()}",
            _ => status == AgentStatus.Stuck ? null : $"the agent is {status.ToString().ToLowerInvariant()}",
        };
    }

    /// <summary>The model action a scenario line stands for, before armed faults are attached.</summary>
    public ModelAction ToAction(ScenarioCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var names = Semantics.Names;
        var role = command.Role is null ? 0 : names.FindRole(command.Role);
        var slot = command.Id is null ? 0 : names.FindSlot(command.Role!, command.Id);
        var a = command.Agent;
        return command.Kind switch
        {
            CommandKind.Reserve => new ModelAction(ActionKind.Reserve, a, role, Size: command.Size),
            CommandKind.Unreserve => new ModelAction(ActionKind.Unreserve, a, role, Size: command.Size),
            CommandKind.Create => new ModelAction(ActionKind.Create, a, role, slot, command.Size),
            CommandKind.Destroy => new ModelAction(ActionKind.Destroy, a, role, slot),
            CommandKind.Use => new ModelAction(ActionKind.Use, a, role, slot),
            CommandKind.Deliver => new ModelAction(ActionKind.Deliver, a),
            CommandKind.Restart => new ModelAction(ActionKind.Restart, a),
            CommandKind.Reconnect => new ModelAction(ActionKind.Reconnect, a),
            CommandKind.BreakLink => new ModelAction(ActionKind.BreakLink, a),
            CommandKind.MasterNotices => new ModelAction(ActionKind.MasterNotices, a),
            CommandKind.Crash => new ModelAction(ActionKind.Crash, a),
            CommandKind.PowerLoss => new ModelAction(
                ActionKind.PowerLoss, a, Fault: command.KeepMetadata ? Fault.PowerLossKeepMetadata : Fault.PowerLoss),
            CommandKind.Writeback => new ModelAction(ActionKind.Writeback, a),
            CommandKind.Failover => new ModelAction(ActionKind.Failover),
            _ => throw Error(command, "this line arms a fault and is not an action"),
        };
    }

    private ModelAction WithArmedFault(ModelAction action)
    {
        var armed = _armed[action.Agent];
        if (armed.Count == 0)
        {
            return action;
        }

        Span<IoStep> steps = stackalloc IoStep[Semantics.MaxSteps];
        var n = action.Kind == ActionKind.Deliver
            ? Semantics.PlanDelivery(in _state, action.Agent, steps)
            : Semantics.PlanRecovery(in _state, action.Agent, steps);

        // The earliest step that some armed fault names fires; the fault armed first wins a tie.
        for (var i = 0; i < n; i++)
        {
            foreach (var arm in armed)
            {
                if (Matches(arm.Step!, steps[i]))
                {
                    armed.Remove(arm);
                    var fault = arm.Kind switch
                    {
                        CommandKind.Fail => Fault.Fail,
                        CommandKind.Crash => Fault.Crash,
                        CommandKind.Writeback => Fault.Writeback,
                        _ => arm.KeepMetadata ? Fault.PowerLossKeepMetadata : Fault.PowerLoss,
                    };
                    return action with { Fault = fault, Step = i };
                }
            }
        }

        return action;
    }

    private bool Matches(StepSpec spec, IoStep step)
    {
        if (spec.Kind != step.Kind)
        {
            return false;
        }

        return spec.Kind is not (StepKind.Mkdir or StepKind.Rmdir) ||
               Semantics.Names.FindSlot(spec.Role!, spec.Id!) == step.Slot;
    }

    private static string Describe(ScenarioCommand arm) => arm.Kind switch
    {
        CommandKind.Fail => $"the next '{arm.Step}' fails",
        CommandKind.Crash => $"the agent crashes right after the next '{arm.Step}'",
        CommandKind.Writeback => $"the operating system writes back everything right after the next '{arm.Step}'",
        _ => $"power is lost right after the next '{arm.Step}'",
    };

    private ScenarioException Error(ScenarioCommand command, string message) =>
        new(Scenario.Source, command.Line, message);
}
