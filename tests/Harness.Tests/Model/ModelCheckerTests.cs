using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

public class ModelCheckerTests
{
    private static readonly Bounds Small = new();

    private static readonly Bounds NoFaults = new() { IoErrors = 0, Crashes = 0, PowerLosses = 0, LinkBreaks = 0 };

    public static TheoryData<Design, string> DefaultVerdicts => new()
    {
        // design, then for each modelled property its shortest trace length or "holds".
        { Design.KeepGoing, "fresh-volume=10 no-data-loss=holds atomic-checkpoint=3 recover-before-register=5 convergence=3" },
        { Design.PartialExit, "fresh-volume=11 no-data-loss=holds atomic-checkpoint=3 recover-before-register=5 convergence=3" },
        { Design.Target, "fresh-volume=11 no-data-loss=11 atomic-checkpoint=3 recover-before-register=7 convergence=2" },
        { Design.TargetIncarnation, "fresh-volume=holds no-data-loss=holds atomic-checkpoint=holds recover-before-register=holds convergence=holds" },
    };

    [Theory]
    [MemberData(nameof(DefaultVerdicts))]
    public void Check_DefaultBounds_VerdictsAndShortestTraceLengths(Design design, string expected)
    {
        var result = ModelChecker.Check(design, Small);

        Assert.True(result.Complete);
        Assert.Equal(expected, Summary(result));
    }

    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_WithoutFaults_EveryDesignHoldsEverything(Design design)
    {
        var result = ModelChecker.Check(design, NoFaults);

        Assert.Empty(result.Violations);
        Assert.True(result.States > 100);
    }

    [Fact]
    public void Check_PartialExit_FreshVolumeTraceIsTheSeedWindow()
    {
        var result = ModelChecker.Check(Design.PartialExit, Small with { Crashes = 0, PowerLosses = 0, LinkBreaks = 0 });

        var lines = result.ViolationOf(PropertyId.FreshVolume)!.ToScenario().Commands.Select(c => c.ToString()).ToList();

        // DESTROY then CREATE of the same id are accepted before the failed rmdir is re-applied.
        var destroy = lines.IndexOf("destroy r1/v1");
        var create = lines.LastIndexOf("create r1/v1 size=1");
        var fail = lines.IndexOf("fail rmdir r1/v1");
        Assert.True(destroy >= 0 && create > destroy && fail > create, string.Join(" | ", lines));
        Assert.Equal("use r1/v1", lines[^1]);
        Assert.True(lines.Count <= 13, string.Join(" | ", lines));
    }

    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    public void Check_EveryViolationTrace_ReplaysToTheSameViolation(Design design)
    {
        var result = ModelChecker.Check(design, Small);

        foreach (var v in result.Violations.Where(v => v.Property != PropertyId.Convergence))
        {
            var text = v.ToScenario().Format();
            var runner = new ModelRunner(design, Scenario.Parse(text, "trace"));
            var steps = runner.RunAll();

            Assert.Contains(v.Property, steps[^1].Violated);
            Assert.Empty(runner.PendingFaults);
        }
    }

    [Fact]
    public void Check_ConvergenceTrace_EndsWhereNoFaultFreePathConverges()
    {
        // keep-going keeps running after a failed mkdir and nothing ever retries it.
        var result = ModelChecker.Check(Design.KeepGoing, NoFaults with { IoErrors = 1 });
        var v = result.ViolationOf(PropertyId.Convergence)!;
        var runner = new ModelRunner(Design.KeepGoing, v.ToScenario());
        runner.RunAll();

        Assert.Contains("fail mkdir r1/v1", v.ToScenario().Format(), StringComparison.Ordinal);
        Assert.False(runner.Semantics.IsConverged(runner.State));
        Assert.Equal(AgentStatus.Connected, (AgentStatus)runner.State.GetInt(runner.Semantics.Layout.Status[0]));
    }

    [Fact]
    public void Check_PartialExitWithoutPowerLoss_FindsThePartialMixCheckpoint()
    {
        var result = ModelChecker.Check(Design.PartialExit, Small with { PowerLosses = 0, Crashes = 0 });

        var last = result.ViolationOf(PropertyId.AtomicCheckpoint)!.Steps[^1];
        Assert.Contains(last.Events, e => e.Contains("(old set plus what succeeded)", StringComparison.Ordinal));
        Assert.Equal(Fault.Fail, last.Action.Fault);
    }

    [Theory]
    [InlineData(0, 0, 0, 1, "break link")]
    [InlineData(0, 1, 0, 0, "crash agent")]
    [InlineData(1, 0, 0, 0, "fail write target")]
    [InlineData(0, 0, 1, 0, "power-loss")]
    public void Check_Target_EachFaultThatLosesTheDestroyReopensTheWindow(int io, int crashes, int power, int links, string fault)
    {
        var result = ModelChecker.Check(Design.Target, new Bounds { IoErrors = io, Crashes = crashes, PowerLosses = power, LinkBreaks = links });

        var trace = result.ViolationOf(PropertyId.FreshVolume)!.ToScenario().Format();
        Assert.Contains(fault, trace, StringComparison.Ordinal);
        Assert.True(ModelChecker.Check(Design.TargetIncarnation, new Bounds { IoErrors = io, Crashes = crashes, PowerLosses = power, LinkBreaks = links }).Holds(PropertyId.FreshVolume));
    }

    [Fact]
    public void Check_TwoAgents_TargetIncarnationHoldsAndCountsMoreStates()
    {
        var one = ModelChecker.Check(Design.TargetIncarnation, NoFaults with { IoErrors = 1, Operations = 3 });
        var two = ModelChecker.Check(Design.TargetIncarnation, NoFaults with { IoErrors = 1, Operations = 3, Agents = 2 });

        Assert.Empty(two.Violations);
        Assert.True(two.States > one.States);
    }

    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_Reductions_KeepEveryVerdictAndTraceLength(Design design)
    {
        var bounds = Small with { IoErrors = 2 };
        var full = ModelChecker.Check(design, bounds, new CheckOptions { Reductions = Reductions.None });
        var reduced = ModelChecker.Check(design, bounds, new CheckOptions { Reductions = Reductions.All });

        Assert.Equal(Summary(full), Summary(reduced));
        Assert.True(reduced.States < full.States, $"{reduced.States} < {full.States}");
        Assert.True(reduced.Transitions < full.Transitions);
    }

    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_GroupedAndFieldByFieldLayouts_ExploreTheSameStates(Design design)
    {
        var bounds = Small with { PowerLosses = 2 };
        var grouped = new Layout(bounds);
        var separate = new Layout(bounds, groupViews: false);

        var a = new ModelChecker(new Semantics(design, grouped) { Reductions = Reductions.All }).Run();
        var b = new ModelChecker(new Semantics(design, separate) { Reductions = Reductions.All }).Run();

        Assert.True(grouped.GroupedViews);
        Assert.False(separate.GroupedViews);
        Assert.Equal((b.States, b.Transitions, Summary(b)), (a.States, a.Transitions, Summary(a)));
    }

    [Fact]
    public void Check_MaxStates_MarksTheResultIncomplete()
    {
        var result = ModelChecker.Check(Design.Target, Small, new CheckOptions { MaxStates = 500 });

        Assert.False(result.Complete);
        Assert.True(result.States <= 1000);
    }

    private static string Summary(CheckResult r) => string.Join(' ', Properties.Modelled.Select(p =>
        $"{p.Name()}={(r.ViolationOf(p) is { } v ? v.Steps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) : "holds")}"));
}
