using Harness.Impl.Agents;
using Harness.Impl.Masters;
using Harness.Impl.Messaging;
using Harness.Impl.Storage;
using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// The objects of one execution: the real master and its transport, the agent's simulated disk and the fault budget.
/// Each object belongs to one actor (master and transport to <see cref="MasterActor"/>, the disk and the agent instance
/// to <see cref="AgentActor"/>); the others only read them to observe properties, and the connection is shared by both
/// ends as a real socket is. Coyote runs one actor handler at a time in a test, so these reads never race.
/// </summary>
public sealed class Cluster
{
    /// <summary>The one agent's id (the master keys its records by it).</summary>
    public const string AgentId = "a1";

    /// <summary>The name of role number <paramref name="index"/> (0-based): <c>r1</c>, <c>r2</c>, ...</summary>
    public static string RoleName(int index) => index switch
    {
        0 => "r1",
        1 => "r2",
        2 => "r3",
        _ => "r" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Creates the cluster for <paramref name="options"/>.</summary>
    public Cluster(InterleavingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Transport = new QueuedTransport();
        Capacity = (long)options.Ids * options.Frameworks * options.Roles;
        Master = new Master(Transport, diskCapacityPerAgent: Capacity, sendIncarnations: options.Design == AgentDesign.TargetIncarnation);
        FaultsLeft = options.FaultBudget;
        Faults = options.Faults;
        Refinement = options.Refinement ? new RefinementObserver(this, options.RefinementStatistics) : null;
        NoDataLoss = options.Properties.Contains(ClusterProperties.NoDataLoss) ? new NoDataLossCheck() : null;
        AtomicCheckpoint = options.Properties.Contains(ClusterProperties.AtomicCheckpoint) ? new AtomicCheckpointCheck() : null;
    }

    /// <summary>What runs.</summary>
    public InterleavingOptions Options { get; }

    /// <summary>The agent's disk units at the master.</summary>
    public long Capacity { get; }

    /// <summary>The refinement observer, or null when refinement is off.</summary>
    public RefinementObserver? Refinement { get; }

    /// <summary>No-data-loss's check of this execution, or null when the property is not checked.</summary>
    public NoDataLossCheck? NoDataLoss { get; }

    /// <summary>Atomic-checkpoint's check of this execution, or null when the property is not checked.</summary>
    public AtomicCheckpointCheck? AtomicCheckpoint { get; }

    /// <summary>Whether <paramref name="property"/> (a name from <see cref="ClusterProperties.All"/>) is checked.</summary>
    public bool Checks(string property) => Options.Properties.Contains(property);

    /// <summary>True once the agent refused its checkpoint: it stays down for good.</summary>
    public bool AgentStuck { get; set; }

    /// <summary>The connection whose registration the master accepted last, or -1.</summary>
    public int MasterRegisteredEpoch { get; set; } = -1;

    /// <summary>
    /// The master, driven by <see cref="MasterActor"/>; a failover replaces it. Every reader (actors, observers, checks)
    /// goes through this property at the moment it reads, so none keeps reading the master that failed over.
    /// </summary>
    public Master Master { get; private set; }

    /// <summary>The connection to the agent.</summary>
    public QueuedTransport Transport { get; }

    /// <summary>The agent's disk.</summary>
    public SimulatedFileSystem Disk { get; } = new();

    /// <summary>The running agent instance, or null while it is down.</summary>
    public Agent? Agent { get; set; }

    /// <summary>The agent's current connection number; it changes at every death and broken link.</summary>
    public int Epoch { get; set; }

    /// <summary>The connection the master has registered, or -1.</summary>
    public int RegisteredEpoch { get; set; } = -1;

    /// <summary>Faults still allowed in this execution.</summary>
    public int FaultsLeft { get; private set; }

    /// <summary>The master actor.</summary>
    public ActorId MasterActor { get; set; } = null!;

    /// <summary>The agent actor.</summary>
    public ActorId AgentActor { get; set; } = null!;

    /// <summary>The framework actors.</summary>
    public IReadOnlyList<ActorId> Frameworks { get; set; } = [];

    private readonly Dictionary<ActorId, Mailbox> mailboxes = [];

    /// <summary>The mailbox of actor <paramref name="actor"/>, made on first use (before the actor runs, so nothing sent to it is lost).</summary>
    public Mailbox MailboxOf(ActorId actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!mailboxes.TryGetValue(actor, out var box))
        {
            box = new Mailbox(actor);
            mailboxes.Add(actor, box);
        }

        return box;
    }

    /// <summary>
    /// True when every actor but the owner of <paramref name="own"/> waits with an empty mailbox and <paramref name="own"/>
    /// is empty too: nothing is left to happen. Every actor's mailbox is made before any actor runs.
    /// </summary>
    public bool QuiescentBesides(Mailbox own) => own.Count == 0 && mailboxes.Values.All(box => box == own || box.Idle);

    /// <summary>How often an event woke an idle actor in this execution (with the harness's mailboxes).</summary>
    public int Wakes => mailboxes.Values.Sum(box => box.Wakes);

    /// <summary>
    /// Ends the threads of the actors that wait for events: called by the last actor to run out of events, and after an
    /// execution that Coyote stopped (a bug, the step bound), when those threads would otherwise sleep for ever.
    /// </summary>
    public void ReleaseSleepers()
    {
        foreach (var box in mailboxes.Values)
        {
            box.Release();
        }
    }

    /// <summary>True when <paramref name="kind"/> is enabled.</summary>
    public bool Enabled(FaultKinds kind) => (Faults & kind) != 0;

    /// <summary>The faults this execution may inject: the options' faults, or the window <see cref="FaultFocus"/> chose.</summary>
    public FaultKinds Faults { get; set; }

    /// <summary>Spends one fault of the budget; false when none is left.</summary>
    public bool TryTakeFault()
    {
        if (FaultsLeft <= 0)
        {
            return false;
        }

        FaultsLeft--;
        return true;
    }

    /// <summary>True once the master knows the agent (it registered with this master or one it failed over from).</summary>
    public bool MasterKnowsAgent => Master.LastReported(AgentId) is not null || Master.IsAdopting(AgentId);

    /// <summary>
    /// The master fails over, in one step as a handler must take it: the new master keeps only its durable registry, the
    /// connection drops with what it carried, and the agent's connection is a new one that the new master has not
    /// registered, so a registration sent over the old one is stale. The caller tells a running agent to re-register.
    /// </summary>
    public void FailOverMaster()
    {
        Master = Options.MasterFailover?.Invoke(Master, Transport) ?? Master.FailOver();
        Transport.Break(AgentId);
        MasterRegisteredEpoch = -1;
        Epoch++;
        RegisteredEpoch = -1;
    }

    /// <summary>Whether the actors narrate their steps: into Coyote's log, or into <see cref="InterleavingOptions.Narration"/>.</summary>
    public bool Narrating => Options.NarrateLog || Options.Narration is not null;

    /// <summary>Whether the convergence monitor was last told the cluster had converged (it starts hot: not converged).</summary>
    public bool ToldConverged { get; set; }

    /// <summary>Why the cluster has not converged, or null when it has.</summary>
    public string? ConvergenceProblem() => ClusterProperties.CheckConverged(new ConvergenceObservation(
        Agent is not null,
        Master.IsConnected(AgentId) && RegisteredEpoch == Epoch && Transport.IsAlive(AgentId),
        Transport.InFlightCount(AgentId),
        Master.View(AgentId),
        Agent?.Resources,
        Disk,
        Options.Design.Identity));
}
