using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

/// <summary>The operating system's writeback may land between any two I/O steps of an update or a recovery.</summary>
public class WritebackTests
{
    private static readonly Bounds PowerLossesAlone = new() { IoErrors = 0, Crashes = 0, LinkBreaks = 0 };

    [Fact]
    public void Check_TargetWithPowerLossesAlone_LosesDataThroughAWritebackInsideAnUpdate()
    {
        // Before writeback could fire inside an update this held: a durable stale target needed a crash after 'write target'.
        var result = ModelChecker.Check(Design.Target, PowerLossesAlone);

        var v = result.ViolationOf(PropertyId.NoDataLoss);
        Assert.NotNull(v);
        Assert.Equal(11, v.Steps.Count);
        Assert.Contains("writeback after write target", v.ToScenario().Format(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Design.KeepGoing, 1, true)]
    [InlineData(Design.Target, 1, true)]
    [InlineData(Design.Target, 0, false)]
    [InlineData(Design.TargetIncarnation, 1, false)]
    public void Enumerate_DeliveryWithSteps_OffersAWritebackAfterAStepOnlyWhereItCanMatter(Design design, int powerLosses, bool offered)
    {
        // Where every step is synced (target-incarnation), or no power loss can follow, a flush changes nothing observable.
        var semantics = new Semantics(design, new Layout(new Bounds { PowerLosses = powerLosses }));
        var s = semantics.Initial();
        semantics.Apply(ref s, new ModelAction(ActionKind.Reserve, Role: 0));
        semantics.Apply(ref s, new ModelAction(ActionKind.Create, Role: 0, Slot: 0));
        semantics.Apply(ref s, new ModelAction(ActionKind.Deliver));
        var buffer = new ModelAction[256];

        var n = semantics.Enumerate(in s, buffer);

        Assert.Equal(offered, buffer[..n].Any(a => a is { Kind: ActionKind.Deliver, Fault: Fault.Writeback }));
    }

    [Fact]
    public void Run_ArmedWriteback_MakesTheTargetDurableInsideTheUpdate()
    {
        var runner = new ModelRunner(Design.Target, Scenario.Parse("reserve r1\ndeliver\nwriteback after write target\ncreate r1/v1\ndeliver\npower-loss\n"));

        var steps = runner.RunAll();

        // Only the target was written back: its rename over resources.info and the mkdir were lost.
        var l = runner.Semantics.Layout;
        Assert.Empty(runner.PendingFaults);
        Assert.Contains(steps[4].Events, e => e.Contains("writes back", StringComparison.Ordinal));
        Assert.Equal(FileKind.Set, runner.State.GetFile(l.Target[0, 0]).Kind);
        Assert.False(runner.State.GetBool(l.DirNow[0, 0]));
    }
}
