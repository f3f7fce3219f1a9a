using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Harness.Checking.Mutation;
using Harness.Impl.Agents;
using Harness.Impl.Masters;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Harness.Model;

namespace Harness.Checking;

/// <summary>Which disk the implementation's agents run on.</summary>
public enum DiskKind
{
    /// <summary>A <see cref="SimulatedFileSystem"/> per agent: crashes, power losses and writeback are available.</summary>
    Simulated,

    /// <summary>A <see cref="LocalFileSystem"/> per agent, in <c>a1/</c>, <c>a2/</c>, ... under a work directory.</summary>
    Real,
}

/// <summary>How to build an <see cref="ImplCluster"/>.</summary>
public sealed record ImplOptions
{
    /// <summary>The disk under the agents.</summary>
    public DiskKind Disk { get; init; } = DiskKind.Simulated;

    /// <summary>For <see cref="DiskKind.Real"/>: the directory that holds one work directory per agent (created if missing).</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Whether each step's events are written out (off for bulk runs, where only the verdicts matter).</summary>
    public bool Narrate { get; init; } = true;

    /// <summary>The agent every scenario agent runs: the correct one, or a deliberately wrong one the harness must catch.</summary>
    public AgentMutant Mutant { get; init; } = AgentMutant.None;
}

/// <summary>A property the harness found violated by looking at the implementation alone.</summary>
public sealed record ImplViolation(PropertyId Property, string Detail);

/// <summary>What one scenario line did to the implementation.</summary>
public sealed record ImplStep(
    ScenarioCommand Command, IReadOnlyList<string> Events, IReadOnlyList<ImplViolation> Violations, string? Rejected, string? Unmet = null);

/// <summary>One agent of the cluster: its disk stack, its current process (if any) and the status the driver tracks.</summary>
public sealed class ImplAgent
{
    private readonly RetargetableFileSystem disk;

    internal ImplAgent(string name, IFileSystem disk, SimulatedFileSystem? simulated, AgentDesign design, AgentMutant mutant)
    {
        Name = name;
        this.disk = new RetargetableFileSystem(disk);
        Simulated = simulated;
        Faults = new FaultInjectingFileSystem(mutant.WrapDisk(this.disk));
        Steps = new LogicalStepFileSystem(Faults) { WritebackNow = simulated is null ? null : simulated.Writeback };
        AgentIo = mutant.WrapAgentIo(design, Steps);
    }

    /// <summary>The agent's id at the master: <c>a1</c>, <c>a2</c>, ...</summary>
    public string Name { get; }

    /// <summary>The disk itself, through its port: what the harness reads to observe.</summary>
    public IFileSystem Disk => disk.Target;

    /// <summary>Moves the agent, running or not, onto another disk; every later operation and observation goes there.</summary>
    internal void MoveTo(IFileSystem other) => disk.Target = other;

    /// <summary>The simulated disk, or null on the real one.</summary>
    public SimulatedFileSystem? Simulated { get; }

    /// <summary>The fault injector the agent's I/O goes through.</summary>
    public FaultInjectingFileSystem Faults { get; }

    /// <summary>The agent process of this life, or null while it is down or stuck.</summary>
    public Agent? Process { get; internal set; }

    /// <summary>The process status as the driver tracks it.</summary>
    public AgentStatus Status { get; internal set; }

    /// <summary>The file system the agent process issues its I/O to: the step observer, or a mutant's wrapper of it.</summary>
    public IFileSystem AgentIo { get; }

    internal LogicalStepFileSystem Steps { get; }
}

/// <summary>
/// Drives the implementation (a <see cref="Master"/>, a <see cref="QueuedTransport"/> and one <see cref="Agent"/> per
/// scenario agent) with scenario lines, giving each the meaning <see cref="ModelRunner"/> gives it: the same
/// preconditions (a line that cannot happen is a <see cref="ScenarioException"/>), the same rejections, and armed faults
/// that fire at the next matching logical step of the agent. Along the way it checks, from the implementation's own
/// outputs, fresh-volume (at each task), no-data-loss (at each removal), atomic-checkpoint (after each delivery, restart
/// and power loss) and recover-before-register (at each registration).
/// </summary>
public sealed class ImplCluster
{
    private readonly Scenario scenario;
    private readonly bool agentIncarnations;
    private readonly AgentMutant mutant;
    private readonly List<ImplViolation> startViolations = [];
    private readonly ImplOptions options;

    // The master's (or for send-agent the agent's) refusal of the last line that was not an expectation, for 'expect rejected'.
    private string? lastRejected;

