using Harness.Impl.Resources;

namespace Harness.Checking.Interleaving;

/// <summary>
/// The four safety properties of one execution, checked at the moment an actor observes what they judge: each method
/// returns the violation, or null, and the actor asserts it, so a violation is a Coyote bug at that step. A safety
/// property needs no state machine of Coyote's (a monitor is for the liveness property, <see cref="ConvergenceMonitor"/>),
/// and Coyote's monitors cost an execution about a twentieth of its floor in registration and dispatch. The predicates
/// are <see cref="ClusterProperties"/>' own; this class keeps what two of them remember between observations. A property
/// left out of the execution is not checked, and its observation is not made (callers ask <see cref="FreshVolume"/> and
/// the others first).
/// </summary>
public sealed class SafetyChecks(IReadOnlySet<string> properties)
{
    // No data loss: the incarnation each task made durable in a volume.
    private readonly Dictionary<(string Role, string Id), long> durableData = [];

    // Atomic checkpoint: every resources.info a rename of the agent committed.
    private readonly HashSet<byte[]> committed = new(ByteContent.Comparer);

    /// <summary>Whether fresh-volume is checked.</summary>
    public bool FreshVolume { get; } = properties.Contains(ClusterProperties.FreshVolume);

    /// <summary>Whether no-data-loss is checked.</summary>
    public bool NoDataLoss { get; } = properties.Contains(ClusterProperties.NoDataLoss);

    /// <summary>Whether atomic-checkpoint is checked.</summary>
    public bool AtomicCheckpoint { get; } = properties.Contains(ClusterProperties.AtomicCheckpoint);

    /// <summary>Whether recover-before-register is checked.</summary>
    public bool RecoverBeforeRegister { get; } = properties.Contains(ClusterProperties.RecoverBeforeRegister);

    /// <summary>Fresh volume: a task ran on <paramref name="role"/>/<paramref name="id"/>, launched on incarnation <paramref name="launched"/>, and saw <paramref name="seenData"/>.</summary>
    public static string? TaskRan(string role, string id, long launched, string? seenData) =>
        ClusterProperties.CheckFreshVolume(role, id, launched, seenData);

    /// <summary>
    /// No data loss: the agent is about to remove volume <paramref name="role"/>/<paramref name="id"/> holding
    /// <paramref name="data"/> while the master's view (every incarnation) is <paramref name="masterView"/>. The view is
    /// the master's at the removal itself, whatever changed it (operations, registrations, failover), never a copy kept
    /// here, which a failover would leave stale.
    /// </summary>
    public static string? VolumeRemoving(string role, string id, string? data, ResourceSet masterView) =>
        ClusterProperties.CheckNoDataLoss(masterView, role, id, data);

    /// <summary>No data loss: a task wrote data of <paramref name="incarnation"/> into <paramref name="role"/>/<paramref name="id"/> and made it durable.</summary>
    public void TaskDataWritten(string role, string id, long incarnation) => durableData[(role, id)] = incarnation;

    /// <summary>
    /// No data loss at a registration: the data each task made durable is still in <paramref name="volumes"/> for every
    /// volume <paramref name="masterView"/> holds in that incarnation (a loss without a removal: a power loss that took back
    /// data that was never durable).
    /// </summary>
    public string? AgentRecovered(IReadOnlyList<VolumeDirectory> volumes, ResourceSet masterView)
    {
        foreach (var ((role, id), incarnation) in durableData)
        {
            if (ClusterProperties.CheckDataSurvived(masterView, role, id, incarnation, volumes) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>
    /// No data loss when a master that failed over adopts the agent's report as its view (<paramref name="masterView"/>),
    /// replacing <paramref name="oldView"/>: until then the new master had no view to check the registration against.
    /// </summary>
    public string? ViewAdopted(IReadOnlyList<VolumeDirectory> volumes, ResourceSet oldView, ResourceSet masterView)
    {
        foreach (var ((role, id), incarnation) in durableData)
        {
            if ((ClusterProperties.CheckDataSurvived(masterView, role, id, incarnation, volumes, "when a new master adopted it")
                ?? ClusterProperties.CheckDataSurvived(oldView, role, id, incarnation, volumes, "across a failover")) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    /// <summary>
    /// Atomic checkpoint: resources.info (<paramref name="info"/>, null when absent) read after a rename, a crash or a power
    /// loss (<paramref name="when"/>) parses with the checkers' own reader; after a rename it is a set the agent committed
    /// (<paramref name="commits"/>), and at any other moment it must be one of those.
    /// </summary>
    public string? CheckpointObserved(string when, byte[]? info, bool commits)
    {
        if (ClusterProperties.CheckAtomicCheckpoint(info) is { } problem)
        {
            return problem + " (" + when + ")";
        }

        if (info is null)
        {
            return null;
        }

        if (commits)
        {
            // A copy: the caller's array may be a buffer it reuses.
            committed.Add(info.ToArray());
            return null;
        }

        return committed.Contains(info) ? null : ClusterProperties.UncommittedCheckpoint(info) + " (" + when + ")";
    }

    /// <summary>Recover before register: the agent's disk at a (re)registration.</summary>
    public static string? Registering(DiskObservation disk) => ClusterProperties.CheckRecoverBeforeRegister(disk);
}
