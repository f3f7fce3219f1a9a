using System.Text.RegularExpressions;
using Harness.Checking;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

/// <summary>
/// Replays every saved counterexample in scenarios/ on the model and checks the verdicts its
/// <c># expect DESIGN: PROPERTY, ... | holds</c> lines state.
/// </summary>
public partial class RegressionScenarioTests
{
    public static TheoryData<string, Design, string> Expectations()
    {
        var data = new TheoryData<string, Design, string>();
        foreach (var file in Directory.GetFiles(RepoFiles.PathOf("scenarios"), "*.scenario").Order(StringComparer.Ordinal))
        {
            foreach (Match m in ExpectLine().Matches(File.ReadAllText(file)))
            {
                data.Add(Path.GetFileName(file), Designs.Parse(m.Groups[1].Value), m.Groups[2].Value.Trim());
            }
        }

        return data;
    }

    [Fact]
    public void Scenarios_EveryFile_StatesAtLeastOneExpectation()
    {
        var files = Directory.GetFiles(RepoFiles.PathOf("scenarios"), "*.scenario");

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Matches(ExpectLine(), File.ReadAllText(f)));
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Replay_SavedScenario_ViolatesExactlyTheExpectedProperties(string file, Design design, string expected)
    {
        var scenario = Scenario.Parse(File.ReadAllText(RepoFiles.PathOf(Path.Combine("scenarios", file))), file);
        var runner = new ModelRunner(design, scenario);

        var violated = runner.RunAll().SelectMany(s => s.Violated).Distinct().Select(p => p.Name()).Order(StringComparer.Ordinal);

        IEnumerable<string> want = expected == "holds" ? [] : expected.Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal);
        Assert.Equal(want, violated);
        Assert.Empty(runner.PendingFaults);
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Lockstep_SavedScenario_ImplementationAgreesAndViolatesTheSameProperties(string file, Design design, string expected)
    {
        var scenario = Scenario.Parse(File.ReadAllText(RepoFiles.PathOf(Path.Combine("scenarios", file))), file);
        var runner = new LockstepRunner(design, scenario);
        runner.Start();

        var report = runner.Run();

        Assert.False(report.Diverged, string.Join('\n', report.FirstDivergence?.Divergence ?? []));
        IEnumerable<string> want = expected == "holds" ? [] : expected.Split(',', StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal);
        var implViolated = report.ImplViolations.Select(v => v.Violation.Property.Name()).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(want, implViolated);
    }

    [GeneratedRegex(@"^# expect ([a-z-]+):\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();
}
