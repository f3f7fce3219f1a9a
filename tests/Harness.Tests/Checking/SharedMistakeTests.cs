using Harness.Checking;
using Harness.Checking.Mutation;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>
/// Conformance alone cannot see a mistake the model and the implementation share: they agree. The properties are
/// therefore also checked on the implementation directly, and this test shows that such a shared mistake is still
/// reported.
/// </summary>
public sealed class SharedMistakeTests
{
    private const string WindowAfterRestart = """
        reserve r1 size=1
        create r1/v1 size=1
        deliver
        deliver
        use r1/v1
        destroy r1/v1
        create r1/v1 size=1
        deliver
        deliver
        use r1/v1
        """;

    [Fact]
    public void Lockstep_ModelAndImplementationBothSkipRmdir_AgreeYetImplementationCheckReportsFreshVolume()
    {
        var scenario = Scenario.Parse(WindowAfterRestart, "shared-mistake");
        var runner = new LockstepRunner(Design.TargetIncarnation, scenario, new LockstepOptions
        {
            ModelMistakesForTesting = ModelMistakes.SkipRmdir,
            Implementation = new ImplOptions { Mutant = AgentMutant.SkipVolumeRemoval },
        });
        runner.Start();

        var report = runner.Run();

        Assert.False(report.Diverged, string.Join('\n', report.FirstDivergence?.Divergence ?? []));
        Assert.Contains(report.ImplViolations, v => v.Violation.Property == PropertyId.FreshVolume);
    }

    [Fact]
    public void Lockstep_SameScenarioWithoutTheMistake_ReportsNothing()
    {
        var runner = new LockstepRunner(Design.TargetIncarnation, Scenario.Parse(WindowAfterRestart, "no-mistake"));
        runner.Start();

        var report = runner.Run();

        Assert.False(report.Diverged);
        Assert.Empty(report.ImplViolations);
        Assert.Empty(report.ModelViolations);
    }
}
