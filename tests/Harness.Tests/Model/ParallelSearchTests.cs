using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

public class ParallelSearchTests
{
    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_SeveralThreads_SameStatesVerdictsAndTracesAsOne(Design design)
    {
        var bounds = new Bounds { Agents = 2, Operations = 2 };

        var one = ModelChecker.Check(design, bounds, new CheckOptions { Threads = 1 });
        var three = ModelChecker.Check(design, bounds, new CheckOptions { Threads = 3 });

        Assert.Equal(1, one.Threads);
        Assert.Equal(3, three.Threads);
        Assert.Equal((one.States, one.Transitions, one.Depth), (three.States, three.Transitions, three.Depth));
        Assert.Equal(Traces(one), Traces(three));
        Assert.True(one.States > 4 * 256, "a level spans several chunks, so that several threads take part");
    }

    [Fact]
    public void Check_SeveralThreadsTwice_SameTraces()
    {
        var bounds = new Bounds();

        var first = ModelChecker.Check(Design.Target, bounds, new CheckOptions { Threads = 2 });
        var second = ModelChecker.Check(Design.Target, bounds, new CheckOptions { Threads = 2 });

        Assert.NotEmpty(first.Violations);
        Assert.Equal(Traces(first), Traces(second));
    }

    private static List<string> Traces(CheckResult r) =>
        [.. r.Violations.Select(v => $"{v.Property.Name()}: {v.ToScenario().Format()}")];
}
