using System.Globalization;
using Harness.Impl.Agents;
using Harness.Impl.Storage;

namespace Harness.Checking.Interleaving;

/// <summary>The system one interleaving test runs: the design, the faults and how much the frameworks and the injector do.</summary>
public sealed record InterleavingOptions
{
    /// <summary>The agent design under test.</summary>
    public AgentDesign Design { get; init; } = AgentDesign.TargetIncarnation;

    /// <summary>Which fault kinds are enabled.</summary>
    public FaultKinds Faults { get; init; } = FaultKinds.All;

    /// <summary>How many faults one execution may inject in all; once spent, faults stop and the cluster must converge.</summary>
    public int FaultBudget { get; init; } = 2;

    /// <summary>Framework actors, all on one role so they share persistence ids.</summary>
    public int Frameworks { get; init; } = 1;

    /// <summary>Roles the frameworks reserve and choose from (r1, r2, ...); with two, the same id lives in both roles.</summary>
    public int Roles { get; init; } = 1;

    /// <summary>
    /// The chance, one in this many, that an operation is a rare input (a DESTROY of an unknown volume, an UNRESERVE,
    /// a hostile name); 0 for none.
    /// </summary>
    public int RareInputOdds { get; init; } = 8;

    /// <summary>Persistence ids the frameworks choose from; few ids make ids reused.</summary>
    public int Ids { get; init; } = 1;

    /// <summary>Operations (RESERVE, CREATE, DESTROY, use) each framework issues.</summary>
    public int OperationsPerFramework { get; init; } = 6;

    /// <summary>
    /// The chance, one in this many, that an eligible I/O step fails or is followed by a crash, power loss or writeback, or
    /// that a fault comes when a message arrives, while the budget lasts.
    /// </summary>
    public int FaultOdds { get; init; } = 4;

    /// <summary>
    /// Whether each execution first draws by weight (a controlled choice, so a trace replays it) one fault window to focus
    /// on and enables only that window's faults (<see cref="FaultFocus.Profiles"/>) or, as one choice among them, all of
    /// <see cref="Faults"/>. With many kinds on at once the budget is spent early on whichever fault comes first, and the
    /// windows that need a fault late in an execution are rarely reached; a focused execution spends it on one window.
    /// On by default (docs/interleaving.md, "Reach per fault window", measures what it changes).
    /// </summary>
    public bool FocusFaults { get; init; } = true;

    /// <summary>Properties checked (names from <see cref="ClusterProperties.All"/>).</summary>
    public IReadOnlySet<string> Properties { get; init; } = ClusterProperties.All.ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether the refinement observer steps the model beside the implementation and compares them after every handler
    /// (<see cref="RefinementObserver"/>).
    /// </summary>
    public bool Refinement { get; init; } = true;

    /// <summary>
    /// Whether events between actors go through Coyote's own actor inboxes, which start a new OS thread at every wake-up,
    /// instead of the harness's mailboxes (<see cref="ClusterActor"/>). Both explore the same schedules for a seed; the
    /// mailboxes take 0.6-0.7 of the time. Kept as the reference the mailboxes are tested and measured against.
    /// </summary>
    public bool CoyoteInboxes { get; init; }

    /// <summary>Where refinement counts the executions it followed and those it could not map (null: not counted).</summary>
    public RefinementStatistics? RefinementStatistics { get; init; }

    /// <summary>
    /// Wraps the disk the agent sees, above the fault injector (null: the agent sees it as it is). The harness's own tests
    /// build deliberately mistaken agents with it, outside the implementation, to show what catches them.
    /// </summary>
    public Func<IFileSystem, IFileSystem>? AgentDisk { get; init; }

    /// <summary>
    /// Replaces the failover of the master (null: <see cref="Harness.Impl.Masters.Master.FailOver"/>), given the master that
    /// fails over and the transport it sends on. The harness's own tests build deliberately mistaken failovers with it,
    /// outside the implementation, to show what catches them.
    /// </summary>
    public Func<Harness.Impl.Masters.Master, Harness.Impl.Messaging.QueuedTransport, Harness.Impl.Masters.Master>? MasterFailover { get; init; }

    /// <summary>
    /// Where the actors write the readable steps of each execution (null: only into Coyote's log). Set when replaying
    /// one schedule, so that its steps can be shown; the executions of one engine run one handler at a time.
    /// </summary>
    public IList<string>? Narration { get; init; }

    /// <summary>
    /// Whether the actors narrate their steps into Coyote's log, which Coyote keeps for the report of a bug (narration
    /// into <see cref="Narration"/> does not depend on it). An exploration turns it off unless <see cref="Narration"/> is
    /// collected: an execution's narration is read only when it has a bug, and the report of that bug then starts with
    /// the steps of a narrated replay of its trace.
    /// </summary>
    public bool NarrateLog { get; init; } = true;

    /// <summary>
    /// Where the actors record, after every handler that changed something and once more when the execution ends, why the
    /// cluster has not converged (null once it has). Set with <see cref="Narration"/> when replaying one schedule, so a
    /// convergence bug can say what never converged.
    /// </summary>
    public IList<string?>? ConvergenceProblems { get; init; }

    /// <summary>The options as command-line arguments of <c>harness interleave</c>.</summary>
    public string ToArguments() => string.Create(
        CultureInfo.InvariantCulture,
        $"--design {Design.Name()} --faults {FaultKindNames.Format(Faults)} --fault-budget {FaultBudget}{(FaultOdds == 4 ? "" : $" --fault-odds {FaultOdds}")}{(FocusFaults ? "" : " --no-fault-focus")} --frameworks {Frameworks} --ids {Ids}{(Roles == 1 ? "" : $" --roles {Roles}")} --ops {OperationsPerFramework}{(RareInputOdds == 8 ? "" : $" --rare-inputs {RareInputOdds}")}{(Properties.Count == ClusterProperties.All.Count ? "" : " --properties " + string.Join(",", ClusterProperties.All.Where(Properties.Contains)))}{(Refinement ? "" : " --no-refinement")}");
}
