using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

public class LayoutTests
{
    [Fact]
    public void Layout_TwoAgentsTwoRolesTwoIds_FitsAndNeedsMoreThanEightWords()
    {
        var layout = new Layout(new Bounds { Agents = 2, Roles = 2, Ids = 2 });

        Assert.InRange(layout.Words, 9, ModelState.MaxWords);
    }

    [Fact]
    public void Layout_BoundsPastTheWidestState_RefusedWithTheBoundsTooLargeMessage()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Layout(new Bounds { Agents = 3, Roles = 3, Ids = 4 }));

        Assert.Contains("bounds too large", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TwoAgentsTwoRolesTwoIdsWithoutFaults_Explores()
    {
        var small = new Bounds { Operations = 3, IoErrors = 0, Crashes = 0, PowerLosses = 0, LinkBreaks = 0 };
        var one = ModelChecker.Check(Design.TargetIncarnation, small);
        var wide = ModelChecker.Check(Design.TargetIncarnation, small with { Agents = 2, Roles = 2 });

        Assert.True(wide.Complete);
        Assert.Empty(wide.Violations);
        Assert.True(wide.States > one.States, $"{wide.States} > {one.States}");
    }
}
