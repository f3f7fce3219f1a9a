using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Harness.Impl.Agents;
using Harness.Impl.Masters;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Harness.Model;

namespace Harness.Checking.Interleaving;

/// <summary>
/// Refinement under Coyote: steps the reference model with what the implementation does in one execution and, at the
/// end of every actor handler, compares the implementation's observable state with the model's by the same structural
/// comparison as lockstep (<see cref="StructuralComparison"/>, falling back to the <see cref="Observation"/> text). The
/// actors call it synchronously; Coyote runs one handler at a time, so it reads the cluster without races.
/// <para>
/// Each event becomes model actions, and each action a scenario line (<see cref="ScenarioText"/>), so a divergence comes
/// with a scenario that <c>harness replay</c> runs in lockstep. The mapping, and where the implementation's steps are
/// finer than the model's:
/// </para>
/// <list type="bullet">
/// <item>An operation the master accepts is the model's operation; one it rejects or drops must be one the model refuses
/// for the same kind of reason (dropped: the master believes the agent disconnected). Refused operations change nothing
/// and get no line.</item>
/// <item>The first registration is the model's initial state (agent up and connected, nothing on disk); the view the master
/// sends then is the message <see cref="ImplCluster.Start"/> delivers before the first line, so it is left out of the
/// comparison until it is delivered or lost.</item>
/// <item>A restart is the agent's recovery on its side and the master's registration on the other, with master steps in
/// between; the model's restart is atomic. The master's steps in between touch neither the agent's disk nor its memory,
/// and the agent's recovery touches nothing of the master's, so the model's restart is taken when the master registers,
/// and nothing is compared while a recovery waits for its registration.</item>
/// <item>A task launch travels on the connection behind earlier messages and runs when the agent takes it; the model's
/// <c>use</c> is atomic with an empty connection. The operations the master accepted after the launch only change its view
/// and append to the connection's tail, so they commute with the deliveries ahead of the task and with the task itself:
/// the model takes <c>use</c> right after the last delivery ahead of it and the master's later operations after it (the
/// history is rebuilt in that order and checked again). A task lost with its connection is no model step at all.</item>
/// <item>An I/O fault hits one physical operation; the model's steps are logical (write info = temporary write, fsyncs,
/// rename, directory fsync; mkdir/rmdir with their parents' fsyncs). A failed operation fails its logical step. A crash or
/// power loss after a physical operation inside logical step k leaves step k done (its commit point, the rename or the
/// mkdir/rmdir, passed and survived) or not done (before the commit point, or a power loss that dropped an undurable
/// commit); both are tried, k first, then earlier steps, then the fault before the delivery (an idle crash or power loss,
/// which loses the message as the dequeued message is lost), and the first whose result equals the implementation's
/// observable state is taken. A partial-exit failure followed by a crash in its partial checkpoint write is the failed
/// step (its exit is the crash), then the power loss if there was one.</item>
/// <item>A master failover is the model's <c>master fails over</c>, taken at once: the implementation replaces the
/// master, drops the connection and makes the agent's connection a new one in one handler. The adoption is the model's
/// next registration (<c>reconnect agent</c>, or <c>restart agent</c> when the agent recovered meanwhile), where the
/// model adopts as the new master does; a recovery waiting for its registration commutes with the failover.</item>
/// </list>
/// Where a step has no model equivalent, the observer says why (<see cref="UnmappableReason"/>), counts it in
/// <see cref="RefinementStatistics"/> and stops comparing for the rest of the execution.
/// </summary>
public sealed class RefinementObserver
{
    /// <summary>The line that introduces the scenario in a refinement bug's text.</summary>
    public const string ScenarioMarker = "scenario (replay in lockstep with harness replay):";

    private readonly Cluster cluster;
    private readonly Semantics? semantics;
    private readonly StructuralComparison? comparison;
    private readonly RefinementStatistics? statistics;
    private readonly bool agentIncarnations;
    private List<Entry> history = [];
    private readonly List<PendingTask> tasks = [];
    private ModelState state;
    private bool active;
    private bool initialMessage;
    private PendingRestart? restartPending;
    private Io? io;
    private List<Alternative>? step;
    private string? lastEvent = "the first registration";
    private List<Entry>? lastEntries;
    private string? problem;
    private bool dirty;

