using Harness.Impl.Agents;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Xunit;

namespace Harness.Tests.Impl;

/// <summary>
/// The value types the master and agent share: sets, volumes, names and paths. Each test pins a rule whose mistake
/// would change what the master accepts or what the agent writes where (these were found unpinned by mutation testing).
/// </summary>
public class ResourceRulesTests
{
    private static readonly Volume V1 = new("r1", "v1", 2, 1);

    [Fact]
    public void Equals_SetsDifferingOnlyInAReservedAmount_AreNotEqual()
    {
        var five = Sets.Of(("r1", 5L), V1);
        var six = Sets.Of(("r1", 6L), V1);

        Assert.NotEqual(five, six);
        Assert.False(five.SameAs(six, VolumeIdentity.RoleAndId));
    }

    [Fact]
    public void WithReservationChange_BackToZero_RemovesTheRole()
    {
        var set = ResourceSet.Empty.WithReservationChange("r1", 4).WithReservationChange("r1", -4);

        Assert.Equal(ResourceSet.Empty, set);
        Assert.Empty(set.Reservations);
        Assert.Equal(0, set.Reserved("r1"));
    }

    [Fact]
    public void SameAs_VolumesDifferingOnlyInIncarnation_DifferOnlyWhereIncarnationsAreIdentity()
    {
        var first = Sets.Of(("r1", 5L), V1);
        var second = Sets.Of(("r1", 5L), V1 with { Incarnation = 2 });

        Assert.True(first.SameAs(second, VolumeIdentity.RoleAndId));
        Assert.False(first.SameAs(second, VolumeIdentity.RoleIdAndIncarnation));
        var delta = VolumeDelta.Between(first, second, VolumeIdentity.RoleIdAndIncarnation);
        Assert.Equal(V1, Assert.Single(delta.Destroys));
        Assert.Equal(V1 with { Incarnation = 2 }, Assert.Single(delta.Creates));
        Assert.True(VolumeDelta.Between(first, second, VolumeIdentity.RoleAndId).IsEmpty);
    }

    [Fact]
    public void IsEmpty_DeltaWithOnlyACreate_IsNotEmpty()
    {
        var delta = VolumeDelta.Between(ResourceSet.Empty, Sets.Of(("r1", 5L), V1), VolumeIdentity.RoleAndId);

        Assert.Equal(V1, Assert.Single(delta.Creates));
        Assert.Empty(delta.Destroys);
        Assert.False(delta.IsEmpty);
    }

    [Theory]
    [InlineData(AgentDesign.KeepGoing, VolumeIdentity.RoleAndId)]
    [InlineData(AgentDesign.PartialExit, VolumeIdentity.RoleAndId)]
    [InlineData(AgentDesign.Target, VolumeIdentity.RoleAndId)]
    [InlineData(AgentDesign.TargetIncarnation, VolumeIdentity.RoleIdAndIncarnation)]
    public void Identity_OnlyTargetIncarnationComparesIncarnations(AgentDesign design, VolumeIdentity expected) =>
        Assert.Equal(expected, design.Identity);

    [Fact]
    public void Problems_EveryProblemOfTheSetIsListed()
    {
        var set = ResourceSet.Create(
            [KeyValuePair.Create("bad/role", 3L)],
            [new Volume("r/x", "v1", 0, -1)]);

        var problems = set.Problems();

        Assert.Contains(problems, p => p.Contains("Invalid role 'bad/role'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Invalid role 'r/x'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("must have a positive size, got 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("negative incarnation -1", StringComparison.Ordinal));
        Assert.Equal(4, problems.Count);
        var error = Assert.Throws<InvalidResourceException>(set.Validate);
        Assert.Equal(string.Join("; ", problems), error.Message);
    }

    [Fact]
    public void Validate_ValidSet_DoesNotThrow()
    {
        var set = Sets.Of(("r1", 5L), V1);

        Assert.Empty(set.Problems());
        set.Validate();
    }

    [Fact]
    public void Create_TwoVolumesDifferingOnlyInSize_BothKeptAndReportedAsADuplicateId()
    {
        // The sort order breaks ties by size: were two such volumes equal to the sorted set, one would vanish silently.
        var set = ResourceSet.Create([KeyValuePair.Create("r1", 5L)], [V1, V1 with { Size = 3 }]);

        Assert.Equal(2, set.Volumes.Count);
        Assert.Contains(set.Problems(), p => p.Contains("Persistence ID is not unique: r1/v1", StringComparison.Ordinal));
    }

    [Fact]
    public void ToString_ReadsAsReservationsThenVolumes() =>
        Assert.Equal("{r1:5 | r1/v1(2)#1}", Sets.Of(("r1", 5L), V1).ToString());

    [Fact]
    public void Operators_FollowCompareTo()
    {
        var smaller = V1;
        var larger = V1 with { Id = "v2" };
        var equal = V1 with { };

        Assert.True(smaller < larger);
        Assert.False(larger < smaller);
        Assert.True(larger > smaller);
        Assert.False(smaller > larger);
        Assert.True(smaller <= larger);
        Assert.True(smaller <= equal);
        Assert.False(larger <= smaller);
        Assert.True(larger >= smaller);
        Assert.True(equal >= smaller);
        Assert.False(smaller >= larger);
        Assert.False(smaller < equal);
        Assert.False(equal > smaller);
        // The role orders first: r1/v1 before r2/a although "a" sorts before "v1".
        Assert.True(smaller < V1 with { Role = "r2", Id = "a" });
    }

    [Fact]
    public void Check_NameOfExactlyTheLimit_Accepted_OneByteMore_Rejected()
    {
        Assert.Null(ResourceNames.Check(new string('a', ResourceNames.MaxBytes), "role"));
        Assert.Contains("256 bytes long", ResourceNames.Check(new string('a', ResourceNames.MaxBytes + 1), "role"), StringComparison.Ordinal);
    }

    [Fact]
    public void Check_LoneSurrogate_Rejected() =>
        Assert.Contains("not valid UTF-16", ResourceNames.Check("v\uD800", "persistence id"), StringComparison.Ordinal);

    [Theory]
    [InlineData("..", "v1")]
    [InlineData("r1", "..")]
    [InlineData("r1", "a/b")]
    public void VolumeDirectory_HostileName_Throws(string role, string id) =>
        Assert.Throws<InvalidResourceException>(() => AgentLayout.VolumeDirectory(role, id));

    [Theory]
    [InlineData("ab")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("..a")]
    [InlineData("a..")]
    [InlineData("...")]
    [InlineData("x/.b/c")]
    public void EnsureConfined_SegmentsThatOnlyLookLikeDots_Accepted(string path) => WorkPath.EnsureConfined(path);

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/..")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("/a")]
    [InlineData("a/\0")]
    public void EnsureConfined_EscapingPath_Throws(string path) =>
        Assert.Throws<PathOutsideWorkDirectoryException>(() => WorkPath.EnsureConfined(path));

    [Fact]
    public void Combine_SkipsEmptySegmentsWherever_TheyAre()
    {
        Assert.Equal("a", WorkPath.Combine(WorkPath.Root, "a"));
        Assert.Equal("a", WorkPath.Combine("a", WorkPath.Root));
        Assert.Equal("a/b", WorkPath.Combine("a", "", "b"));
    }

    [Fact]
    public void SelfAndAncestors_ShallowestFirst() =>
        Assert.Equal(["a", "a/b", "a/b/c"], WorkPath.SelfAndAncestors("a/b/c"));
}
