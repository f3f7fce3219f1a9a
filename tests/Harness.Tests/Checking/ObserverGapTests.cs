using Harness.Checking;
using Harness.Checking.Mutation;
using Harness.Impl.Agents;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>
/// Two places the lockstep driver used to look away: the first registration (a cluster started on a work directory that
/// already holds agent state), and everything after the first divergence. Each test runs a deliberately wrong agent that
/// only the closed gap catches.
/// </summary>
public sealed class ObserverGapTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-observer-gaps-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Start_RecoveredDiskWithPendingTarget_AgentThatRegistersFirstIsReported()
    {
        var work = WorkDirectoryWithPendingTarget();
        var runner = new LockstepRunner(Design.Target, Scenario.Parse("deliver\n", "pending-target"), new LockstepOptions
        {
            Implementation = new ImplOptions { Disk = DiskKind.Real, WorkDirectory = work, Mutant = AgentMutant.RegisterBeforeFinishingTarget },
            CheckConvergence = false,
        });
        runner.Start();

        var report = runner.Run();

        var (line, violation) = Assert.Single(report.ImplViolations);
        Assert.Equal(0, line);
        Assert.Equal(PropertyId.RecoverBeforeRegister, violation.Property);
        Assert.Contains("a target file is pending", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_RecoveredDiskWithPendingTarget_CorrectAgentIsNotReported()
    {
        var work = WorkDirectoryWithPendingTarget();
        var runner = new LockstepRunner(Design.Target, Scenario.Parse("deliver\n", "pending-target"), new LockstepOptions
        {
            Implementation = new ImplOptions { Disk = DiskKind.Real, WorkDirectory = work },
            CheckConvergence = false,
        });
        runner.Start();

        var report = runner.Run();

        Assert.Empty(report.ImplViolations);
    }

    [Fact]
    public void Run_ViolationAfterTheFirstDivergence_IsReportedBesideIt()
    {
        // The disk keeps the destroyed volume: the directories diverge at the DESTROY's delivery (line 7), and only later
        // (line 10) does a task on the re-created volume see the old data, which the model could not have predicted.
        var scenario = Scenario.Parse("""
            reserve r1 size=1
            create r1/v1 size=1
            deliver
            deliver
            use r1/v1
            destroy r1/v1
            deliver
            create r1/v1 size=1
            deliver
            use r1/v1
            """, "after-divergence");
        var runner = new LockstepRunner(Design.TargetIncarnation, scenario, new LockstepOptions
        {
            Implementation = new ImplOptions { Mutant = AgentMutant.SkipVolumeRemoval },
        });
        runner.Start();

        var report = runner.Run();

        Assert.Equal(7, report.FirstDivergence?.Command.Line);
        var (line, violation) = Assert.Single(report.ImplViolations);
        Assert.Equal(10, line);
        Assert.Equal(PropertyId.FreshVolume, violation.Property);
    }

    // A work directory left by an agent that wrote resources.target (one volume) and died before applying it.
    private string WorkDirectoryWithPendingTarget()
    {
        var work = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        var disk = new LocalFileSystem(Directory.CreateDirectory(Path.Combine(work, "a1")).FullName);
        disk.CreateDirectory(AgentLayout.MetaDirectory);
        var target = ResourceSet.Create([new("r1", 1)], [new Volume("r1", "v1", 1, 0)]);
        disk.WriteFile(AgentLayout.TargetFile, CheckpointCodec.Encode(target));
        return work;
    }
}