    // A crash that split a durable step (or a task) from the fsyncs that make it durable leaves a disk the model's atomic,
    // durable steps never reach: the change is there, its durability is not. Crash-only it looks the same; only a power
    // loss tells them apart. A recovery re-syncs every step it finishes (and the checkpoint directory), so the step's debt
    // ends there; a task's data stays unsynced until it is written again.
    private bool stepDurabilityUnknown;
    private bool taskDurabilityUnknown;

    // A crash between a recovery that a writeback split and its registration: the model's restart holds one fault, so it
    // takes the crash and loses the writeback. Crash-only the two agree; a power loss before the next writeback would show
    // what the writeback made durable.
    private bool writebackDurabilityUnknown;

    // The model of a design at some bounds, built once in a process: an exploration's executions all follow the same one,
    // and building it again for each one is wasted work (a quarter of a percent of an execution's CPU time in a
    // profile). A model is immutable, so parallel engines share it.
    private static readonly ConcurrentDictionary<(AgentDesign Design, Bounds Bounds), Semantics?> Models = new();

    // Null when the bounds exceed what the model's packed state holds.
    private static Semantics? ModelFor(AgentDesign design, Bounds bounds) => Models.GetOrAdd((design, bounds), static key =>
    {
        try
        {
            return new Semantics(Designs.Parse(key.Design.Name()), new Layout(key.Bounds), Names.Default(key.Bounds.Roles, key.Bounds.Ids));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    });

    /// <summary>Prepares refinement for the execution of <paramref name="cluster"/>.</summary>
    public RefinementObserver(Cluster cluster, RefinementStatistics? statistics)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        this.cluster = cluster;
        this.statistics = statistics;
        var options = cluster.Options;
        agentIncarnations = options.Design == AgentDesign.TargetIncarnation;
        var operations = options.Frameworks * options.OperationsPerFramework;
        var faults = Math.Min(30, options.FaultBudget + 1);
        if (operations > 30 || options.Ids > 4 || options.Roles > 3 || options.Roles * options.Ids > 6)
        {
            // The packed state numbers incarnations up to the operation bound; past it the model cannot follow.
            UnmappableReason = "the execution's operations or ids exceed the model's bounds";
            statistics?.RecordUnmappable(UnmappableReason);
            return;
        }

        var bounds = new Bounds
        {
            Agents = 1,
            Roles = options.Roles,
            Ids = options.Ids,
            Operations = Math.Max(1, operations),
            IoErrors = faults,
            Crashes = faults,
            PowerLosses = faults,
            LinkBreaks = faults,
            Failovers = cluster.Enabled(FaultKinds.Failover) ? faults : 0,
            Capacity = (int)cluster.Capacity,
            MaxSize = Math.Max(1, options.Ids),
        };
        semantics = ModelFor(options.Design, bounds);
        if (semantics is null)
        {
            UnmappableReason = "the execution's roles, ids and operations exceed what the model's packed state holds";
            statistics?.RecordUnmappable(UnmappableReason);
            return;
        }

        comparison = new StructuralComparison(semantics);
    }

    /// <summary>Why refinement stopped following this execution, or null.</summary>
    public string? UnmappableReason { get; private set; }

    /// <summary>The scenario lines of the model steps taken so far.</summary>
    public IEnumerable<ScenarioCommand> Lines => history.SelectMany(e => e.Lines);

    private bool Following => active && problem is null && UnmappableReason is null;

    /// <summary>The master accepted the registration of the agent's current connection.</summary>
    public void Registered()
    {
        if (semantics is null || problem is not null || UnmappableReason is not null)
        {
            return;
        }

        dirty = true;

        // A registration opens a fresh connection: whatever the old one carried is gone.
        tasks.Clear();
        if (!active)
        {
            active = true;
            state = semantics.Initial();
            initialMessage = true;
            statistics?.Started();
            return;
        }

        if (restartPending is { } restart)
        {
            restartPending = null;
            foreach (var action in WithWriteback(ActionKind.Restart, restart.FailedAt, restart.WritebackAt))
            {
                Then(action);
            }
        }
        else
        {
            Then(new ModelAction(ActionKind.Reconnect));
        }
    }