    /// <summary>Builds the cluster for a scenario: one agent per agent the scenario names, each with <see cref="ModelRunner.ScenarioCapacity"/> units.</summary>
    public ImplCluster(Design design, Scenario scenario, ImplOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        options ??= new ImplOptions();
        this.options = options;
        this.scenario = scenario;
        mutant = options.Mutant;
        Design = design;
        AgentDesign = design.ToAgentDesign();
        agentIncarnations = design.UsesIncarnations();
        Master = new Master(Transport, ModelRunner.ScenarioCapacity, sendIncarnations: agentIncarnations);
        var count = ModelRunner.AgentCount(scenario);
        var agents = new List<ImplAgent>();
        for (var a = 0; a < count; a++)
        {
            var name = Observation.AgentName(a);
            IFileSystem disk;
            SimulatedFileSystem? simulated = null;
            if (options.Disk == DiskKind.Real)
            {
                var root = options.WorkDirectory ?? throw new ArgumentException("the real disk needs a work directory", nameof(options));
                var directory = Path.Combine(root, name);
                if (Directory.Exists(Path.Combine(directory, "meta")) || Directory.Exists(Path.Combine(directory, "volumes")))
                {
                    Recovered = true;
                }

                Directory.CreateDirectory(directory);
                disk = new LocalFileSystem(directory);
            }
            else
            {
                disk = simulated = new SimulatedFileSystem();
            }

            var agent = new ImplAgent(name, disk, simulated, AgentDesign, mutant);
            agent.Steps.MasterIncarnation = (role, id) => Master.IncarnationOf(name, role, id);
            Master.AddAgent(name, ModelRunner.ScenarioCapacity);
            agents.Add(agent);
        }

        Agents = agents;
        Disk = options.Disk;

        // A work directory that already holds state was left by an earlier master: this one starts as after a failover and
        // adopts what each agent recovered, so its first message never removes a volume that no operation asked to remove.
        if (Recovered)
        {
            Master = Master.FailOver();
        }
    }

    /// <summary>The model's name of the design.</summary>
    public Design Design { get; }

    /// <summary>The implementation's design.</summary>
    public AgentDesign AgentDesign { get; }

    /// <summary>The disk kind in use.</summary>
    public DiskKind Disk { get; }

    /// <summary>True when some agent's work directory already held agent state, which <see cref="Start"/> recovers from.</summary>
    public bool Recovered { get; }

    /// <summary>The master.</summary>
    public Master Master { get; private set; }

    /// <summary>The connections from the master to the agents.</summary>
    public QueuedTransport Transport { get; } = new();

    /// <summary>The agents, in scenario order.</summary>
    public IReadOnlyList<ImplAgent> Agents { get; }

    /// <summary>Armed faults that have not fired yet.</summary>
    public IEnumerable<ScenarioCommand> PendingFaults => Agents.SelectMany(a => a.Steps.Armed);

    /// <summary>
    /// Starts every agent through the real start path (<see cref="Agent.Start"/>) and registers it. On an empty disk the
    /// master's first message (its empty view) is delivered at once, so the cluster starts where the model does: every
    /// agent up and connected, nothing in flight, nothing on disk but the checkpoint directory. On a recovered disk that
    /// message stays in flight. A checkpoint that does not parse throws <see cref="CorruptCheckpointException"/>: nothing
    /// on that disk was changed.
    /// </summary>
    public IReadOnlyList<string> Start()
    {
        var events = new List<string>();
        if (Recovered)
        {
            events.Add("the work directory holds state: the master starts as after a failover and adopts what each agent reports");
        }

        foreach (var agent in Agents)
        {
            try
            {
                agent.Process = mutant.Start(AgentDesign, agent.AgentIo);
            }
            catch (CorruptCheckpointException e)
            {
                throw new CorruptCheckpointException($"agent {agent.Name}: {e.Message}", e);
            }

            foreach (var warning in agent.Process.RecoveryWarnings)
            {
                events.Add($"{agent.Name}: {warning}");
            }

            CheckRecoveredBeforeRegistering(agent, startViolations);
            Master.Register(agent.Name, agent.Process.Resources);
            agent.Status = AgentStatus.Connected;
            events.Add($"{agent.Name} starts with {SetText.Of(agent.Process.Resources, agentIncarnations)} and registers");
            if (!Recovered && Transport.TryDeliverNext(agent.Name, out var first))
            {
                mutant.Handle(agent, first);
            }
        }

        return events;
    }

    /// <summary>What the implementation's own checks found while <see cref="Start"/> ran (at the first registrations).</summary>
    public IReadOnlyList<ImplViolation> StartViolations => startViolations;

    /// <summary>Runs one scenario line; a line that cannot happen now throws <see cref="ScenarioException"/>.</summary>
    public ImplStep Execute(ScenarioCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Agent >= Agents.Count)
        {
            throw Error(command, $"no agent a{command.Agent + 1}");
        }

