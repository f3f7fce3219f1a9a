using Harness.Impl.Resources;

namespace Harness.Checking.Interleaving;

/// <summary>
/// No data loss under Coyote: every removal of a volume directory against the master's view at that moment, and at every
/// registration that the data each task made durable is still there for every volume the master holds in that
/// incarnation (a loss without a removal: a power loss that took back data that was never durable). It keeps no copy of
/// the master's view, which a failover would leave stale: each call carries the view of the master at that moment, and
/// after a failover the agent's registration is checked when the new master adopts it (<see cref="ViewAdopted"/>),
/// against the adopted view and the old master's. See <see cref="FreshVolumeCheck"/> for why a plain check.
/// </summary>
public sealed class NoDataLossCheck
{
    // The incarnation each task made durable in a volume.
    private readonly Dictionary<(string Role, string Id), long> durableData = [];

    /// <summary>
    /// The agent is about to remove volume <paramref name="role"/>/<paramref name="id"/> holding <paramref name="data"/>
    /// while the master's view (every incarnation) is <paramref name="masterView"/>.
    /// </summary>
    public static string? VolumeRemoving(string role, string id, string? data, ResourceSet masterView) =>
        ClusterProperties.CheckNoDataLoss(masterView, role, id, data);

    /// <summary>A task wrote data of <paramref name="incarnation"/> into <paramref name="role"/>/<paramref name="id"/> and made it durable.</summary>
    public void TaskDataWritten(string role, string id, long incarnation) => durableData[(role, id)] = incarnation;

    /// <summary>The agent registers with its volume directories <paramref name="volumes"/> while the master's view is <paramref name="masterView"/>.</summary>
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
    /// A master that failed over adopts the agent's report as its view (<paramref name="masterView"/>), replacing
    /// <paramref name="oldView"/>, while the agent's volume directories are <paramref name="volumes"/>: until then the new
    /// master had no view to check the registration against.
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
}
