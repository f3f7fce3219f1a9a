using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

/// <summary>Master failover in the reference model: the scenario line, the adoption rule, and the search's soundness with it.</summary>
public class FailoverModelTests
{
    // Failover alone, so that every violation found needs it.
    private static readonly Bounds FailoverOnly = new() { IoErrors = 0, Crashes = 0, PowerLosses = 0, LinkBreaks = 0, Failovers = 1 };

    [Fact]
    public void Parse_MasterFailsOver_RoundTrips()
    {
        var scenario = Scenario.Parse("reserve r1\nmaster fails over\nreconnect agent\n", "t");

        Assert.Equal(CommandKind.Failover, scenario.Commands[1].Kind);
        Assert.Equal("master fails over", scenario.Commands[1].ToString());
    }

    [Fact]
    public void Parse_FailoverForOneAgent_IsRefused()
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse("master fails over @a2\n", "t"));

        Assert.Contains("takes no @agent", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    public void Check_FailoverAlone_MesosDesignsResurrectDestroyedData(Design design)
    {
        var result = ModelChecker.Check(design, FailoverOnly);

        var v = Assert.Single(result.Violations, v => v.Property == PropertyId.FreshVolume);
        Assert.Contains(v.Steps.SelectMany(s => s.Lines), l => l.Kind == CommandKind.Failover);
        Assert.DoesNotContain(ModelChecker.Check(design, FailoverOnly with { Failovers = 0 }).Violations, w => w.Property == PropertyId.FreshVolume);
    }

    [Fact]
    public void Check_FailoverAlone_TargetIncarnationHolds()
    {
        var result = ModelChecker.Check(Design.TargetIncarnation, FailoverOnly);

        Assert.Empty(result.Violations);
        Assert.True(result.Complete);
    }

    [Fact]
    public void Replay_Failover_MasterAdoptsTheReportedSetAndOperationsWaitForRegistration()
    {
        var (runner, steps) = ScenarioRun.Run(Design.Target, """
            reserve r1
            create r1/v1
            deliver
            deliver
            destroy r1/v1
            master fails over
            reserve r1
            reconnect agent
            """);

        // The DESTROY was lost with the connection; the RESERVE came before the agent registered and was dropped.
        Assert.Equal("Agent a1 is not connected: operation dropped", steps[6].Rejected);
        Assert.Contains(steps[7].Events, e => e.Contains("the new master adopts it as its view {r1:1 r1/v1}", StringComparison.Ordinal));
        Assert.NotEqual(0, runner.Semantics.Layout.Inc(runner.State.Get(runner.Semantics.Layout.MasterView[0]), 0));
    }

    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_SymmetryWithFailover_KeepsEveryVerdictAndTraceLength(Design design)
    {
        var bounds = new Bounds { Agents = 2, Operations = 3, Failovers = 1 };

        var full = ModelChecker.Check(design, bounds, new CheckOptions { Symmetry = false });
        var reduced = ModelChecker.Check(design, bounds, new CheckOptions { Symmetry = true });

        Assert.Equal(Summary(full), Summary(reduced));
        Assert.True(reduced.States < full.States, $"{reduced.States} < {full.States}");
    }

    [Fact]
    public void Check_ParallelWithFailover_SameStatesVerdictsAndTraces()
    {
        var bounds = new Bounds { Agents = 2, Operations = 2, Failovers = 1 };

        var one = ModelChecker.Check(Design.Target, bounds, new CheckOptions { Threads = 1 });
        var two = ModelChecker.Check(Design.Target, bounds, new CheckOptions { Threads = 2 });

        Assert.Equal(one.States, two.States);
        Assert.Equal(Summary(one), Summary(two));
    }

    private static string Summary(CheckResult r) => string.Join(' ', r.Violations
        .OrderBy(v => v.Property)
        .Select(v => $"{v.Property}:{v.Steps.Sum(s => s.Lines.Count)}"));
}