        var agent = Agents[command.Agent];
        var events = options.Narrate ? new List<string>() : null;
        var violations = new List<ImplViolation>();
        agent.Steps.Events = events;
        agent.Faults.StepObserver = events is null ? null : s => events?.Add($"impl fs: {OpName(s.Op)} {(s.Path.Length == 0 ? "." : s.Path)}{(s.Destination is null ? "" : " -> " + s.Destination)}{(s.Failed ? " FAILED" : "")}");
        try
        {
            string? rejected = null;
            string? unmet = null;
            if (command.Arms)
            {
                RequireSimulatedFor(command, agent);
                agent.Steps.Armed.Add(command);
                events?.Add($"impl: armed '{command}'");
            }
            else if (command.Kind == CommandKind.Expect)
            {
                unmet = Unmet(command, agent);
                events?.Add(unmet is null ? $"impl: as expected: {command}" : $"impl: EXPECTATION NOT MET: {unmet}");
            }
            else
            {
                rejected = Act(command, agent, events, violations);
                lastRejected = rejected;
            }

            violations.AddRange(agent.Steps.Violations);
            foreach (var v in violations)
            {
                events?.Add($"IMPL VIOLATION {v.Property.Name()}: {v.Detail}");
            }

            return new ImplStep(command, (IReadOnlyList<string>?)events ?? [], violations, rejected, unmet);
        }
        finally
        {
            agent.Steps.Violations.Clear();
            agent.Steps.Events = null;
            agent.Faults.StepObserver = null;
        }
    }

    /// <summary>
    /// The liveness phase: with faults disarmed and no more operations, restarts every agent that is down, reconnects every
    /// disconnected one and delivers everything in flight; returns whether the cluster then converged (every agent up and
    /// connected, nothing in flight, master view = memory = committed checkpoint, directories = the master's volumes, no target).
    /// </summary>
    public bool Converge(List<string> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var agent in Agents)
        {
            agent.Steps.Armed.Clear();
        }

        for (var round = 0; round < 3; round++)
        {
            for (var a = 0; a < Agents.Count; a++)
            {
                var agent = Agents[a];
                var kind = agent.Status switch
                {
                    AgentStatus.Down => CommandKind.Restart,
                    AgentStatus.Disconnected => CommandKind.Reconnect,
                    _ => (CommandKind?)null,
                };
                if (kind is { } k)
                {
                    events.AddRange(Execute(new ScenarioCommand(0, k, a)).Events);
                }

                while (agent.Status == AgentStatus.Connected && Transport.InFlightCount(agent.Name) > 0)
                {
                    events.AddRange(Execute(new ScenarioCommand(0, CommandKind.Deliver, a)).Events);
                }
            }
        }

        return Agents.All(IsConverged);
    }

    /// <summary>
    /// Real disk only: copies every agent's work directory to <paramref name="scratchRoot"/> (<c>a1/</c>, <c>a2/</c>, ...)
    /// and moves the agents onto the copies, so that what follows (the liveness phase) leaves the original directories as
    /// the scenario left them.
    /// </summary>
    public void MoveToCopy(string scratchRoot)
    {
        ArgumentNullException.ThrowIfNull(scratchRoot);
        if (Disk != DiskKind.Real)
        {
            throw new InvalidOperationException("only the real disk's agents work in a directory that can be copied");
        }

        foreach (var agent in Agents)
        {
            var from = Path.Combine(options.WorkDirectory!, agent.Name);
            var to = Path.Combine(scratchRoot, agent.Name);
            CopyDirectory(from, to);
            agent.MoveTo(new LocalFileSystem(to));
        }
    }

    private void FailOver(List<string>? events)
    {
        Master = Master.FailOver();
        foreach (var agent in Agents)
        {
            Transport.Break(agent.Name);
            if (agent.Status == AgentStatus.Connected)
            {
                agent.Status = AgentStatus.Disconnected;
            }
        }

        events?.Add("impl: master fails over; every connection drops, the new master adopts each agent's report at its registration");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            CopyDirectory(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }

    /// <summary>Observes the implementation in the model's vocabulary, reading the files back through each disk's port.</summary>
    public Observation Observe() => Snapshot().ToObservation();

    /// <summary>
    /// Captures what <see cref="Observe"/> shows without writing it as text: the sets themselves, the checkpoint files read
    /// back through each disk's port and decoded, and the volume directories listed there.
    /// </summary>
    public ImplSnapshot Snapshot()
    {
        var agents = new ImplAgentSnapshot[Agents.Count];
        for (var i = 0; i < agents.Length; i++)
        {
            agents[i] = SnapshotAgent(Agents[i]);
        }

        return new ImplSnapshot(agents, agentIncarnations);
    }

    /// <summary>The agent's work directory as lines: directories, task data, and checkpoints decoded.</summary>
    public IReadOnlyList<string> Tree(ImplAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var lines = new List<string>();
        foreach (var entry in FileSystemTree.Capture(agent.Disk))
        {
            if (entry.StartsWith("d ", StringComparison.Ordinal))
            {
                lines.Add(entry[2..] + "/");
                continue;
            }

            var path = entry.Split(' ')[1];
            lines.Add(path.StartsWith(AgentLayout.MetaDirectory + "/", StringComparison.Ordinal)
                ? $"{path} = {CheckpointText(agent.Disk, path)}"
                : $"{path} = '{Encoding.UTF8.GetString(agent.Disk.ReadFile(path))}'");
        }

        return lines;
    }

    private string? Act(ScenarioCommand command, ImplAgent agent, List<string>? events, List<ImplViolation> violations)
    {
        switch (command.Kind)
        {
            case CommandKind.Reserve:
            case CommandKind.Unreserve:
            case CommandKind.Create:
            case CommandKind.Destroy:
                return Operate(command, agent, events);
            case CommandKind.Use:
                Use(command, agent, events, violations);
                return null;
            case CommandKind.Deliver:
                Deliver(command, agent, events, violations);
                return null;
            case CommandKind.Restart:
                if (agent.Status is AgentStatus.Connected or AgentStatus.Disconnected)
                {
                    // A clean restart: an orderly stop (memory and messages in flight lost, the disk keeps everything), then a start.
                    Kill(agent, events, "agent stops (orderly shutdown)");
                }
                else if (agent.Status != AgentStatus.Down)
                {
                    throw Error(command, $"'{command}' cannot happen now: agent is {Describe(agent.Status)}, not down");
                }

                Restart(agent, events, violations);
                return null;
            case CommandKind.Damage:
                Damage(command, agent, events);
                return null;
            case CommandKind.SendAgent:
                return SendAgent(command, agent, events, violations);
            case CommandKind.Reconnect:
                if (agent.Status != AgentStatus.Disconnected)
                {
                    throw Error(command, $"'{command}' cannot happen now: agent is {Describe(agent.Status)}, not disconnected");
                }

                Register(agent, events, violations);
                return null;
            case CommandKind.BreakLink:
                Require(command, agent.Status == AgentStatus.Connected, agent);
                Transport.Break(agent.Name);
                agent.Status = AgentStatus.Disconnected;
                events?.Add("impl: connection breaks");
                return null;
            case CommandKind.Failover:
                FailOver(events);
                return null;
            case CommandKind.MasterNotices:
                if (!Master.IsConnected(agent.Name))
                {
                    throw Error(command, $"'{command}' cannot happen now: master already knows the agent is disconnected");
                }

                if (agent.Status == AgentStatus.Connected)
                {
                    throw Error(command, $"'{command}' cannot happen now: the agent's connection is alive");
                }

                Master.NoticeDisconnect(agent.Name);
                events?.Add("impl: master marks the agent disconnected");
                return null;
            case CommandKind.Crash:
                Require(command, agent.Status is AgentStatus.Connected or AgentStatus.Disconnected, agent);
                Kill(agent, events, "agent crashes");
                agent.Simulated?.Crash();
                return null;
            case CommandKind.PowerLoss:
                if (agent.Status == AgentStatus.Stuck)
                {
                    throw Error(command, $"'{command}' cannot happen now: agent is stuck");
                }

                RequireSimulatedFor(command, agent);
                LosePower(agent, command.KeepMetadata, events, violations);
                return null;
            case CommandKind.Writeback:
                RequireSimulatedFor(command, agent);
                agent.Simulated!.Writeback();
                events?.Add("impl: the disk writes back everything");
                return null;
            default:
                throw Error(command, $"'{command}' is not an action");
        }
    }

    /// <summary>
    /// Damages a checkpoint file through the disk's port, bypassing the agent: the first half of its bytes (of the empty
    /// set's encoding when it is absent), no bytes, or bytes that are not a checkpoint. The file and its directory are
    /// synced, so on the simulated disk the damage survives a power loss, as the model has it.
    /// </summary>
    private static void Damage(ScenarioCommand command, ImplAgent agent, List<string>? events)
    {
        var path = command.File == Checkpoint.Info ? AgentLayout.InfoFile : AgentLayout.TargetFile;
        var disk = agent.Disk;
        byte[] bytes = command.Damage switch
        {
            DamageKind.Truncate => (disk.FileExists(path) ? disk.ReadFile(path) : CheckpointCodec.Encode(ResourceSet.Empty)) is var whole
                ? whole[..(whole.Length / 2)]
                : [],
            DamageKind.Empty => [],
            _ => [0x00, (byte)'g', (byte)'a', (byte)'r', (byte)'b', 0xFF],
        };
        if (!disk.DirectoryExists(AgentLayout.MetaDirectory))
        {
            disk.CreateDirectory(AgentLayout.MetaDirectory);
        }

        disk.WriteFile(path, bytes);
        disk.FsyncFile(path);
        // Every directory up to the work directory, deepest first, so that the damaged file's own path is durable too.
        foreach (var directory in WorkPath.SelfAndAncestors(AgentLayout.MetaDirectory).Reverse().Append(WorkPath.Root))
        {
            disk.FsyncDirectory(directory);
        }

        events?.Add(string.Create(CultureInfo.InvariantCulture, $"impl: the harness writes {bytes.Length} damaged byte(s) to {path}"));
    }

    /// <summary>
    /// Hands the agent a message with a name the master refuses, bypassing the master and the transport. The agent must
    /// refuse it before any I/O: confinement is violated when it accepts it, or when any agent's work directory changed.
    /// </summary>
    private string? SendAgent(ScenarioCommand command, ImplAgent agent, List<string>? events, List<ImplViolation> violations)
    {
        if (agent.Status is not (AgentStatus.Connected or AgentStatus.Disconnected))
        {
            throw Error(command, $"'{command}' cannot happen now: the agent is not running");
        }

        var before = Agents.Select(a => FileSystemTree.Capture(a.Disk)).ToList();
        string? refusal = null;
        try
        {
            if (command.SendsTask)
            {
                var reply = (TaskReply)mutant.Handle(agent, new RunTaskMessage(command.Role!, command.Id!, 1));
                refusal = reply.Outcome == TaskOutcome.Rejected ? reply.Error : null;
            }
            else
            {
                var sent = agent.Process!.Resources.WithVolume(new Volume(command.Role!, command.Id!, command.Size, agentIncarnations ? 1 : 0));
                var reply = (CheckpointReply)mutant.Handle(agent, new CheckpointResourcesMessage(sent));
                refusal = reply.Outcome == CheckpointOutcome.Rejected ? reply.Error : null;
            }
        }
        catch (Exception e) when (e is AgentExitedException or SimulatedCrashException or PathOutsideWorkDirectoryException or InvalidResourceException or IOException)
        {
            violations.Add(new ImplViolation(PropertyId.Confinement, $"the agent acted on the hostile message and stopped: {e.Message}"));
            Kill(agent, events, "agent stops");
            return null;
        }

        events?.Add(refusal is null ? "impl: the agent accepts the message" : $"impl: the agent rejects the message: {refusal}");
        if (refusal is null)
        {
            violations.Add(new ImplViolation(PropertyId.Confinement, $"the agent accepted a message naming {command.Role}/{command.Id}"));
        }

        for (var i = 0; i < Agents.Count; i++)
        {
            if (!FileSystemTree.Capture(Agents[i].Disk).SequenceEqual(before[i]))
            {
                violations.Add(new ImplViolation(PropertyId.Confinement, $"{Agents[i].Name}'s work directory changed on a message with an invalid name"));
            }
        }

        return refusal;
    }

    /// <summary>Why an <c>expect</c> line does not hold on the implementation, or null when it does.</summary>
    private string? Unmet(ScenarioCommand command, ImplAgent agent)
    {
        var disk = agent.Disk;
        switch (command.Expect)
        {
            case ExpectKind.Rejected:
                return lastRejected is null ? "the previous line was accepted" : null;
            case ExpectKind.Accepted:
                return lastRejected is { } why ? $"the previous line was rejected: {why}" : null;
            case ExpectKind.Dir:
            case ExpectKind.NoDir:
                {
                    var path = AgentLayout.VolumeDirectory(command.Role!, command.Id!);
                    var exists = disk.DirectoryExists(path);
                    return exists == (command.Expect == ExpectKind.Dir) ? null : $"{path} {(exists ? "exists" : "does not exist")}";
                }

            case ExpectKind.CheckpointIsMaster:
                {
                    var info = ReadCheckpoint(disk, AgentLayout.InfoFile);
                    var view = Master.View(agent.Name);
                    var set = info.Kind == CheckpointReadKind.Absent ? ResourceSet.Empty : info.Set;
                    return info.Kind != CheckpointReadKind.Unparseable && set!.SameAs(view, AgentDesign.Identity)
                        ? null
                        : $"resources.info holds {info.Text(agentIncarnations)}, the master's view is {SetText.Of(view, agentIncarnations)}";
                }

            case ExpectKind.NoTarget:
                return disk.FileExists(AgentLayout.TargetFile) ? "resources.target exists" : null;
            case ExpectKind.AgentDown:
                return agent.Status is AgentStatus.Down or AgentStatus.Stuck ? null : $"the agent is {Describe(agent.Status)}";
            case ExpectKind.AgentUp:
                return agent.Status is AgentStatus.Connected or AgentStatus.Disconnected ? null : $"the agent is {Describe(agent.Status)}";
            default:
                return agent.Status == AgentStatus.Stuck ? null : $"the agent is {Describe(agent.Status)}";
        }
    }

    private string? Operate(ScenarioCommand command, ImplAgent agent, List<string>? events)
    {
        ResourceOperation operation = command.Kind switch
        {
            CommandKind.Reserve => new ReserveOperation(command.Role!, command.Size),
            CommandKind.Unreserve => new UnreserveOperation(command.Role!, command.Size),
            CommandKind.Create => new CreateOperation(command.Role!, command.Id!, command.Size),
            _ => new DestroyOperation(command.Role!, command.Id!),
        };
        var result = Master.Apply(agent.Name, operation);
        if (!result.IsAccepted)
        {
            events?.Add($"impl: master {result.Status.ToString().ToLowerInvariant()} {operation}: {result.Error}");
            return result.Error;
        }

        if (events is not null)
        {
            var sent = SetText.Of(Master.View(agent.Name), agentIncarnations);
            events.Add(Transport.IsAlive(agent.Name)
                ? $"impl: master accepts {operation}, sends CheckpointResources {sent}"
                : $"impl: master accepts {operation}; CheckpointResources {sent} is lost, the connection is dead");
        }

        return null;
    }

    private void Use(ScenarioCommand command, ImplAgent agent, List<string>? events, List<ImplViolation> violations)
    {
        var incarnation = Master.IncarnationOf(agent.Name, command.Role!, command.Id!)
            ?? throw Error(command, $"'{command}' cannot happen now: master holds no volume {command.Role}/{command.Id}");
        if (agent.Status != AgentStatus.Connected || !Master.IsConnected(agent.Name))
        {
            throw Error(command, $"'{command}' cannot happen now: a task can only be launched on an agent that is up and connected");
        }

        if (Transport.InFlightCount(agent.Name) > 0)
        {
            throw Error(command, $"'{command}' cannot happen now: messages sent before the launch are still in flight (deliver them first)");
        }

        var launched = Master.LaunchTask(agent.Name, command.Role!, command.Id!);
        if (!launched.IsAccepted || !Transport.TryDeliverNext(agent.Name, out var message))
        {
            throw Error(command, $"'{command}' cannot happen now: {launched.Error}");
        }

        var reply = (TaskReply)mutant.Handle(agent, message);
        if (reply.Outcome == TaskOutcome.FailedToStart)
        {
            throw Error(command, $"'{command}' cannot happen now: task fails to start: {reply.Error}");
        }

        var seen = reply.SeenIncarnation;
        events?.Add(string.Create(CultureInfo.InvariantCulture,
            $"impl: task on {command.Role}/{command.Id} (incarnation {incarnation}) {reply.Outcome.ToString().ToLowerInvariant()}, saw {(seen is null ? "no data" : $"data of incarnation {seen}")}"));
        if (seen is { } s && s != incarnation)
        {
            violations.Add(new ImplViolation(PropertyId.FreshVolume, string.Create(CultureInfo.InvariantCulture,
                $"the task on {command.Role}/{command.Id} (incarnation {incarnation}) saw data of incarnation {s}")));
        }
    }

    private void Deliver(ScenarioCommand command, ImplAgent agent, List<string>? events, List<ImplViolation> violations)
    {
        if (agent.Status != AgentStatus.Connected)
        {
            throw Error(command, $"'{command}' cannot happen now: agent is {Describe(agent.Status)}");
        }

        if (!Transport.TryDeliverNext(agent.Name, out var message))
        {
            throw Error(command, $"'{command}' cannot happen now: nothing in flight to the agent");
        }

        var desired = ((CheckpointResourcesMessage)message).Resources;
        var infoBefore = ReadCheckpoint(agent.Disk, AgentLayout.InfoFile);
        var memoryBefore = agent.Process!.Resources;
        events?.Add($"impl: agent receives CheckpointResources {SetText.Of(desired, agentIncarnations)}");
        agent.Steps.Active = true;
        ScenarioCommand? fired;
        try
        {
            var reply = (CheckpointReply)mutant.Handle(agent, message);
            events?.Add($"impl: agent replies {reply.Outcome}{(reply.Error is null ? "" : ": " + reply.Error)}");
            fired = agent.Steps.Finish();
        }
        catch (AgentExitedException e)
        {
            // An exit may still have written a checkpoint on its way out (partial-exit): it is checked below like any write.
            fired = agent.Steps.Finish();
            Kill(agent, events, $"agent exits ({e.Message})");
        }
        catch (PathOutsideWorkDirectoryException e)
        {
            // The disk's last guard stopped a path that leaves the work directory: the agent built it, so confinement is broken.
            fired = agent.Steps.Finish();
            violations.Add(new ImplViolation(PropertyId.Confinement, $"the agent tried to leave its work directory: {e.Message}"));
            Kill(agent, events, "agent stops on the path the disk refused");
        }
        catch (SimulatedCrashException)
        {
            fired = agent.Steps.Finish();
        }

        var powerLoss = fired is { Kind: CommandKind.PowerLoss };
        if (fired is not null)
        {
            Fire(agent, fired, events, violations);
        }

        if (!powerLoss)
        {
            // A crash keeps every completed write, so the checkpoint must be the old set or the new one, never a mix.
            // Compared as the observation's text, as everywhere else.
            var info = ReadCheckpoint(agent.Disk, AgentLayout.InfoFile);
            if (!info.SameText(infoBefore, agentIncarnations) &&
                !info.SameText(CheckpointRead.Of(memoryBefore), agentIncarnations) &&
                !info.SameText(CheckpointRead.Of(desired), agentIncarnations))
            {
                violations.Add(new ImplViolation(PropertyId.AtomicCheckpoint,
                    $"resources.info holds {info.Text(agentIncarnations)}: neither the previous checkpoint {infoBefore.Text(agentIncarnations)} nor the message's set {SetText.Of(desired, agentIncarnations)}"));
            }
        }
    }

    private void Restart(ImplAgent agent, List<string>? events, List<ImplViolation> violations)
    {
        agent.Steps.Active = true;
        ScenarioCommand? fired;
        try
        {
            agent.Process = mutant.Start(AgentDesign, agent.AgentIo);
            fired = agent.Steps.Finish();
            foreach (var warning in agent.Process.RecoveryWarnings)
            {
                events?.Add($"impl: {warning}");
            }
        }
        catch (CorruptCheckpointException e)
        {
            agent.Steps.Finish();
            agent.Process = null;
            agent.Status = AgentStatus.Stuck;
            events?.Add($"impl: agent refuses to start: {e.Message}");
            return;
        }
        catch (AgentExitedException e)
        {
            agent.Steps.Finish();
            Kill(agent, events, $"agent exits during recovery ({e.Message})");
            return;
        }
        catch (PathOutsideWorkDirectoryException e)
        {
            agent.Steps.Finish();
            violations.Add(new ImplViolation(PropertyId.Confinement, $"the agent tried to leave its work directory during recovery: {e.Message}"));
            Kill(agent, events, "agent stops on the path the disk refused");
            return;
        }
        catch (SimulatedCrashException)
        {
            fired = agent.Steps.Finish();
        }

        if (fired is not null)
        {
            Fire(agent, fired, events, violations);
            return;
        }

        events?.Add($"impl: agent recovers {SetText.Of(agent.Process!.Resources, agentIncarnations)}");
        Register(agent, events, violations);
    }

    private void Register(ImplAgent agent, List<string>? events, List<ImplViolation> violations)
    {
        CheckRecoveredBeforeRegistering(agent, violations);
        Master.Register(agent.Name, agent.Process!.Resources);
        agent.Status = AgentStatus.Connected;
        events?.Add($"impl: agent registers with {SetText.Of(agent.Process.Resources, agentIncarnations)}; master sends {SetText.Of(Master.View(agent.Name), agentIncarnations)}");
    }

    /// <summary>
    /// recover-before-register, from the disk alone: at a registration the directories are the committed volumes and no
    /// target is pending. Checked at every registration, the first one included (a cluster started on a work directory
    /// that already holds agent state recovers before it first registers).
    /// </summary>
    private static void CheckRecoveredBeforeRegistering(ImplAgent agent, List<ImplViolation> violations)
    {
        // A file that does not parse (damaged by the scenario) lists no volume, as the model reads it.
        var read = ReadCheckpoint(agent.Disk, AgentLayout.InfoFile);
        var info = read.Kind == CheckpointReadKind.Set ? read.Set! : ResourceSet.Empty;
        var directories = VolumeDirectories(agent.Disk);
        var problems = new List<string>();
        if (!SameVolumeNames(directories, info.Volumes))
        {
            var committed = info.Volumes.Select(v => $"{v.Role}/{v.Id}").ToHashSet(StringComparer.Ordinal);
            var existing = directories.Select(d => $"{d.Role}/{d.Id}").ToHashSet(StringComparer.Ordinal);
            problems.AddRange(existing.Except(committed).Order(StringComparer.Ordinal).Select(v => $"{v} exists but is not checkpointed"));
            problems.AddRange(committed.Except(existing).Order(StringComparer.Ordinal).Select(v => $"{v} is checkpointed but missing"));
        }

        if (agent.Disk.FileExists(AgentLayout.TargetFile))
        {
            problems.Add("a target file is pending");
        }

        if (problems.Count > 0)
        {
            violations.Add(new ImplViolation(PropertyId.RecoverBeforeRegister, "the agent registers while " + string.Join("; ", problems)));
        }
    }

    private void Fire(ImplAgent agent, ScenarioCommand fired, List<string>? events, List<ImplViolation> violations)
    {
        if (fired.Kind == CommandKind.PowerLoss)
        {
            events?.Add($"impl: power is lost after '{fired.Step}'");
            LosePower(agent, fired.KeepMetadata, events, violations);
        }
        else
        {
            Kill(agent, events, $"agent crashes after '{fired.Step}'");
            agent.Simulated?.Crash();
        }
    }

    private void LosePower(ImplAgent agent, bool keepMetadata, List<string>? events, List<ImplViolation> violations)
    {
        if (agent.Status != AgentStatus.Stuck)
        {
            Kill(agent, events, "power loss");
        }

        agent.Simulated!.PowerLoss(keepMetadata ? PowerLossMode.KeepMetadata : PowerLossMode.Drop);
        var info = ReadCheckpoint(agent.Disk, AgentLayout.InfoFile);
        events?.Add($"impl: disk after power loss: resources.info {info.Text(agentIncarnations)}, resources.target {CheckpointText(agent.Disk, AgentLayout.TargetFile)}");
        if (info.Kind == CheckpointReadKind.Unparseable)
        {
            violations.Add(new ImplViolation(PropertyId.AtomicCheckpoint, "resources.info does not parse after the power loss"));
        }
    }

    private void Kill(ImplAgent agent, List<string>? events, string what)
    {
        var lost = Transport.InFlightCount(agent.Name);
        Transport.Break(agent.Name);
        agent.Process = null;
        agent.Status = AgentStatus.Down;
        events?.Add(lost == 0 ? $"impl: {what}" : string.Create(CultureInfo.InvariantCulture, $"impl: {what}; {lost} message(s) in flight are lost"));
    }

    private bool IsConverged(ImplAgent agent)
    {
        if (agent.Status != AgentStatus.Connected || !Master.IsConnected(agent.Name) || Transport.InFlightCount(agent.Name) > 0)
        {
            return false;
        }

        var view = Master.View(agent.Name);
        var read = ReadCheckpoint(agent.Disk, AgentLayout.InfoFile);
        var directories = VolumeDirectories(agent.Disk);
        return view.SameAs(agent.Process!.Resources, AgentDesign.Identity) &&
               // An absent checkpoint is the empty set (docs/semantics.md), as the model reads it; a damaged one never converges.
               read.Kind != CheckpointReadKind.Unparseable &&
               (read.Set ?? ResourceSet.Empty).SameAs(view, AgentDesign.Identity) &&
               !agent.Disk.FileExists(AgentLayout.TargetFile) &&
               SameVolumeNames(directories, view.Volumes);
    }

    /// <summary>
    /// True when the directories and the volumes have the same role/id names, as many of each. The directories of a
    /// listing are distinct, so with equal counts every directory naming some volume leaves no room for a volume
    /// without a directory or for a name listed twice among the volumes.
    /// </summary>
    private static bool SameVolumeNames(VolumeDirectory[] directories, ImmutableSortedSet<Volume> volumes)
    {
        if (directories.Length != volumes.Count)
        {
            return false;
        }

        foreach (var d in directories)
        {
            if (!volumes.Any(v => v.Role == d.Role && v.Id == d.Id))
            {
                return false;
            }
        }

        return true;
    }

    private ImplAgentSnapshot SnapshotAgent(ImplAgent agent)
    {
        var up = agent.Status is AgentStatus.Connected or AgentStatus.Disconnected;
        return new ImplAgentSnapshot(
            agent.Name,
            Master.ViewWithIncarnations(agent.Name),
            Master.IsConnected(agent.Name),
            Transport.InFlight(agent.Name),
            agent.Status,
            up ? agent.Process!.Resources : null,
            ReadCheckpoint(agent.Disk, AgentLayout.InfoFile),
            ReadCheckpoint(agent.Disk, AgentLayout.TargetFile),
            VolumeDirectories(agent.Disk));
    }

    internal static CheckpointRead ReadCheckpoint(IFileSystem disk, string path) =>
        !disk.FileExists(path) ? CheckpointRead.Absent
        : DecodedCheckpoints.TryDecode(disk.ReadFile(path), path, out var set) ? CheckpointRead.Of(set)
        : CheckpointRead.Unparseable;

    private string CheckpointText(IFileSystem disk, string path) => ReadCheckpoint(disk, path).Text(agentIncarnations);

    private static ResourceSet? ReadSet(IFileSystem disk, string path) =>
        disk.FileExists(path) ? DecodedCheckpoints.Decode(disk.ReadFile(path), path) : null;

    internal static VolumeDirectory[] VolumeDirectories(IFileSystem disk)
    {
        if (!disk.DirectoryExists(AgentLayout.VolumesRoot))
        {
            return [];
        }

        VolumeDirectory[] found = [];
        foreach (var role in disk.ListDirectories(AgentLayout.VolumesRoot))
        {
            var rolePath = AgentLayout.VolumesRoot + "/" + role;
            var ids = disk.ListDirectories(rolePath);
            if (ids.Count == 0)
            {
                continue;
            }

            var at = found.Length;
            Array.Resize(ref found, at + ids.Count);
            foreach (var id in ids)
            {
                found[at++] = new VolumeDirectory(role, id, LogicalStepFileSystem.DataIncarnation(disk, rolePath + "/" + id));
            }
        }

        return found;
    }

    private void RequireSimulatedFor(ScenarioCommand command, ImplAgent agent)
    {
        if (agent.Simulated is null && (command.Kind is CommandKind.PowerLoss or CommandKind.Writeback))
        {
            throw Error(command, $"'{command}' needs the simulated disk (--disk sim): a real disk cannot lose power on demand");
        }
    }

    private void Require(ScenarioCommand command, bool ok, ImplAgent agent)
    {
        if (!ok)
        {
            throw Error(command, $"'{command}' cannot happen now: agent is {Describe(agent.Status)}");
        }
    }

    // FsOp's name in lower case, as narrated.
    private static string OpName(FsOp op) => op switch
    {
        FsOp.Mkdir => "mkdir",
        FsOp.Rmdir => "rmdir",
        FsOp.Write => "write",
        FsOp.Rename => "rename",
        FsOp.Fsync => "fsync",
        _ => op.ToString().ToLowerInvariant(),
    };

    private static string Describe(AgentStatus status) => status switch
    {
        AgentStatus.Down => "down",
        AgentStatus.Connected => "up and connected",
        AgentStatus.Disconnected => "up but disconnected",
        _ => "stuck (it refused its checkpoint)",
    };

    private ScenarioException Error(ScenarioCommand command, string message) => new(scenario.Source, command.Line, message);

    /// <summary>Immutable list of the agents' names.</summary>
    public ImmutableArray<string> Names => [.. Agents.Select(a => a.Name)];
}
