using Harness.Checking;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

public sealed class SavedScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-saved-real-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

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
    public void Lockstep_SavedCounterexample_BothSidesGiveTheExpectedVerdict(string file, string designName, string expected) =>
        AssertExpectedVerdict(file, designName, expected, new LockstepOptions());

    /// <summary>The saved scenarios that a real disk can run (no power loss, no writeback), each with every verdict it states.</summary>
    public static TheoryData<string, string, string> RealDiskExpectations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var row in Expectations())
        {
            var (file, design, expected) = ((string)row[0], (string)row[1], (string)row[2]);
            var scenario = Scenario.Parse(File.ReadAllText(RepoFiles.PathOf(Path.Combine("scenarios", file))), file);
            if (!scenario.Commands.Any(c => c.Kind is CommandKind.PowerLoss or CommandKind.Writeback))
            {
                data.Add(file, design, expected);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RealDiskExpectations))]
    public void Lockstep_SavedScenarioOnTheRealDisk_BothSidesGiveTheExpectedVerdict(string file, string designName, string expected)
    {
        AssertExpectedVerdict(file, designName, expected, new LockstepOptions
        {
            Implementation = new ImplOptions { Disk = DiskKind.Real, WorkDirectory = Path.Combine(_dir, "work"), Narrate = false },
        });
    }

    // Runs the saved scenario in lockstep: no divergence, every stated expectation met, and both sides violate exactly the
    // properties the file's header names.
    private static void AssertExpectedVerdict(string file, string designName, string expected, LockstepOptions options)
    {
        var scenario = Scenario.Parse(File.ReadAllText(RepoFiles.PathOf(Path.Combine("scenarios", file))), file);
        var runner = new LockstepRunner(Designs.Parse(designName), scenario, options);
        runner.Start();

        var report = runner.Run();

        Assert.False(report.Diverged);
        Assert.Empty(report.UnmetExpectations);
        var want = expected == "holds" ? [] : expected.Split(',').Select(p => Properties.Parse(p.Trim())).Order().ToList();
        Assert.Equal(want, report.ModelViolated.Order().ToList());
        Assert.Equal(want, report.ImplViolated.Order().ToList());
    }
}
