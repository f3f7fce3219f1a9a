using Harness.Impl.Resources;
using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Harness.Checking.Interleaving;

/// <summary>Fresh volume: checks every task the agent ran against the incarnation it was launched on.</summary>
public sealed class FreshVolumeMonitor : CoyoteMonitor
{
    private void Check(Event e)
    {
        var task = (TaskObserved)e;
        var problem = ClusterProperties.CheckFreshVolume(task.Role, task.Id, task.Launched, task.SeenData);
        Assert(problem is null, "{0}", problem);
    }

    [Start]
    [OnEventDoAction(typeof(TaskObserved), nameof(Check))]
    private sealed class Watching : State;
}

/// <summary>
/// No data loss: checks every removal of a volume directory against the master's view at that moment, and at every
/// registration that the data each task made durable is still there for every volume the master holds in that
/// incarnation (a loss without a removal: a power loss that took back data that was never durable). It keeps no copy of
/// the master's view, which a failover would leave stale: each event carries the view of the master at that moment, and
/// after a failover it checks the agent's registration when the new master adopts it (<see cref="ViewAdopted"/>), against
/// the adopted view and the old master's.
/// </summary>
public sealed class NoDataLossMonitor : CoyoteMonitor
{
    private readonly Dictionary<(string Role, string Id), long> durableData = [];

    private void Check(Event e)
    {
        var removal = (VolumeRemoving)e;
        var problem = ClusterProperties.CheckNoDataLoss(removal.MasterView, removal.Role, removal.Id, removal.Data);
        Assert(problem is null, "{0}", problem);
    }

    private void Remember(Event e)
    {
        var written = (TaskDataWritten)e;
        durableData[(written.Role, written.Id)] = written.Incarnation;
    }

    private void CheckSurvived(Event e)
    {
        var recovered = (AgentRecovered)e;
        foreach (var ((role, id), incarnation) in durableData)
        {
            var problem = ClusterProperties.CheckDataSurvived(recovered.MasterView, role, id, incarnation, recovered.Volumes);
            Assert(problem is null, "{0}", problem);
        }
    }

    private void CheckAdopted(Event e)
    {
        var adopted = (ViewAdopted)e;
        foreach (var ((role, id), incarnation) in durableData)
        {
            var problem = ClusterProperties.CheckDataSurvived(adopted.MasterView, role, id, incarnation, adopted.Volumes, "when a new master adopted it")
                ?? ClusterProperties.CheckDataSurvived(adopted.OldView, role, id, incarnation, adopted.Volumes, "across a failover");
            Assert(problem is null, "{0}", problem);
        }
    }

    [Start]
    [OnEventDoAction(typeof(VolumeRemoving), nameof(Check))]
    [OnEventDoAction(typeof(TaskDataWritten), nameof(Remember))]
    [OnEventDoAction(typeof(AgentRecovered), nameof(CheckSurvived))]
    [OnEventDoAction(typeof(ViewAdopted), nameof(CheckAdopted))]
    private sealed class Watching : State;
}

/// <summary>
/// Atomic checkpoint: checks resources.info after every rename, crash and power loss with the checkers' own reader, and
/// that what a crash or power loss leaves for recovery is absent or a set the agent committed by a rename.
/// </summary>
public sealed class AtomicCheckpointMonitor : CoyoteMonitor
{
    private readonly HashSet<string> committed = new(StringComparer.Ordinal);

    private void Check(Event e)
    {
        var observed = (CheckpointObserved)e;
        var problem = ClusterProperties.CheckAtomicCheckpoint(observed.Info);
        Assert(problem is null, "{0}", problem + " (" + observed.When + ")");
        if (observed.Info is not { } info)
        {
            return;
        }

        var content = Convert.ToBase64String(info);
        if (observed.Commits)
        {
            committed.Add(content);
            return;
        }

        var text = committed.Contains(content) ? null : ClusterProperties.UncommittedCheckpoint(info);
        Assert(text is null, "{0}", text + " (" + observed.When + ")");
    }

    [Start]
    [OnEventDoAction(typeof(CheckpointObserved), nameof(Check))]
    private sealed class Watching : State;
}

/// <summary>Recover before register: checks the disk at every (re)registration.</summary>
public sealed class RecoverBeforeRegisterMonitor : CoyoteMonitor
{
    private void Check(Event e)
    {
        var problem = ClusterProperties.CheckRecoverBeforeRegister(((RegistrationObserved)e).Disk);
        Assert(problem is null, "{0}", problem);
    }

    [Start]
    [OnEventDoAction(typeof(RegistrationObserved), nameof(Check))]
    private sealed class Watching : State;
}
