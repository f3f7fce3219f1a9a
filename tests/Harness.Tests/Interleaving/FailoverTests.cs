using Harness.Checking;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Harness.Impl.Masters;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Xunit;

namespace Harness.Tests.Interleaving;

/// <summary>
/// Master failover under Coyote (window W5): the fault, the no-data-loss check that learns the adopted view, and
/// refinement across it. Seeds and budgets are fixed, so each test explores the same schedules every run.
/// </summary>
public sealed class FailoverTests
{
    private static readonly HashSet<string> NoProperties = new(StringComparer.Ordinal);

    private static readonly InterleavingOptions FailoverOnly = new() { Faults = FaultKinds.Failover };

    // W5: the master accepts a DESTROY and fails over before the agent takes it. The agent still holds the volume and
    // reports it; the new master adopts it with a fresh incarnation (keep-going's messages carry none), so the framework
    // takes it for a new volume and its task sees the destroyed incarnation's data. The model has the same bug, so
    // refinement (on) stays quiet and the property check reports it.
    [Fact]
    public void Explore_KeepGoingWithFailoverOnly_FindsTheAdoptedDestroyedVolumeAndItsTraceReplays()
    {
        var options = FailoverOnly with { Design = AgentDesign.KeepGoing };
        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 7, Iterations = 100 });

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Equal(ClusterProperties.FreshVolume, result.Property);
        Assert.Contains("fresh-volume violated: a task on r1/v1 incarnation 2 saw data of incarnation 1", result.BugText, StringComparison.Ordinal);

        // The replayed schedule shows the window: the DESTROY accepted, the failover, the model's failover and reconnect.
        var narration = new List<string>();
        var replayed = InterleavingExplorer.Replay(options with { Narration = narration }, result.Trace!);
        Assert.Equal(result.BugText, replayed.BugText);
        var failover = narration.FindIndex(n => n.StartsWith("master fails over", StringComparison.Ordinal));
        Assert.True(failover > 0, string.Join("\n", narration));
        Assert.Contains(narration.Take(failover), n => n == "master accepts DESTROY r1/v1");
        Assert.Equal("model: master fails over", narration[failover + 1]);
        Assert.Contains(narration.Skip(failover), n => n == "model: reconnect agent");
        Assert.Contains(narration.Skip(failover), n => n.StartsWith("the new master registers the agent ({r1:1 | r1/v1(1)#0}), adopts it", StringComparison.Ordinal));
    }

    // The same window on target-incarnation: the offer shows the adopted volume's own incarnation, so the task sees its
    // own data.
    /// <summary>
    /// A broken link and then a failover each tell the agent its connection broke; both answers reached the master over the
    /// same new connection, and the second registration was mapped to a model reconnect of an agent already connected.
    /// This seed found that false divergence at execution 27 before the agent registered at most once per connection.
    /// </summary>
    [Fact]
    public void Explore_BreakLinkThenFailover_OneRegistrationPerConnection()
    {
        var options = new InterleavingOptions
        {
            Design = AgentDesign.PartialExit,
            Faults = FaultKinds.BreakLink | FaultKinds.Failover | FaultKinds.LateNotice,
            Properties = new HashSet<string>(StringComparer.Ordinal),
        };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 2027808484, Iterations = 40, Strategy = InterleavingStrategy.Random });

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(40, result.Iterations);
    }

    [Fact]
    public void Explore_TargetIncarnationWithFailoverOnly_FindsNothing()
    {
        var result = InterleavingExplorer.Explore(FailoverOnly, new ExplorationSettings { Seed = 7, Iterations = 60 });

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(60, result.Iterations);
    }

    // Every fault, the failover among them, on the design that holds: every property and refinement stay clean, and the
    // executions do fail the master over and adopt.
    [Fact]
    public void Explore_TargetIncarnationWithEveryFault_IsCleanUnderRefinementAcrossFailovers()
    {
        var narration = new List<string>();
        var statistics = new RefinementStatistics();
        var options = new InterleavingOptions { Faults = FaultKinds.All, FaultBudget = 3, RefinementStatistics = statistics, Narration = narration };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 2, Iterations = 40 });

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(40, statistics.Executions);
        Assert.Contains(narration, n => n == "model: master fails over");
        Assert.Contains(narration, n => n == "model: restart agent");
    }

    // Refinement alone, failover with crashes and power losses, so adoption also follows a recovery (the model's restart):
    // every design refines the model, its bugs included, so any report would be a mistake of the mapping.
    [Theory]
    [InlineData(AgentDesign.KeepGoing)]
    [InlineData(AgentDesign.PartialExit)]
    [InlineData(AgentDesign.Target)]
    [InlineData(AgentDesign.TargetIncarnation)]
    public void Explore_EveryDesignWithFailoversAndRefinementOnly_FindsNoDivergence(AgentDesign design)
    {
        var statistics = new RefinementStatistics();
        var narration = new List<string>();
        var options = new InterleavingOptions
        {
            Narration = narration,
            Design = design,
            Faults = FaultKinds.Failover | FaultKinds.Crash | FaultKinds.PowerLoss | FaultKinds.LateNotice,
            FaultBudget = 3,
            Properties = NoProperties,
            RefinementStatistics = statistics,
        };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 3, Iterations = 15 });

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(15, statistics.Executions);
        Assert.Contains(narration, n => n == "model: master fails over");
        Assert.All(statistics.Reasons.Keys, reason => Assert.Contains("a power loss after a crash between", reason, StringComparison.Ordinal));
    }

    // A failover that forgets the durable registry: the new master starts empty and keeps its empty view at the agent's
    // registration instead of adopting the report, so the agent removes every volume (the bug a real-disk replay of an
    // existing work directory had). Each removal is of a volume the new master does not hold, so no-data-loss, which
    // judges removals by the master's view, has nothing to report. Refinement reports it at the failover itself: the
    // model's new master keeps the old view as the ghost its adoption reads incarnations from, the forgetful one has none.
    private static readonly InterleavingOptions ForgetfulFailover = new()
    {
        Faults = FaultKinds.Failover,
        MasterFailover = (old, transport) => new Master(transport, old.Capacity(Cluster.AgentId), old.SendsIncarnations),
    };

    private static readonly ExplorationSettings MistakeBudget = new() { Seed = 1, Iterations = 30 };

    [Fact]
    public void Explore_ForgetfulFailoverWithPropertyChecksOnly_ReportsNothing()
    {
        var result = InterleavingExplorer.Explore(ForgetfulFailover with { Refinement = false }, MistakeBudget);

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(MistakeBudget.Iterations, result.Iterations);
    }

    [Fact]
    public void Explore_ForgetfulFailover_RefinementReportsTheUnadoptedView()
    {
        var result = InterleavingExplorer.Explore(ForgetfulFailover, MistakeBudget);

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Equal(ClusterProperties.Refinement, result.Property);
        Assert.Contains("refinement violated: after 'master fails over' the implementation differs from the model: a1 master view: model {r1:1}, impl {}", result.BugText, StringComparison.Ordinal);
        Assert.EndsWith("master fails over\n", RefinementObserver.ScenarioOf(result.BugText!), StringComparison.Ordinal);
    }

    // An agent that writes each task's data outside the volume directory: the task reports it ran, the volume holds no
    // data. With the failover as the only fault the agent never restarts, so every registration after the first is one a
    // new master adopts; the no-data-loss check of a registration waits for the adoption and finds the loss there. With
    // no fault there is no registration after a task, and nothing is found.
    private static readonly InterleavingOptions MisplacedTaskData = new()
    {
        Faults = FaultKinds.Failover,
        Refinement = false,
        Properties = new HashSet<string>(StringComparer.Ordinal) { ClusterProperties.NoDataLoss },
        AgentDisk = disk => new MisplacedTaskDataFileSystem(disk),
    };

    [Fact]
    public void Explore_MisplacedTaskDataWithFailovers_NoDataLossReportsItAtTheAdoption()
    {
        var result = InterleavingExplorer.Explore(MisplacedTaskData, MistakeBudget);

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Equal(ClusterProperties.NoDataLoss, result.Property);
        Assert.Contains("no-data-loss violated: r1/v1 lost the durable data of incarnation 1 when a new master adopted it (it holds no data)", result.BugText, StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_MisplacedTaskDataWithoutFaults_ReportsNothing()
    {
        var result = InterleavingExplorer.Explore(MisplacedTaskData with { Faults = FaultKinds.None }, MistakeBudget);

        Assert.False(result.BugFound, result.BugText);
    }

    // The case only the adoption shows: the old master had destroyed r1/v1 (its DESTROY was lost with the failover), so
    // its view lacks the volume and a check against it passes; the new master adopts r1/v1 back in the incarnation whose
    // data a task made durable, and the directory holds none. The check reports it because it learns the adopted view.
    private static readonly ResourceSet ViewWithoutV1 = ResourceSet.Create([new("r1", 1)], []);

    private static readonly ResourceSet ViewWithV1 = ResourceSet.Create([new("r1", 1)], [new Volume("r1", "v1", 1, 1)]);

    private static readonly VolumeDirectory[] EmptyVolume = [new("r1", "v1", 0)];

    [Fact]
    public void NoDataLoss_AdoptedBackWithoutItsData_ReportsTheLossAtTheAdoption()
    {
        var check = new NoDataLossCheck();
        check.TaskDataWritten("r1", "v1", 1);

        var bug = check.ViewAdopted(EmptyVolume, oldView: ViewWithoutV1, masterView: ViewWithV1);

        Assert.Equal("no-data-loss violated: r1/v1 lost the durable data of incarnation 1 when a new master adopted it (it holds no data), while the master still holds it", bug);
    }

    [Fact]
    public void NoDataLoss_SameDiskCheckedAgainstTheOldMastersViewOnly_ReportsNothing()
    {
        var check = new NoDataLossCheck();
        check.TaskDataWritten("r1", "v1", 1);

        Assert.Null(check.AgentRecovered(EmptyVolume, ViewWithoutV1));
    }

    [Fact]
    public void NoDataLoss_RegisteredWithoutDataTheMasterStillHolds_ReportsTheLossAcrossTheRestart()
    {
        var check = new NoDataLossCheck();
        check.TaskDataWritten("r1", "v1", 1);

        var bug = check.AgentRecovered(EmptyVolume, ViewWithV1);

        Assert.Equal("no-data-loss violated: r1/v1 lost the durable data of incarnation 1 across a restart (it holds no data), while the master still holds it", bug);
    }

    [Fact]
    public void NoDataLoss_OldMasterHeldWhatTheAdoptedViewLacks_ReportsTheLossAcrossTheFailover()
    {
        // The adopted view no longer holds the volume, so only the old master's view shows that its data was lost.
        var check = new NoDataLossCheck();
        check.TaskDataWritten("r1", "v1", 1);

        var bug = check.ViewAdopted(EmptyVolume, oldView: ViewWithV1, masterView: ViewWithoutV1);

        Assert.Equal("no-data-loss violated: r1/v1 lost the durable data of incarnation 1 across a failover (it holds no data), while the master still holds it", bug);
    }

    [Fact]
    public void FaultKindNames_Failover_ParsesAndFormats()
    {
        Assert.Equal(FaultKinds.Failover | FaultKinds.Crash, FaultKindNames.Parse("failover,crash"));
        Assert.Equal("crash,failover", FaultKindNames.Format(FaultKinds.Failover | FaultKinds.Crash));
        Assert.Equal("all", FaultKindNames.Format(FaultKindNames.Parse("io,crash,power-loss,break-link,late-notice,writeback,failover")));
    }

    private sealed class MisplacedTaskDataFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        private const string Elsewhere = "task-data";

        public override void WriteFile(string path, ReadOnlySpan<byte> contents) => Inner.WriteFile(Redirect(path), contents);

        public override void FsyncFile(string path) => Inner.FsyncFile(Redirect(path));

        private static string Redirect(string path) =>
            path.StartsWith(AgentLayout.VolumesRoot + "/", StringComparison.Ordinal) && path.EndsWith("/" + AgentLayout.TaskDataFileName, StringComparison.Ordinal)
                ? Elsewhere
                : path;
    }
}
