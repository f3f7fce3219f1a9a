using Harness.Checking;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Interleaving;

/// <summary>
/// Refinement under Coyote: the model stepped beside the implementation in every execution. Seeds and budgets are fixed,
/// so each test explores the same schedules every run.
/// </summary>
public sealed class RefinementTests
{
    private static readonly HashSet<string> NoProperties = new(StringComparer.Ordinal);

    // Every design refines the model, bugs included (the model has the same bugs), so with the property checks off a
    // refinement report could only be a mistake of the mapping: over every fault kind and two ids there is none.
    [Theory]
    [InlineData(AgentDesign.KeepGoing)]
    [InlineData(AgentDesign.PartialExit)]
    [InlineData(AgentDesign.Target)]
    [InlineData(AgentDesign.TargetIncarnation)]
    public void Explore_EveryDesignWithRefinementOnly_FindsNoDivergence(AgentDesign design)
    {
        var statistics = new RefinementStatistics();
        var options = new InterleavingOptions { Design = design, Ids = 2, Properties = NoProperties, RefinementStatistics = statistics };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 11, Iterations = 30 });

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(30, statistics.Executions);
        // The only executions refinement leaves are the model's known gap: a power loss after a crash that split a step or
        // a task from its fsyncs (see docs/interleaving.md).
        Assert.All(statistics.Reasons.Keys, reason => Assert.Contains("a power loss after a crash between", reason, StringComparison.Ordinal));
    }

    // Writeback choices inside updates: each is mapped to the model's writeback after a step, and the power losses and
    // crashes after it show whether the model made the same things durable. target-incarnation draws none (its writes are
    // durable, as the model's rule has it), so it checks that the choice stays off there.
    [Theory]
    [InlineData(AgentDesign.Target, true)]
    [InlineData(AgentDesign.PartialExit, true)]
    [InlineData(AgentDesign.TargetIncarnation, false)]
    public void Explore_WritebackChoicesWithRefinementOnly_FindsNoDivergence(AgentDesign design, bool drawsWritebacks)
    {
        var statistics = new RefinementStatistics();
        var options = new InterleavingOptions
        {
            Design = design,
            Faults = FaultKinds.PowerLoss | FaultKinds.Writeback | FaultKinds.Crash,
            Properties = NoProperties,
            RefinementStatistics = statistics,
        };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 11, Iterations = 40 });

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(40, statistics.Executions);
        Assert.Equal(drawsWritebacks, statistics.Writebacks > 0);
        Assert.All(statistics.Reasons.Keys, reason => Assert.Contains("a power loss after a crash between", reason, StringComparison.Ordinal));
    }

    // An agent that writes resources.target with the volumes alone (only they need directory work) and puts the whole set
    // in it just before it commits: while a delta is applied, the pending target lacks the reservations. Recovery
    // finishes a pending target through the same commit, so every committed checkpoint, every registration, every
    // directory and the converged state are right, and no property check reads a pending target's content. Refinement
    // compares it whenever a crash or power loss leaves a target pending.
    private static readonly InterleavingOptions LossyTarget = new()
    {
        Design = AgentDesign.TargetIncarnation,
        AgentDisk = disk => new VolumesOnlyTargetFileSystem(disk),
    };

    private static readonly ExplorationSettings MistakeBudget = new() { Seed = 5, Iterations = 40 };

    [Fact]
    public void Explore_VolumesOnlyTargetWithPropertyChecksOnly_ReportsNothing()
    {
        var result = InterleavingExplorer.Explore(LossyTarget with { Refinement = false }, MistakeBudget);

        Assert.False(result.BugFound, result.BugText);
        Assert.Equal(MistakeBudget.Iterations, result.Iterations);
    }

    [Fact]
    public void Explore_VolumesOnlyTarget_RefinementReportsThePendingTarget()
    {
        var result = InterleavingExplorer.Explore(LossyTarget, MistakeBudget);

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Equal(ClusterProperties.Refinement, result.Property);
        Assert.Contains("the implementation differs from the model: a1 resources.target: model {r1:1}, impl {}", result.BugText, StringComparison.Ordinal);
    }

    [Fact]
    public void Explore_RefinementDivergence_ItsScenarioIsAModelTraceThatReplaysInLockstep()
    {
        var found = InterleavingExplorer.Explore(LossyTarget, MistakeBudget);
        var text = RefinementObserver.ScenarioOf(found.BugText!);
        Assert.NotNull(text);

        // On the correct agent the scenario's lines all happen, in the model and in the implementation, and agree.
        var scenario = Scenario.Parse(text, "refinement");
        var runner = new LockstepRunner(Design.TargetIncarnation, scenario, new LockstepOptions { CheckConvergence = false });
        runner.Start();
        var report = runner.Run();

        Assert.NotEmpty(scenario.Commands);
        Assert.Null(report.ErrorLine);
        Assert.False(report.Diverged, string.Join("; ", report.FirstDivergence?.Divergence ?? []));
    }

    // Two roles and frequent rare inputs: the same id in both roles, DESTROY of unknown volumes, UNRESERVE, hostile names.
    // The master and the model must agree on every one (refinement compares their verdicts), and the hostile names never
    // reach the agent.
    [Fact]
    public void Explore_TwoRolesAndRareInputs_ProducesEveryKindAndRefinementAgrees()
    {
        var narration = new List<string>();
        var statistics = new RefinementStatistics();
        var options = new InterleavingOptions
        {
            // Two roles of one id each: v1 lives in both; two ids each would exceed the model's packed state.
            Roles = 2,
            RareInputOdds = 2,
            OperationsPerFramework = 8,
            Properties = NoProperties,
            RefinementStatistics = statistics,
            Narration = narration,
        };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 4, Iterations = 25 });

        Assert.False(result.BugFound, result.BugText);
        Assert.Contains(narration, n => n.StartsWith("master accepts CREATE r2/", StringComparison.Ordinal));
        Assert.Contains(narration, n => n.StartsWith("master rejects DESTROY r", StringComparison.Ordinal));
        Assert.Contains(narration, n => n.StartsWith("master rejects CREATE ../r", StringComparison.Ordinal));
        Assert.Contains(narration, n => n.Contains("UNRESERVE r", StringComparison.Ordinal));
        Assert.DoesNotContain(narration, n => n.Contains("agent receives", StringComparison.Ordinal) && n.Contains("..", StringComparison.Ordinal));
        Assert.Equal(25, statistics.Executions);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Check_MasterAnsweredAnOperationUnlikeTheModel_ReportsTheDivergence(bool dropped)
    {
        // The comparison of the master's answer happens as the master answers; the check at the end of the handler is
        // where Coyote hears of it. The model's master is connected and has room, so it accepts the RESERVE.
        var refinement = new Cluster(new InterleavingOptions { Properties = NoProperties }).Refinement!;
        refinement.Registered();
        var answer = dropped ? Harness.Impl.Masters.OperationResult.Dropped(Cluster.AgentId) : Harness.Impl.Masters.OperationResult.Rejected("no room");

        refinement.Operation(new Harness.Impl.Masters.ReserveOperation("r1", 1), answer);

        var said = dropped ? "drops it (Agent a1 is not connected: operation dropped)" : "rejects it (no room)";
        Assert.StartsWith(
            $"refinement violated: after 'RESERVE r1 1' the implementation differs from the model: the implementation's master {said}, the model's accepts it",
            refinement.Check(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void ToArguments_RefinementOff_SaysSo()
    {
        Assert.EndsWith(" --no-refinement", new InterleavingOptions { Refinement = false }.ToArguments(), StringComparison.Ordinal);
        Assert.DoesNotContain("refinement", new InterleavingOptions().ToArguments(), StringComparison.Ordinal);
    }

    [Fact]
    public void PropertyOf_RefinementBug_IsRefinement()
    {
        Assert.Equal(ClusterProperties.Refinement, ClusterProperties.PropertyOf("refinement violated: after 'deliver' the implementation differs"));
    }

    private sealed class VolumesOnlyTargetFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        private static readonly string TargetTemporary = AgentLayout.TargetFile + AgentLayout.TemporarySuffix;

        private ResourceSet? whole;

        public override void WriteFile(string path, ReadOnlySpan<byte> contents)
        {
            if (path != TargetTemporary)
            {
                Inner.WriteFile(path, contents);
                return;
            }

            whole = CheckpointCodec.Decode(contents.ToArray(), path);
            Inner.WriteFile(path, CheckpointCodec.Encode(ResourceSet.Create([], whole.Volumes)));
        }

        public override void Rename(string source, string destination)
        {
            if (source == AgentLayout.TargetFile && destination == AgentLayout.InfoFile && whole is not null)
            {
                // The whole set goes into the target durably, then the agent's own rename commits it.
                Inner.WriteFile(TargetTemporary, CheckpointCodec.Encode(whole));
                Inner.FsyncFile(TargetTemporary);
                Inner.Rename(TargetTemporary, AgentLayout.TargetFile);
                Inner.FsyncDirectory(AgentLayout.MetaDirectory);
            }

            Inner.Rename(source, destination);
        }
    }
}
