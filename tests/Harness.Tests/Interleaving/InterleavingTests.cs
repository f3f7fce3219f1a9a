using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Xunit;

namespace Harness.Tests.Interleaving;

/// <summary>
/// Coyote explorations of the real master and agent. Seeds and iteration budgets are fixed, so each test explores the
/// same schedules every run; budgets are a few times what the seed needs, and small enough to keep the suite fast.
/// </summary>
public sealed class InterleavingTests : IDisposable
{
    // The window of the seed thread: a DESTROY whose rmdir fails at the agent, and a CREATE of the same id that reaches the
    // master before the DESTROY is re-applied. An exit on failure loses the agent's inbox and the master notices late,
    // so late notice belongs to the window; the only fault injected is the failed rmdir.
    private static readonly InterleavingOptions Window = new()
    {
        Faults = FaultKinds.Rmdir | FaultKinds.LateNotice,
        FaultBudget = 1,
        // The window needs every operation on it; the rare inputs (tested on their own) would spend some elsewhere.
        RareInputOdds = 0,
        // Keep-going never retries a failed DESTROY, so it does not converge either; this test is about fresh-volume.
        Properties = new HashSet<string>(StringComparer.Ordinal)
        {
            ClusterProperties.FreshVolume, ClusterProperties.NoDataLoss, ClusterProperties.AtomicCheckpoint, ClusterProperties.RecoverBeforeRegister,
        },
    };

    private static readonly ExplorationSettings WindowBudget = new() { Seed = 7, Iterations = 100 };

    private readonly string outputDirectory = Directory.CreateTempSubdirectory("harness-interleave-").FullName;

    public void Dispose() => Directory.Delete(outputDirectory, recursive: true);

    [Theory]
    [InlineData(AgentDesign.KeepGoing)]
    [InlineData(AgentDesign.PartialExit)]
    public void Explore_SeedWindowOnMesosDesigns_FindsFreshVolumeViolation(AgentDesign design)
    {
        var result = InterleavingExplorer.Explore(Window with { Design = design }, WindowBudget);

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Equal(ClusterProperties.FreshVolume, result.Property);
        Assert.Contains("fresh-volume violated: a task on r1/v1 incarnation 2 saw data of incarnation 1", result.BugText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AgentDesign.Target)]
    [InlineData(AgentDesign.TargetIncarnation)]
    public void Explore_SeedWindowOnTargetDesigns_FindsNothing(AgentDesign design)
    {
        var result = InterleavingExplorer.Explore(Window with { Design = design }, WindowBudget);

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(WindowBudget.Iterations, result.Iterations);
    }

