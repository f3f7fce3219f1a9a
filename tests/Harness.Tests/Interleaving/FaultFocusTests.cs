using Harness.Checking.Interleaving;
using Xunit;

namespace Harness.Tests.Interleaving;

public class FaultFocusTests
{
    [Fact]
    public void Profiles_EveryFault_OneWindowEachThenAll()
    {
        var profiles = FaultFocus.Profiles(FaultKinds.All);

        Assert.Equal(6, profiles.Count);
        Assert.Equal(FaultKinds.All, profiles[^1]);
        Assert.Contains(FaultKinds.BreakLink | FaultKinds.LateNotice, profiles);
        Assert.Contains(FaultKinds.Failover | FaultKinds.LateNotice, profiles);
        Assert.All(profiles, p => Assert.Equal(p, p & FaultKinds.All));
    }

    [Fact]
    public void Profiles_OneWindowEnabled_OnlyThatWindow()
    {
        var enabled = FaultKinds.Rmdir | FaultKinds.LateNotice;

        Assert.Equal([enabled], FaultFocus.Profiles(enabled));
    }

    [Fact]
    public void Profiles_LateNoticeAloneIsNoWindow()
    {
        var enabled = FaultKinds.PowerLoss | FaultKinds.LateNotice;

        // The power-loss window without late notice, then both; late notice alone opens nothing.
        Assert.Equal([FaultKinds.PowerLoss, enabled], FaultFocus.Profiles(enabled));
    }

    [Fact]
    public void ReplayArguments_FocusFaults_AreKept()
    {
        var options = new InterleavingOptions { FocusFaults = true };

        Assert.Contains("--fault-focus", options.ToArguments(), StringComparison.Ordinal);
        Assert.DoesNotContain("--fault-focus", (options with { FocusFaults = false }).ToArguments(), StringComparison.Ordinal);
    }
}
