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
        Assert(problem is null, problem);
    }

    [Start]
    [OnEventDoAction(typeof(TaskObserved), nameof(Check))]
    private sealed class Watching : State;
}

/// <summary>No data loss: checks every removal of a volume directory against the master's latest view.</summary>
public sealed class NoDataLossMonitor : CoyoteMonitor
{
    private ResourceSet masterView = ResourceSet.Empty;

    private void Remember(Event e) => masterView = ((MasterViewChanged)e).View;

    private void Check(Event e)
    {
        var removal = (VolumeRemoving)e;
        var problem = ClusterProperties.CheckNoDataLoss(masterView, removal.Role, removal.Id, removal.Data);
        Assert(problem is null, problem);
    }

    [Start]
    [OnEventDoAction(typeof(MasterViewChanged), nameof(Remember))]
    [OnEventDoAction(typeof(VolumeRemoving), nameof(Check))]
    private sealed class Watching : State;
}

/// <summary>Atomic checkpoint: checks resources.info after every rename, crash and power loss.</summary>
public sealed class AtomicCheckpointMonitor : CoyoteMonitor
{
    private void Check(Event e)
    {
        var observed = (CheckpointObserved)e;
        var problem = ClusterProperties.CheckAtomicCheckpoint(observed.Info);
        Assert(problem is null, problem + " (" + observed.When + ")");
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
        Assert(problem is null, problem);
    }

    [Start]
    [OnEventDoAction(typeof(RegistrationObserved), nameof(Check))]
    private sealed class Watching : State;
}