    // Each safety property alone, on a Mesos design and faults that violate it: the property that finds the bug is the one
    // checked, so the test fails if that check is lost (other properties would otherwise find the same executions first).
    [Theory]
    [InlineData(ClusterProperties.RecoverBeforeRegister, FaultKinds.Io | FaultKinds.LateNotice, "recover-before-register violated: the agent registers with volume directories")]
    [InlineData(ClusterProperties.AtomicCheckpoint, FaultKinds.Crash | FaultKinds.PowerLoss, "atomic-checkpoint violated: meta/resources/resources.info does not parse")]
    public void Explore_KeepGoingWithOneSafetyProperty_ThatPropertyFindsItsViolation(string property, FaultKinds faults, string violation)
    {
        var options = new InterleavingOptions
        {
            Design = AgentDesign.KeepGoing,
            Faults = faults,
            Properties = new HashSet<string>(StringComparer.Ordinal) { property },
        };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 0, Iterations = 200 });

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Equal(property, result.Property);
        Assert.StartsWith(violation, result.BugText, StringComparison.Ordinal);
    }

    // The liveness monitor alone: keep-going logs a failed mkdir and never retries it, so the cluster stays hot.
    private static readonly InterleavingOptions FailedMkdirConvergenceOnly = new()
    {
        Faults = FaultKinds.Mkdir,
        FaultBudget = 1,
        Properties = new HashSet<string>(StringComparer.Ordinal) { ClusterProperties.Convergence },
    };

    [Fact]
    public void Explore_KeepGoingAfterFailedMkdir_ConvergenceMonitorReportsLivenessBug()
    {
        var result = InterleavingExplorer.Explore(FailedMkdirConvergenceOnly with { Design = AgentDesign.KeepGoing }, WindowBudget);

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Contains("ConvergenceMonitor detected liveness bug in hot state 'NotConverged'", result.BugText, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_ConvergenceBug_SaysWhatNeverConverged()
    {
        var options = FailedMkdirConvergenceOnly with { Design = AgentDesign.KeepGoing };
        var found = InterleavingExplorer.Explore(options, WindowBudget);
        var problems = new List<string?>();

        var replayed = InterleavingExplorer.Replay(options with { ConvergenceProblems = problems }, found.Trace!);

        // The last entry is the one made when the execution ended: the state the monitor judged.
        Assert.True(replayed.BugFound, InterleavingExplorer.Summary(replayed));
        Assert.StartsWith("convergence: master view", problems[^1], StringComparison.Ordinal);
        Assert.StartsWith(
            "convergence violated: the cluster never converged once faults and operations stopped: master view",
            InterleavingExplorer.BugInWords(replayed.BugText!, problems[^1]),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_BugFound_ReturnsTheStepsAndConvergenceOfItsReplay()
    {
        // The command line prints these instead of replaying the bug once more.
        var options = FailedMkdirConvergenceOnly with { Design = AgentDesign.KeepGoing };
        var found = InterleavingExplorer.Explore(options, WindowBudget);
        var steps = new List<string>();
        var problems = new List<string?>();

        InterleavingExplorer.Replay(options with { Narration = steps, ConvergenceProblems = problems }, found.Trace!);

        Assert.NotEmpty(steps);
        Assert.Equal(steps, found.BugSteps);
        Assert.Equal(problems, found.BugConvergenceProblems);
    }

    [Fact]
    public void Explore_TargetIncarnationAfterFailedMkdir_Converges()
    {
        var result = InterleavingExplorer.Explore(FailedMkdirConvergenceOnly with { Design = AgentDesign.TargetIncarnation }, WindowBudget);

        Assert.False(result.BugFound, result.BugText);
    }

    [Fact]
    public void Explore_TargetIncarnationWithAllFaults_RunsItsBudgetClean()
    {
        var options = new InterleavingOptions { Design = AgentDesign.TargetIncarnation, Faults = FaultKinds.All };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 1, Iterations = 100 });

        // Clean also means no false deadlock or uncontrolled-concurrency report: those would be bugs here.
        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(100, result.Iterations);
    }

    [Fact]
    public void Explore_TargetWithPowerLoss_FindsAViolation()
    {
        var options = new InterleavingOptions { Design = AgentDesign.Target, Faults = FaultKinds.PowerLoss };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 3, Iterations = 100 });

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.NotNull(result.Property);
    }

    // W4 with power losses alone (scenarios/w4-target-writeback-mid-update.scenario): the kernel's flush lands inside the
    // DESTROY's update, after resources.target is written and before it is renamed over resources.info, so after a later
    // power loss recovery re-applies the stale target and removes the re-created volume with its data. Without the
    // writeback choice nothing makes the stale target durable. Few faults per step keep the budget for the late power loss.
    private static readonly InterleavingOptions StaleTargetWindow = new()
    {
        Design = AgentDesign.Target,
        Faults = FaultKinds.PowerLoss | FaultKinds.Writeback,
        FaultOdds = 16,
        OperationsPerFramework = 5,
        RareInputOdds = 0,
        Properties = new HashSet<string>(StringComparer.Ordinal) { ClusterProperties.NoDataLoss },
    };

    [Fact]
    public void Explore_TargetWithPowerLossAndWriteback_FindsTheStaleTargetDataLoss()
    {
        var statistics = new RefinementStatistics();
        var found = InterleavingExplorer.Explore(StaleTargetWindow with { RefinementStatistics = statistics }, new ExplorationSettings { Seed = 1, Iterations = 400 });

        // Refinement followed every execution to the bug, writebacks included, and found the model in step with them.
        Assert.True(found.BugFound, InterleavingExplorer.Summary(found));
        Assert.True(statistics.Writebacks > 0);
        Assert.Equal(0, statistics.Unmappable);
        Assert.Contains("no-data-loss violated: the agent removed r1/v1 holding data of incarnation 2, which the master still holds", found.BugText, StringComparison.Ordinal);

        // The schedule has the flush inside the DESTROY's update, between the target's rename and the rmdir, and refinement
        // took it as the model's writeback after that step.
        var narration = new List<string>();
        var replayed = InterleavingExplorer.Replay(StaleTargetWindow with { Narration = narration }, found.Trace!);
        Assert.Equal(found.BugText, replayed.BugText);
        Assert.Contains("model: writeback after write target; deliver", narration);
    }

    [Fact]
    public void Explore_TargetWithBrokenLinks_FindsTheLostDestroyWindow()
    {
        // W2: the DESTROY is lost with the link, the master accepts a CREATE of the same id before it notices, and the
        // re-registration sends a view equal to the agent's. It needs a longer run of operations than the seed's window.
        var options = new InterleavingOptions
        {
            Design = AgentDesign.Target,
            Faults = FaultKinds.BreakLink | FaultKinds.LateNotice,
            FaultBudget = 1,
            OperationsPerFramework = 8,
        };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 1, Iterations = 400 });

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Contains("fresh-volume violated: a task on r1/v1 incarnation 2 saw data of incarnation 1", result.BugText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AgentDesign.KeepGoing)]
    [InlineData(AgentDesign.PartialExit)]
    public void Explore_MesosDesignsWithAllFaults_FindAViolation(AgentDesign design)
    {
        var options = new InterleavingOptions { Design = design, Faults = FaultKinds.All };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 3, Iterations = 200 });

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.NotNull(result.Property);
    }

    [Fact]
    public void Replay_SavedTrace_ReproducesTheSameBugText()
    {
        var options = Window with { Design = AgentDesign.PartialExit };
        var found = InterleavingExplorer.Explore(options, WindowBudget, outputDirectory, "window");
        var tracePath = Assert.Single(found.ReportFiles, f => f.EndsWith(".trace", StringComparison.Ordinal));

        var replayed = InterleavingExplorer.Replay(options, File.ReadAllText(tracePath));

        Assert.True(replayed.BugFound);
        Assert.Equal(found.BugText, replayed.BugText);
        Assert.Contains("--replay " + tracePath, InterleavingExplorer.ReplayCommand(options, tracePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_BugFound_ReadableReportHasTheBugsSteps()
    {
        // Explorations do not narrate their executions; the readable report gets the bug's steps from a replay.
        var options = Window with { Design = AgentDesign.PartialExit };
        var found = InterleavingExplorer.Explore(options, WindowBudget, outputDirectory, "steps");
        var readable = File.ReadAllText(Assert.Single(found.ReportFiles, f => f.EndsWith(".txt", StringComparison.Ordinal)));
        var steps = new List<string>();
        InterleavingExplorer.Replay(options with { Narration = steps }, found.Trace!);

        Assert.Null(found.ReportError);
        Assert.NotEmpty(steps);
        var stepLines = readable.Split('\n').Where(l => l.StartsWith(ClusterActor.StepMarker, StringComparison.Ordinal)).ToList();
        Assert.Equal(steps.Select(s => ClusterActor.StepMarker + s), stepLines);
        Assert.Contains(found.BugText!, readable, StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_BugFound_TheReportsReplayAddsToNoStatistics()
    {
        // The replay that gives the report its steps is not an execution of the exploration.
        var statistics = new RefinementStatistics();
        var options = Window with { Design = AgentDesign.PartialExit, RefinementStatistics = statistics };

        var found = InterleavingExplorer.Explore(options, WindowBudget, outputDirectory, "statistics");

        Assert.True(found.BugFound);
        Assert.Equal(found.Iterations, statistics.Executions);
    }

    [Fact]
    public void Explore_TwoEnginesSideBySide_ReportTheFirstEnginesBugWhateverTheTiming()
    {
        var options = Window with { Design = AgentDesign.KeepGoing };
        var settings = WindowBudget with { Parallel = 2 };

        var first = InterleavingExplorer.Explore(options, settings, Path.Combine(outputDirectory, "first"));
        var second = InterleavingExplorer.Explore(options, settings, Path.Combine(outputDirectory, "second"));

        Assert.True(first.BugFound, InterleavingExplorer.Summary(first));
        Assert.Equal(first.Trace, second.Trace);
        Assert.Equal(first.BugText, InterleavingExplorer.Replay(options, first.Trace!).BugText);
    }

    [Fact]
    public void Explore_TwoEnginesOnTheCorrectDesign_ShareTheBudgetExactly()
    {
        var options = Window with { Design = AgentDesign.TargetIncarnation };

        var result = InterleavingExplorer.Explore(options, WindowBudget with { Iterations = 41, Parallel = 2 });

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(41, result.Iterations);
    }

    [Fact]
    public void SpreadSeed_KeepsTheRootSeedFirstAndSpreadsTheOthers()
    {
        Assert.Equal(7u, InterleavingExplorer.SpreadSeed(7, 0));
        var seeds = Enumerable.Range(0, 64).Select(i => InterleavingExplorer.SpreadSeed(7, i)).Order().ToArray();

        // Coyote uses seed + n for the n-th execution, so spread seeds stay far apart.
        Assert.All(seeds.Zip(seeds.Skip(1)), pair => Assert.True(pair.Second - pair.First > 1_000_000, $"{pair.First} and {pair.Second}"));
    }

    [Fact]
    public void RoundSeed_PortfolioRounds_NeverRepeatAnotherRoundsExecutions()
    {
        // Coyote seeds its n-th execution with seed + n, as an int whose sign .NET's Random drops. Rounds of 20 spread root
        // seeds (the "Reach per fault window" runs: 1,000 executions, 40 rounds each) and of four parallel engines (100
        // rounds each) must seed disjoint executions; with seed + round the round four later, under the same strategy,
        // repeated 21 of 25 executions.
        var rounds = Enumerable.Range(0, 20)
            .SelectMany(i => Enumerable.Range(0, 40).Select(r => InterleavingExplorer.RoundSeed(InterleavingExplorer.SpreadSeed(0, i), r)))
            .Concat(Enumerable.Range(0, 4)
                .SelectMany(k => Enumerable.Range(0, 100).Select(r => InterleavingExplorer.RoundSeed(InterleavingExplorer.SpreadSeed(20240611, k), r))))
            .ToList();
        var seeded = new HashSet<long>();

        var repeated = rounds
            .SelectMany(s => Enumerable.Range(0, InterleavingExplorer.PortfolioRoundExecutions).Select(n => Math.Abs((long)unchecked((int)(s + (uint)n)))))
            .Count(value => !seeded.Add(value));

        Assert.Equal(0u, InterleavingExplorer.RoundSeed(0, 0));
        Assert.Equal(0, repeated);
    }

    [Fact]
    public void Explore_Portfolio_IsEachRoundRunAloneWithItsStrategyAndRoundSeed()
    {
        // Five rounds: the four strategies in turn, then the first one again, which seed + round made repeat 21 of the
        // first round's 25 executions.
        var options = new InterleavingOptions { Design = AgentDesign.TargetIncarnation, Faults = FaultKinds.Rmdir | FaultKinds.LateNotice };
        InterleavingStrategy[] turns = [InterleavingStrategy.Prioritization, InterleavingStrategy.Random, InterleavingStrategy.Pct, InterleavingStrategy.Probabilistic];
        const int Rounds = 5;
        const uint Seed = 11;
        var each = InterleavingExplorer.PortfolioRoundExecutions;

        var portfolio = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = Seed, Iterations = Rounds * each, Strategy = InterleavingStrategy.Portfolio });
        var alone = Enumerable.Range(0, Rounds)
            .Select(r => InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = InterleavingExplorer.RoundSeed(Seed, r), Iterations = each, Strategy = turns[r % turns.Length] }))
            .ToList();

        Assert.False(portfolio.BugFound, portfolio.BugText);
        Assert.Equal(Rounds * each, portfolio.Iterations);
        Assert.All(alone, a => Assert.Equal(each, a.Iterations));
        Assert.Equal(alone.Sum(a => a.SchedulingSteps), portfolio.SchedulingSteps);
    }
}
