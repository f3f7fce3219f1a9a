using Harness.Checking;
using Harness.Checking.Mutation;
using Harness.Checking.Generation;
using Harness.Impl.Agents;
using Harness.Impl.Masters;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>
/// Lockstep compares observations structurally and writes them as text only on a mismatch; these tests hold the
/// structural answer to the text's, line by line, on agents right and wrong, and show a value outside the model's
/// vocabulary still reported as text.
/// </summary>
public sealed class StructuralComparisonTests
{
    public static TheoryData<string> DesignNames()
    {
        var data = new TheoryData<string>();
        foreach (var design in Designs.All)
        {
            data.Add(design.Name());
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DesignNames))]
    public void Agrees_AfterEveryLine_ExactlyWhenTheObservationTextsAreEqual(string designName)
    {
        var design = Designs.Parse(designName);
        var scenarios = ScenarioGenerator.Sample(design, new GenerationOptions(), ConformOptions.DefaultSeed, 40).Select(g => g.Scenario).ToList();
        ImplOptions[] implementations =
        [
            new() { Narrate = false },
            new() { Narrate = false, Mutant = AgentMutant.SkipVolumeRemoval },
            new() { Narrate = false, Mutant = AgentMutant.RegisterBeforeFinishingTarget },
            new() { Narrate = false, Mutant = AgentMutant.SkipDirectoryFsync },
            new() { Narrate = false, Mutant = AgentMutant.DeltaAgainstTarget },
            new() { Narrate = false, Mutant = AgentMutant.IgnoreRmdirFailure },
        ];
        var (agreed, differed) = (0, 0);
        foreach (var implementation in implementations)
        {
            foreach (var scenario in scenarios)
            {
                var runner = new LockstepRunner(design, scenario, new LockstepOptions { Implementation = implementation });
                var comparison = new StructuralComparison(runner.Model!.Semantics);
                runner.Start();
                runner.Run(line =>
                {
                    var textDiff = Observation.OfModel(runner.Model.Semantics, runner.Model.State).Diff(line.ImplObservation);
                    var agrees = comparison.Agrees(runner.Model.State, line.ImplSnapshot);
                    Assert.True(agrees == (textDiff.Count == 0), $"{scenario.Source} line {line.Command.Line}: structural {agrees}, text diff [{string.Join("; ", textDiff)}]");
                    _ = agrees ? agreed++ : differed++;
                });
            }
        }

        // Both answers were exercised: the right agents agree everywhere, the wrong ones diverge somewhere.
        Assert.True(agreed > 1000, $"{agreed} lines agreed");
        Assert.True(differed > 0, $"{differed} lines differed");
    }

    [Fact]
    public void Run_ImplementationHoldsARoleTheModelCannotName_ReportedAsTextDivergence()
    {
        var scenario = Scenario.Parse("reserve r1\ndeliver\n", "unknown-role");
        var runner = new LockstepRunner(Design.TargetIncarnation, scenario);
        runner.Start();
        Assert.True(runner.Cluster.Master.Apply("a1", new ReserveOperation("zz", 1)).IsAccepted);

        var report = runner.Run();

        Assert.True(report.Diverged);
        Assert.Equal(0, report.FirstDivergence!.Command.Line);
        Assert.Contains(report.FirstDivergence.Divergence!, d => d.Contains("master view", StringComparison.Ordinal) && d.Contains("zz:1", StringComparison.Ordinal));
        Assert.Contains(report.FirstDivergence.Divergence!, d => d.Contains("in flight", StringComparison.Ordinal));
    }
}
