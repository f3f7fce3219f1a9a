using Harness.Checking;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

public sealed class SavedScenarioTests
{
    public static TheoryData<string, string, string> Expectations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in Directory.GetFiles(RepoFiles.PathOf("scenarios"), "*.scenario").Order(StringComparer.Ordinal))
        {
            foreach (var line in File.ReadLines(file).Where(l => l.StartsWith("# expect ", StringComparison.Ordinal)))
            {
                var parts = line["# expect ".Length..].Split(':', 2);
                data.Add(Path.GetFileName(file), parts[0].Trim(), parts[1].Trim());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Lockstep_SavedCounterexample_BothSidesGiveTheExpectedVerdict(string file, string designName, string expected)
    {
        var scenario = Scenario.Parse(File.ReadAllText(RepoFiles.PathOf(Path.Combine("scenarios", file))), file);
        var runner = new LockstepRunner(Designs.Parse(designName), scenario);
        runner.Start();

        var report = runner.Run();

        Assert.False(report.Diverged);
        Assert.Empty(report.UnmetExpectations);
        var want = expected == "holds" ? [] : expected.Split(',').Select(p => Properties.Parse(p.Trim())).Order().ToList();
        Assert.Equal(want, report.ModelViolated.Order().ToList());
        Assert.Equal(want, report.ImplViolated.Order().ToList());
    }
}
