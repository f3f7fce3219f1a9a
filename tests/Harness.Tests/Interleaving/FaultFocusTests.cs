using Harness.Checking.Interleaving;
using Xunit;

namespace Harness.Tests.Interleaving;

public class FaultFocusTests
{
    [Fact]
    public void Profiles_EveryFault_EachWindowThenAll()
    {
        var profiles = FaultFocus.Profiles(FaultKinds.All);

        Assert.Equal(7, profiles.Count);
        Assert.Equal(FaultKinds.All, profiles[^1].Faults);
        Assert.Contains(profiles, p => p.Faults == (FaultKinds.BreakLink | FaultKinds.LateNotice));
        Assert.Contains(profiles, p => p.Faults == (FaultKinds.Failover | FaultKinds.LateNotice));
        Assert.All(profiles, p => Assert.Equal(p.Faults, p.Faults & FaultKinds.All));
        Assert.All(profiles, p => Assert.True(p.Weight > 0));
        // Every kind of fault is drawn in some focused execution.
        Assert.Equal(FaultKinds.All, profiles.SkipLast(1).Aggregate(FaultKinds.None, (a, p) => a | p.Faults));
    }

    [Fact]
    public void Profiles_EveryFault_FailedRmdirWeighsMostSinceNothingElseOpensW1()
    {
        var profiles = FaultFocus.Profiles(FaultKinds.All);

        var io = Assert.Single(profiles, p => p.Faults == (FaultKinds.Rmdir | FaultKinds.LateNotice));
        Assert.All(profiles.Where(p => p != io), p => Assert.True(p.Weight < io.Weight));
        // At most 3x its focused run needs W1's profile in at least a third of the executions.
        Assert.True(3 * io.Weight >= profiles.Sum(p => p.Weight));
    }

    [Fact]
    public void Profiles_OneWindowEnabled_OnlyThatWindow()
    {
        var enabled = FaultKinds.Rmdir | FaultKinds.LateNotice;

        Assert.Equal([enabled], FaultFocus.Profiles(enabled).Select(p => p.Faults));
    }

    [Fact]
    public void Profiles_LateNoticeAloneIsNoWindow()
    {
        var enabled = FaultKinds.PowerLoss | FaultKinds.LateNotice;

        // The power-loss window without late notice, then both; late notice alone opens nothing.
        Assert.Equal([FaultKinds.PowerLoss, enabled], FaultFocus.Profiles(enabled).Select(p => p.Faults));
    }

    [Fact]
    public void Choose_EachDraw_PicksTheProfileItsWeightCovers()
    {
        var profiles = new[] { new FaultProfile(FaultKinds.Rmdir, 3), new FaultProfile(FaultKinds.Crash, 1), new FaultProfile(FaultKinds.All, 2) };
        var asked = new List<int>();

        var picked = Enumerable.Range(0, 6).Select(d => FaultFocus.Choose(profiles, n => { asked.Add(n); return d; })).ToArray();

        Assert.Equal([FaultKinds.Rmdir, FaultKinds.Rmdir, FaultKinds.Rmdir, FaultKinds.Crash, FaultKinds.All, FaultKinds.All], picked);
        Assert.All(asked, n => Assert.Equal(6, n));
    }

    [Fact]
    public void Choose_OneProfile_DrawsNothing()
    {
        // No choice is spent, so a run whose faults are one window explores the schedules it explored before focus existed.
        var chosen = FaultFocus.Choose([new FaultProfile(FaultKinds.Rmdir, 8)], _ => throw new InvalidOperationException("drawn"));

        Assert.Equal(FaultKinds.Rmdir, chosen);
    }

    [Fact]
    public void ReplayArguments_FocusIsTheDefault_OnlyItsAbsenceIsPrinted()
    {
        var options = new InterleavingOptions();

        Assert.True(options.FocusFaults);
        Assert.DoesNotContain("fault-focus", options.ToArguments(), StringComparison.Ordinal);
        Assert.Contains("--no-fault-focus", (options with { FocusFaults = false }).ToArguments(), StringComparison.Ordinal);
    }
}
