using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Harness.Checking;
using Harness.Checking.Generation;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>
/// The conformance property in FsCheck's own terms: generated scenarios, shrunk by FsCheck on failure, labelled with
/// the windows W1-W4 they reach, so the test output shows how often each window is hit.
/// </summary>
public sealed class ConformancePropertyTests
{
    [Property(MaxTest = 60, Replay = "(20240611,20240613)")]
    public Property TargetIncarnation_GeneratedScenario_NoDivergenceNoViolation() => Conforms(Design.TargetIncarnation);

    [Property(MaxTest = 60, Replay = "(20240611,20240613)")]
    public Property Target_GeneratedScenario_NoDivergence() => Conforms(Design.Target, violationsAllowed: true);

    [Fact]
    public void KeepGoing_GeneratedScenarios_PropertyFailsWithALabelledShrunkScenario()
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(150).WithReplay(20240611, 20240613);

        var e = Assert.ThrowsAny<Exception>(() => Check.One(config, Conforms(Design.KeepGoing)));

        // keep-going violates several properties; whichever FsCheck meets first is named in the label, and the
        // shrunk scenario is printed as its lines.
        Assert.StartsWith("Falsifiable", e.Message, StringComparison.Ordinal);
        Assert.Contains(Properties.Modelled, p => e.Message.Contains($"Label of failing property: {p.Name()}", StringComparison.Ordinal));
        Assert.Contains("deliver", e.Message, StringComparison.Ordinal);
    }

    private static Property Conforms(Design design, bool violationsAllowed = false) =>
        Prop.ForAll(ScenarioGenerator.Arbitrary(design), generated =>
        {
            var report = ConformanceChecker.RunLockstep(new ConformOptions { Design = design }, generated.Scenario, narrate: false);
            var (divergence, shared) = ConformanceChecker.Judge(report);
            var windows = WindowClassifier.Classify(generated.Scenario);
            var property = (divergence is null && (violationsAllowed || shared.Count == 0))
                .Label(divergence ?? string.Join(", ", shared.Select(p => p.Name())));
            foreach (var w in WindowClassifier.All)
            {
                property = property.Classify(windows.Contains(w), w.ToString());
            }

            return property;
        });
}
