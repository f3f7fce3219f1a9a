using Harness.Checking;
using Harness.Checking.Generation;
using Harness.Checking.Mutation;
using Harness.Model;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Checking;

/// <summary>Bounded exhaustive conformance over the shape the options give: agents, roles and ids.</summary>
public sealed class ExhaustiveSequencesTests(ITestOutputHelper output)
{
    public static TheoryData<string> AllDesigns()
    {
        var data = new TheoryData<string>();
        foreach (var design in Designs.All)
        {
            data.Add(design.Name());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllDesigns))]
    public void Run_TwoAgentsTwoRolesTwoIdsOnTheSimulatedDisk_MoreLeavesThanOneByOneAndNoDivergence(string designName)
    {
        var design = Designs.Parse(designName);
        var small = ExhaustiveSequences.UpTo(design, 3, DiskKind.Simulated).Count;

        var result = ConformanceChecker.Run(new ConformOptions
        {
            Design = design, Sequences = 0, ExhaustiveDepth = 3, Agents = 2, Roles = 2, Ids = 2, Shrink = false,
        });

        output.WriteLine(ConformReport.Text(result));
        Assert.Empty(result.Divergences);
        Assert.True(result.Complete);
        Assert.True(result.ExhaustiveSequences > small, $"{result.ExhaustiveSequences} leaves at 2 x 2 x 2, {small} at 1 x 1 x 2");
    }

    [Fact]
    public void Run_TwoAgentsTwoRolesOnTheRealDisk_MoreLeavesThanOneByOneAndNoDivergence()
    {
        var small = ExhaustiveSequences.UpTo(Design.TargetIncarnation, 2, DiskKind.Real).Count;

        var result = ConformanceChecker.Run(new ConformOptions
        {
            Design = Design.TargetIncarnation, Disk = DiskKind.Real, Sequences = 0, ExhaustiveDepth = 2, Agents = 2, Roles = 2, Ids = 2,
        });

        output.WriteLine(ConformReport.Text(result));
        Assert.Empty(result.Divergences);
        Assert.Empty(result.Violations);
        Assert.True(result.ExhaustiveSequences > small, $"{result.ExhaustiveSequences} leaves at 2 x 2 x 2, {small} at 1 x 1 x 2");

        // Among the scenarios run: one with both agents and both roles at once.
        var leaves = ExhaustiveSequences.UpTo(Design.TargetIncarnation, 2, DiskKind.Real, agents: 2, roles: 2, ids: 2);
        Assert.Contains(leaves, s =>
        {
            var lines = s.Commands.Select(c => c.ToString()).ToList();
            return lines.Any(l => l.EndsWith("@a2", StringComparison.Ordinal)) && lines.Any(l => !l.Contains("@a2", StringComparison.Ordinal)) &&
                   lines.Any(l => l.Contains("r1", StringComparison.Ordinal)) && lines.Any(l => l.Contains("r2", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void UpTo_DefaultShape_IsOneAgentOneRoleTwoIds()
    {
        var defaults = ExhaustiveSequences.UpTo(Design.Target, 3, DiskKind.Simulated);
        var explicitShape = ExhaustiveSequences.UpTo(Design.Target, 3, DiskKind.Simulated, agents: 1, roles: 1, ids: 2);

        Assert.Equal(defaults.Select(s => s.Format()), explicitShape.Select(s => s.Format()));
        Assert.All(defaults, s => Assert.DoesNotContain(s.Commands, c => c.ToString().Contains("r2", StringComparison.Ordinal) || c.ToString().Contains("a2", StringComparison.Ordinal)));
    }

    [Fact]
    public void UpTo_MoreStatesThanTheCap_StopsWithAMessageNamingTheFlag()
    {
        var e = Assert.Throws<ExhaustiveSearchTooLargeException>(() =>
            ExhaustiveSequences.UpTo(Design.TargetIncarnation, 3, DiskKind.Simulated, agents: 2, roles: 2, ids: 2, maxStates: 500));

        Assert.Contains("more than 500 model states at depth 3", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("lower --exhaustive-depth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpTo_TwoAgentsTwoRoles_ReachesTheSecondAgentAndTheSecondRole()
    {
        var leaves = ExhaustiveSequences.UpTo(Design.TargetIncarnation, 2, DiskKind.Simulated, agents: 2, roles: 2, ids: 2);

        var lines = leaves.SelectMany(s => s.Commands).Select(c => c.ToString()).ToList();
        Assert.Contains(lines, l => l.Contains("r2", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("a2", StringComparison.Ordinal));
    }

    // The checker can fail: an agent that writes only the first role's reservations into its checkpoint is right whenever
    // there is one role, so the one-role search passes it, and the two-role search reports the divergence.
    [Fact]
    public void Run_CheckpointOfTheFirstRoleOnly_OnlyTheTwoRoleSearchDiverges()
    {
        var options = new ConformOptions
        {
            Design = Design.TargetIncarnation, Sequences = 0, ExhaustiveDepth = 4, Mutant = AgentMutant.CheckpointFirstRoleOnly,
        };

        var oneRole = ConformanceChecker.Run(options);
        var twoRoles = ConformanceChecker.Run(options with { Agents = 2, Roles = 2, Ids = 2 });

        output.WriteLine(ConformReport.Text(twoRoles));
        Assert.Empty(oneRole.Divergences);
        var divergence = Assert.Single(twoRoles.Divergences);
        Assert.Contains("resources.info", divergence.Summary, StringComparison.Ordinal);
        Assert.Contains(divergence.Minimal.Commands, c => c.ToString().Contains("reserve r2", StringComparison.Ordinal));
    }
}