    /// <summary>The master answered <paramref name="operation"/> with <paramref name="result"/>.</summary>
    public void Operation(ResourceOperation operation, OperationResult result)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!Following)
        {
            return;
        }

        dirty = true;
        var action = ToAction(operation);
        var why = action is { } a ? semantics!.WhyNot(state, a) : "it names a role or id outside the model's names";
        if (why == "no framework operations left in the bounds")
        {
            Unmappable("more operations than the model's bounds");
            return;
        }

        // Read from the model's state, not from its words: while the master counts the agent (the model's agent 0)
        // disconnected it drops every operation, valid or not, one the model has no names for included.
        var modelDrops = why is not null && !state.GetBool(semantics!.Layout.MasterConnected[0]);
        var agree = result.Status switch
        {
            OperationStatus.Accepted => why is null,
            OperationStatus.Dropped => modelDrops,
            _ => why is not null && !modelDrops,
        };
        if (!agree)
        {
            var impl = result.IsAccepted ? "accepts it" : $"{(result.Status == OperationStatus.Dropped ? "drops" : "rejects")} it ({result.Error})";
            var model = why is null ? "accepts it" : $"refuses it ({why})";
            var line = action is { } act ? ScenarioText.Lines(semantics!, state, act) : [];
            problem = Report($"'{operation}'", [$"the implementation's master {impl}, the model's {model}"], line);
            return;
        }

        if (action is { } accepted && why is null)
        {
            Then(accepted);
        }
    }

    /// <summary>The master answered a task launch on <paramref name="role"/>/<paramref name="id"/> with <paramref name="result"/>.</summary>
    public void Launched(string role, string id, OperationResult result)
    {
        // A launch on a dead connection is lost at once, as the master's messages on it are.
        if (Following && result.IsAccepted && cluster.Transport.IsAlive(Cluster.AgentId) &&
            cluster.Master.IncarnationOf(Cluster.AgentId, role, id) is { } incarnation)
        {
            tasks.Add(new PendingTask(role, id, incarnation, history.Count));
        }
    }

    /// <summary>The master now believes the agent disconnected (it noticed the dead connection).</summary>
    public void Noticed() => Then(new ModelAction(ActionKind.MasterNotices));

    /// <summary>The agent's connection broke while the agent stays up.</summary>
    public void LinkBroken()
    {
        tasks.Clear();
        initialMessage = false;
        Then(new ModelAction(ActionKind.BreakLink));
    }

    /// <summary>
    /// The master failed over: the model's failover, taken at once (it drops the connection and the master's belief that
    /// the agent is connected, as the implementation did in the same handler). The adoption is the model's registration
    /// that follows: <c>reconnect agent</c>, or <c>restart agent</c> when the agent recovered meanwhile, which adopts in
    /// the model as <see cref="Harness.Impl.Masters.Master.Register"/> does in the implementation. A recovery waiting for
    /// its registration commutes with the failover (neither touches what the other does), so it stays pending.
    /// </summary>
    public void FailedOver()
    {
        tasks.Clear();
        initialMessage = false;
        Then(new ModelAction(ActionKind.Failover));
    }

    /// <summary>The agent starts recovering from its disk.</summary>
    public void RecoveryStarting() => io = new Io(Restart: true, Initial: false, Task: null);

    /// <summary>The agent takes <paramref name="message"/> from its connection.</summary>
    public void DeliveryStarting(AgentMessage message)
    {
        if (message is RunTaskMessage task)
        {
            var index = tasks.FindIndex(t => t.Role == task.Role && t.Id == task.Id && t.Incarnation == task.Incarnation);
            var pending = index >= 0 ? tasks[index] : null;
            if (index >= 0)
            {
                tasks.RemoveAt(index);
            }

            io = new Io(Restart: false, Initial: false, Task: pending);
            return;
        }

        io = new Io(Restart: false, Initial: initialMessage, Task: null);
        initialMessage = false;
    }

    /// <summary>One physical I/O operation of the agent, completed or failed.</summary>
    public void PhysicalStep(FsStep fsStep)
    {
        if (io is not { } current)
        {
            return;
        }

        current.Physical++;
        current.LastWasRootFsync = fsStep.Op == FsOp.Fsync && fsStep.Path.Length == 0;
        if (StartsLogicalStep(fsStep))
        {
            current.Logical++;
            current.CommitPassed = false;
        }

        current.CommitPassed |= !fsStep.Failed && LogicalStepFileSystem.IsCommitPoint(fsStep.Op, fsStep.Path, fsStep.Destination);

        if (fsStep.Failed && current.FailedAt < 0)
        {
            current.FailedAt = Math.Max(0, current.Logical);
        }
    }

    /// <summary>
    /// The operating system wrote back everything the agent wrote so far, right after its last physical operation, inside
    /// the current delivery or recovery. The model's writeback follows a logical step: the step in progress once its commit
    /// point (the mkdir, the rmdir or the rename) has passed, which is where the agent draws it (a flush between a
    /// temporary file's write and its rename has no model equivalent; docs/interleaving.md), else the one before it.
    /// </summary>
    public void WrittenBack()
    {
        // Whatever an earlier writeback left unknown is durable on both sides now.
        writebackDurabilityUnknown = false;
        if (io is { } current)
        {
            current.WritebackAt = Math.Max(-1, current.CommitPassed ? current.Logical : current.Logical - 1);
            if (Following && !current.Initial)
            {
                statistics?.RecordWriteback();
            }
        }
    }

    /// <summary>The agent finished handling a checkpoint message and runs on.</summary>
    public void DeliveryEnded()
    {
        var current = io;
        io = null;
        dirty = true;
        if (current is null || current.Initial || !Following)
        {
            return;
        }

        foreach (var action in WithWriteback(ActionKind.Deliver, current.FailedAt, current.WritebackAt))
        {
            Then(action);
        }
    }

    /// <summary>
    /// The model actions of an update that ran to its end: with its failed step, or with the writeback after a step (one
    /// before any step is the idle writeback just before the update). The agent draws no writeback after a failure.
    /// </summary>
    private static IEnumerable<ModelAction> WithWriteback(ActionKind kind, int failedAt, int? writebackAt)
    {
        if (failedAt >= 0)
        {
            yield return new ModelAction(kind, Fault: Fault.Fail, Step: failedAt);
            yield break;
        }

        if (writebackAt is not { } w)
        {
            yield return new ModelAction(kind);
            yield break;
        }

        if (w < 0)
        {
            yield return new ModelAction(ActionKind.Writeback);
            yield return new ModelAction(kind);
            yield break;
        }

        yield return new ModelAction(kind, Fault: Fault.Writeback, Step: w);
    }

    /// <summary>A task ran (or failed to start) with <paramref name="reply"/>.</summary>
    public void TaskEnded(TaskReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var current = io;
        io = null;
        dirty = true;
        if (current?.Task is not { } task || !Following || reply.Outcome is TaskOutcome.FailedToStart or TaskOutcome.Rejected)
        {
            // A task that does not start changes nothing, as the model's use that is not enabled.
            return;
        }

        if (InsertUse(task, out var rewrite) is { } why)
        {
            Unmappable(why);
            return;
        }

        (lastEvent, lastEntries) = ($"'use {task.Role}/{task.Id}'", null);
        (step ??= []).Add(new Alternative(rewrite, []));
    }

    /// <summary>The agent recovered and sent its registration (<paramref name="stuck"/>: it refused its checkpoint and stays down).</summary>
    public void RecoveryEnded(bool stuck)
    {
        var current = io;
        io = null;
        dirty = true;
        if (current is null || !Following)
        {
            return;
        }

        if (stuck)
        {
            Then(new ModelAction(ActionKind.Restart));
        }
        else
        {
            stepDurabilityUnknown = false;
            restartPending = new PendingRestart(current.FailedAt, current.WritebackAt);
        }
    }

    /// <summary>
    /// The agent process died: it exited (<paramref name="exited"/>) or crashed, with a power loss of <paramref name="mode"/>
    /// when <paramref name="powerLoss"/>.
    /// </summary>
    public void Died(bool exited, bool powerLoss, PowerLossMode mode)
    {
        var current = io;
        io = null;
        var pendingRestart = restartPending;
        restartPending = null;
        dirty = true;
        tasks.Clear();
        initialMessage = false;
        if (!Following)
        {
            return;
        }

        if (powerLoss && (stepDurabilityUnknown || taskDurabilityUnknown))
        {
            Unmappable(stepDurabilityUnknown
                ? "a power loss after a crash between a durable step and its fsync, before a recovery re-synced it"
                : "a power loss after a crash between a task's write and its last fsync");
            return;
        }

        if (current?.WritebackAt is not null)
        {
            // The agent draws no fault after a writeback in the same update, and exits only on a failure.
            Unmappable("a crash inside an update after a writeback in it, which the model's one fault per update cannot hold");
            return;
        }

        if (powerLoss && writebackDurabilityUnknown)
        {
            Unmappable("a power loss after a crash between a recovery that a writeback split and its registration");
            return;
        }

        if (pendingRestart?.WritebackAt is not null && powerLoss && mode == PowerLossMode.KeepMetadata)
        {
            // The steps after the writeback keep their renames and lose their content: no model step splits a recovery so.
            Unmappable("a power loss that keeps metadata between a recovery that a writeback split and its registration");
            return;
        }

        if (pendingRestart?.WritebackAt is not null && !powerLoss)
        {
            writebackDurabilityUnknown = true;
        }

        if (!powerLoss && !exited && current is { Initial: false })
        {
            if (current.Task is not null)
            {
                taskDurabilityUnknown |= !current.LastWasRootFsync && current.Physical > 0;
            }
            else
            {
                stepDurabilityUnknown |= agentIncarnations && current.Logical >= 0;
            }
        }

        var fault = !powerLoss ? Fault.Crash : mode == PowerLossMode.KeepMetadata ? Fault.PowerLossKeepMetadata : Fault.PowerLoss;
        var alternatives = new List<Alternative>();
        if (current is { Task: { } task })
        {
            // A task is atomic in the model: the crash came after it (its data written) or before it.
            if (InsertUse(task, out var rewrite) is null)
            {
                alternatives.Add(new Alternative(rewrite, [Idle(fault, agentUp: true)]));
            }

            alternatives.Add(new Alternative(null, [Idle(fault, agentUp: true)]));
        }
        else if (current is { Initial: false })
        {
            var kind = current.Restart ? ActionKind.Restart : ActionKind.Deliver;
            if (exited)
            {
                alternatives.Add(new Alternative(null, [current.FailedAt >= 0 ? new ModelAction(kind, Fault: Fault.Fail, Step: current.FailedAt) : new ModelAction(kind)]));
            }
            else
            {
                if (current.FailedAt >= 0)
                {
                    // The failed step's exit is the crash; a power loss after it is an idle power loss of the dead agent.
                    var failed = new ModelAction(kind, Fault: Fault.Fail, Step: current.FailedAt);
                    alternatives.Add(new Alternative(null, powerLoss ? [failed, Idle(fault, agentUp: false)] : [failed]));
                }

                var planned = PlanLength(kind);
                for (var j = Math.Min(current.Logical, planned - 1); j >= 0; j--)
                {
                    alternatives.Add(new Alternative(null, [new ModelAction(kind, Fault: fault, Step: j)]));
                }

                // The fault before the step: an idle crash (the dequeued message is lost with the inbox) or nothing for a
                // restart that had changed nothing yet.
                alternatives.Add(new Alternative(null, kind == ActionKind.Restart && !powerLoss ? [] : [Idle(fault, agentUp: kind == ActionKind.Deliver)]));
            }
        }
        else if (pendingRestart is { WritebackAt: { } w } && powerLoss)
        {
            // Recovered with a writeback after step w, then a power loss that drops what was not durable: the disk is as
            // the recovery left it at step w, durably, and the agent is down. So is the model's after a crash right after
            // step w, a writeback, and a power loss with nothing left to lose.
            alternatives.Add(new Alternative(null, w >= 0
                ? [new ModelAction(ActionKind.Restart, Fault: Fault.Crash, Step: w), new ModelAction(ActionKind.Writeback), Idle(fault, agentUp: false)]
                : [new ModelAction(ActionKind.Writeback), Idle(fault, agentUp: false)]));
        }
        else if (pendingRestart is not null)
        {
            // Recovered but not registered: the model's restart with the fault after its last step, or before any.
            var planned = PlanLength(ActionKind.Restart);
            if (planned > 0)
            {
                alternatives.Add(new Alternative(null, [new ModelAction(ActionKind.Restart, Fault: fault, Step: planned - 1)]));
            }

            alternatives.Add(new Alternative(null, powerLoss ? [Idle(fault, agentUp: false)] : []));
        }
        else
        {
            alternatives.Add(new Alternative(null, [Idle(fault, agentUp: true)]));
        }

        (step ??= []).AddRange(alternatives);
    }

    /// <summary>
    /// Called at the end of every actor handler: maps what happened to model steps and compares the two sides. Returns the
    /// bug text of a divergence, or null; once one is found, every call returns it.
    /// </summary>
    public string? Check()
    {
        // A divergence found as it happened (a master's answer the model does not give) is reported at the first check.
        if (problem is not null)
        {
            return problem;
        }

        if (!Following)
        {
            step = null;
            return null;
        }

        if (step is { } alternatives)
        {
            step = null;
            Resolve(alternatives);
            if (problem is not null)
            {
                return problem;
            }
        }

        // While a recovery waits for its registration the two sides are between the model's steps; a handler that changed
        // nothing the observer saw has nothing new to compare.
        if (restartPending is not null || io is not null || !dirty)
        {
            return null;
        }

        dirty = false;
        var snapshot = Snapshot();
        if (comparison!.Agrees(state, snapshot))
        {
            return null;
        }

        var diff = Observation.OfModel(semantics!, state).Diff(snapshot.ToObservation());
        if (diff.Count == 0)
        {
            return null;
        }

        problem = Report(LastEvent, diff, []);
        return problem;
    }

    /// <summary>The scenario in a refinement bug's text, or null when the text has none.</summary>
    public static string? ScenarioOf(string bugText)
    {
        ArgumentNullException.ThrowIfNull(bugText);
        var at = bugText.IndexOf(ScenarioMarker, StringComparison.Ordinal);
        return at < 0 ? null : bugText[(at + ScenarioMarker.Length)..].TrimStart('\n');
    }

    private void Then(ModelAction action)
    {
        dirty = true;
        if (!Following)
        {
            return;
        }

        if (step is null)
        {
            step = [new Alternative(null, [action])];
            return;
        }

        for (var i = 0; i < step.Count; i++)
        {
            step[i] = step[i] with { Actions = [.. step[i].Actions, action] };
        }
    }

    private void Resolve(List<Alternative> alternatives)
    {
        var compare = alternatives.Count > 1 && restartPending is null;
        ImplSnapshot? snapshot = compare ? Snapshot() : null;
        (ModelState State, List<Entry> History, bool Rewritten)? firstValid = null;
        string? firstWhy = null;
        foreach (var alternative in alternatives)
        {
            var s = alternative.Use?.State ?? state;
            var entries = alternative.Use is { } use ? [.. use.History] : new List<Entry>(history);
            var valid = true;
            foreach (var action in alternative.Actions)
            {
                if (semantics!.WhyNot(s, action) is { } why)
                {
                    // A notice the model does not need (it already counts the agent disconnected) changes nothing.
                    if (action.Kind == ActionKind.MasterNotices)
                    {
                        continue;
                    }

                    firstWhy ??= $"{Describe(action)}: {why}";
                    valid = false;
                    break;
                }

                entries.Add(new Entry(semantics, s, action));
                semantics.Apply(ref s, action);
            }

            if (!valid)
            {
                continue;
            }

            if (!compare || comparison!.Agrees(s, snapshot!) || Observation.OfModel(semantics!, s).Diff(snapshot!.ToObservation()).Count == 0)
            {
                Commit(s, entries, alternative.Use is not null);
                return;
            }

            firstValid ??= (s, entries, alternative.Use is not null);
        }

        if (firstValid is { } fallback)
        {
            // No alternative matches: keep the most faithful one, and the comparison that follows reports the difference.
            Commit(fallback.State, fallback.History, fallback.Rewritten);
            return;
        }

        problem = Report(LastEvent, [$"the model cannot take the step the implementation took ({firstWhy})"], []);
    }

    private void Commit(ModelState s, List<Entry> entries, bool rewritten)
    {
        // A rewritten history moved a task's use into it: its event was named when the task ended.
        if (!rewritten && entries.Count > history.Count)
        {
            // Named when a report or the narration needs it: the lines are text, and most steps are never reported.
            (lastEvent, lastEntries) = (null, entries.GetRange(history.Count, entries.Count - history.Count));
            cluster.Options.Narration?.Add("model: " + LinesOf(lastEntries));
        }

        state = s;
        history = entries;
    }

    /// <summary>
    /// The history with the task's <c>use</c> moved to where the model can take it: after the deliveries ahead of it and
    /// before the master's operations accepted since its launch. Null when that works, else why not.
    /// </summary>
    private string? InsertUse(PendingTask task, out UseRewrite rewrite)
    {
        rewrite = default!;
        var start = Math.Min(task.LaunchIndex, history.Count);
        var s = start < history.Count ? history[start].Before : state;
        var rebuilt = history.GetRange(0, start);
        var masterSide = new List<ModelAction>();
        for (var i = start; i < history.Count; i++)
        {
            var action = history[i].Action;
            if (action.Kind is ActionKind.Reserve or ActionKind.Unreserve or ActionKind.Create or ActionKind.Destroy)
            {
                masterSide.Add(action);
            }
            else if (action.Kind is ActionKind.Deliver or ActionKind.Use)
            {
                if (Apply(ref s, action, rebuilt) is { } why)
                {
                    return $"a task's delivery cannot be ordered before the master's later operations ({why})";
                }
            }
            else
            {
                return $"a task outlived '{Describe(action)}', which loses it in the model";
            }
        }

        var slot = semantics!.Names.FindSlot(task.Role, task.Id);
        if (slot < 0)
        {
            return "a task names a volume outside the model's names";
        }

        var held = semantics.MasterInc(s, 0, slot);
        if (held != task.Incarnation)
        {
            return "a task runs on an incarnation the master no longer held when the connection ahead of it emptied";
        }

        var use = new ModelAction(ActionKind.Use, 0, semantics.Layout.RoleOf(slot), slot);
        if (Apply(ref s, use, rebuilt) is { } notEnabled)
        {
            return $"a task runs where the model cannot launch one ({notEnabled})";
        }

        var afterUse = rebuilt.Count;
        foreach (var action in masterSide)
        {
            if (Apply(ref s, action, rebuilt) is { } why)
            {
                return $"a master operation cannot follow a task it preceded ({why})";
            }
        }

        // Later tasks were launched after this one: their windows start right after it, and the master's operations that
        // came before their launch stay before it.
        foreach (var other in tasks)
        {
            var before = 0;
            for (var i = start; i < history.Count && i < other.LaunchIndex; i++)
            {
                if (history[i].Action.Kind is ActionKind.Reserve or ActionKind.Unreserve or ActionKind.Create or ActionKind.Destroy)
                {
                    before++;
                }
            }

            other.LaunchIndex = afterUse + before;
        }

        if (masterSide.Count > 0)
        {
            statistics?.RecordReordered();
        }

        rewrite = new UseRewrite(s, rebuilt);
        return null;
    }

    private string? Apply(ref ModelState s, ModelAction action, List<Entry> entries)
    {
        if (semantics!.WhyNot(s, action) is { } why)
        {
            return why;
        }

        entries.Add(new Entry(semantics, s, action));
        semantics.Apply(ref s, action);
        return null;
    }

    private int PlanLength(ActionKind kind)
    {
        Span<IoStep> steps = stackalloc IoStep[Semantics.MaxSteps];
        return kind == ActionKind.Restart ? semantics!.PlanRecovery(state, 0, steps) : semantics!.PlanDelivery(state, 0, steps);
    }

    private static ModelAction Idle(Fault fault, bool agentUp) =>
        fault == Fault.Crash && agentUp ? new ModelAction(ActionKind.Crash) : new ModelAction(ActionKind.PowerLoss, Fault: fault == Fault.Crash ? Fault.PowerLoss : fault);

    private ModelAction? ToAction(ResourceOperation operation)
    {
        var names = semantics!.Names;
        var role = names.FindRole(operation.Role);
        if (role < 0)
        {
            return null;
        }

        switch (operation)
        {
            case ReserveOperation r when r.Amount is > 0 and <= 255:
                return new ModelAction(ActionKind.Reserve, 0, role, Size: (int)r.Amount);
            case UnreserveOperation u when u.Amount is > 0 and <= 255:
                return new ModelAction(ActionKind.Unreserve, 0, role, Size: (int)u.Amount);
            case CreateOperation c when c.Size is > 0 and <= 255 && names.FindSlot(c.Role, c.Id) is >= 0 and var slot:
                return new ModelAction(ActionKind.Create, 0, role, slot, (int)c.Size);
            case DestroyOperation d when names.FindSlot(d.Role, d.Id) is >= 0 and var slot:
                return new ModelAction(ActionKind.Destroy, 0, role, slot);
            default:
                return null;
        }
    }

    private string Describe(ModelAction action) => ScenarioText.Lines(semantics!, state, action with { Fault = action.Kind == ActionKind.PowerLoss ? action.Fault : Fault.None })[^1].ToString();

    private static bool StartsLogicalStep(FsStep s) => s.Op switch
    {
        FsOp.Mkdir or FsOp.Rmdir => LogicalStepFileSystem.VolumeOf(s.Path) is not null,
        FsOp.Write => s.Path == AgentLayout.InfoFile + AgentLayout.TemporarySuffix || s.Path == AgentLayout.TargetFile + AgentLayout.TemporarySuffix,
        FsOp.Rename => s.Path == AgentLayout.TargetFile && s.Destination == AgentLayout.InfoFile,
        _ => false,
    };

    private void Unmappable(string reason)
    {
        UnmappableReason = reason;
        statistics?.RecordUnmappable(reason);
    }

    private ImplSnapshot Snapshot()
    {
        var id = Cluster.AgentId;
        var inFlight = new List<AgentMessage>();
        var skipFirst = initialMessage;
        foreach (var message in cluster.Transport.InFlight(id))
        {
            if (skipFirst)
            {
                skipFirst = false;
                continue;
            }

            // A task in flight is not a model state: the model's use is atomic (see the class comment).
            if (message is not RunTaskMessage)
            {
                inFlight.Add(message);
            }
        }

        var agent = cluster.Agent;
        var status = agent is null
            ? cluster.AgentStuck ? AgentStatus.Stuck : AgentStatus.Down
            : cluster.MasterRegisteredEpoch == cluster.Epoch ? AgentStatus.Connected : AgentStatus.Disconnected;
        var snapshot = new ImplAgentSnapshot(
            id,
            cluster.Master.ViewWithIncarnations(id),
            cluster.Master.IsConnected(id),
            inFlight,
            status,
            agent?.Resources,
            ImplCluster.ReadCheckpoint(cluster.Disk, AgentLayout.InfoFile),
            ImplCluster.ReadCheckpoint(cluster.Disk, AgentLayout.TargetFile),
            ImplCluster.VolumeDirectories(cluster.Disk));
        return new ImplSnapshot([snapshot], agentIncarnations);
    }

    private string Report(string afterWhat, IReadOnlyList<string> diff, IReadOnlyList<ScenarioCommand> extra)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{ClusterProperties.Refinement} violated: after {afterWhat} the implementation differs from the model: {string.Join("; ", diff)}\n");
        text.Append(ScenarioMarker).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"# refinement counterexample: harness interleave {cluster.Options.ToArguments()}\n");
        foreach (var line in Lines.Concat(extra))
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    // The event of the last step: its text, or the model steps it mapped to, named when asked.
    private string LastEvent => lastEvent ?? "'" + LinesOf(lastEntries!) + "'";

    private static string LinesOf(List<Entry> entries) => string.Join("; ", entries.SelectMany(e => e.Lines));

    /// <summary>
    /// A model step taken: the state before it and the action. Its scenario lines are made when first read; a fault at a
    /// step the model does not plan, which no line can say, is refused at once, as when the lines were made at once.
    /// </summary>
    private sealed class Entry
    {
        private readonly Semantics semantics;
        private ScenarioCommand[]? lines;

        public Entry(Semantics semantics, ModelState before, ModelAction action)
        {
            ScenarioText.CheckStep(semantics, before, action);
            this.semantics = semantics;
            Before = before;
            Action = action;
        }

        public ModelState Before { get; }

        public ModelAction Action { get; }

        public ScenarioCommand[] Lines => lines ??= [.. ScenarioText.Lines(semantics, Before, Action)];
    }

    private sealed record Alternative(UseRewrite? Use, List<ModelAction> Actions);

    private sealed record UseRewrite(ModelState State, List<Entry> History);

    private sealed record PendingRestart(int FailedAt, int? WritebackAt);

    private sealed class PendingTask(string role, string id, long incarnation, int launchIndex)
    {
        public string Role { get; } = role;

        public string Id { get; } = id;

        public long Incarnation { get; } = incarnation;

        public int LaunchIndex { get; set; } = launchIndex;
    }

    private sealed record Io(bool Restart, bool Initial, PendingTask? Task)
    {
        public int Logical { get; set; } = -1;

        public int FailedAt { get; set; } = -1;

        public int Physical { get; set; }

        public bool LastWasRootFsync { get; set; }

        /// <summary>Whether the commit point of the logical step in progress has passed.</summary>
        public bool CommitPassed { get; set; }

        /// <summary>The logical step a writeback came after (-1: before the first), or null when none came.</summary>
        public int? WritebackAt { get; set; }
    }
}
