using Harness.Checking.Generation;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>
/// Generated scenarios reach every input kind the master and the agent tell apart, refused operations included, and stay
/// scenarios the model can run line by line.
/// </summary>
public sealed class InputKindsTests
{
    [Fact]
    public void Classify_HandWrittenScenario_NamesEachKindItReaches()
    {
        var oneRole = Scenario.Parse("""
            reserve r1 size=1
            create r1/v1 size=1
            destroy r1/v2
            create r1/v1 size=1
            unreserve r1 size=1
            create r1/v2 size=1
            break link
            master notices
            destroy r1/v1
            """, "one-role");
        var twoRoles = Scenario.Parse("reserve r1 size=1\ncreate r1/v1 size=1\nreserve r2 size=1\ncreate r2/v1 size=1\n", "two-roles");
        var twoAgents = Scenario.Parse("reserve r1 size=1 @a2\n", "two-agents");

        var kinds = new[] { oneRole, twoRoles, twoAgents }.Select(s => InputKinds.Classify(Design.TargetIncarnation, s)).ToList();

        Assert.Equal([InputKinds.WhileDisconnected, InputKinds.DestroyUnknown, InputKinds.DuplicateId, InputKinds.UnreserveUnderVolumes, InputKinds.OverCapacity], kinds[0]);
        Assert.Equal([InputKinds.SameIdOtherRole, InputKinds.SeveralRoles], kinds[1]);
        Assert.Equal([InputKinds.SeveralAgents], kinds[2]);
    }

    [Fact]
    public void Sample_TwoRoles_ReachesEveryKindOfOneAgent()
    {
        var options = new GenerationOptions { Roles = 2, Ids = 1 };

        var reached = Reached(Design.TargetIncarnation, options, 200);

        Assert.Equal(InputKinds.All.Where(k => k != InputKinds.SeveralAgents), reached);
    }

    [Fact]
    public void Sample_TwoAgents_ReachesSeveralAgentsAndOperationsWhileDisconnected()
    {
        var options = new GenerationOptions { Agents = 2, Ids = 1 };

        var reached = Reached(Design.Target, options, 200);

        Assert.Contains(InputKinds.SeveralAgents, reached);
        Assert.Contains(InputKinds.WhileDisconnected, reached);
    }

    [Fact]
    public void Sample_WithoutRefusedOperations_TheModelRefusesNothing()
    {
        var options = new GenerationOptions { RejectedOperations = false };

        var scenarios = ScenarioGenerator.Sample(Design.Target, options, ConformOptions.DefaultSeed, 100);

        Assert.All(scenarios, g => Assert.All(new ModelRunner(Design.Target, g.Scenario) { Narrate = false }.RunAll(), step => Assert.Null(step.Rejected)));
    }

    [Fact]
    public void Sample_RefusedOperations_AreRefusedByTheModelAndChangeNothing()
    {
        var scenarios = ScenarioGenerator.Sample(Design.TargetIncarnation, new GenerationOptions(), ConformOptions.DefaultSeed, 100);

        var refused = 0;
        foreach (var g in scenarios)
        {
            var runner = new ModelRunner(Design.TargetIncarnation, g.Scenario) { Narrate = false };
            foreach (var line in g.Scenario.Commands)
            {
                var before = runner.State;
                var step = runner.Execute(line);
                if (step.Rejected is not null)
                {
                    refused++;
                    Assert.Equal(before, runner.State);
                }
            }
        }

        Assert.True(refused > 20, $"only {refused} refused lines in 100 scenarios");
    }

    private static List<string> Reached(Design design, GenerationOptions options, int count)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in ScenarioGenerator.Sample(design, options, ConformOptions.DefaultSeed, count))
        {
            reached.UnionWith(InputKinds.Classify(design, g.Scenario));
        }

        return [.. InputKinds.All.Where(reached.Contains)];
    }
}
