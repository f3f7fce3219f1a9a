using Harness.Checking.Results;
using Xunit;

namespace Harness.Tests.Explorer;

/// <summary>
/// The commands the program prints start with the launcher it was started by: quoted, and in a merged report the merge's
/// own, since its lines are pasted where the merge ran. Runs alone: it sets the launcher's environment variable.
/// </summary>
[Collection(nameof(ProcessWideSettings))]
public sealed class PrintedCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-printed-").FullName;
    private readonly string? _launcher = Environment.GetEnvironmentVariable(HarnessCommand.LauncherVariable);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(HarnessCommand.LauncherVariable, _launcher);
        Directory.Delete(_dir, recursive: true);
    }

    private static (int Code, string Out, string Err) RunAs(string launcher, params string[] args)
    {
        Environment.SetEnvironmentVariable(HarnessCommand.LauncherVariable, launcher);
        return CliRunner.Run(args);
    }

    [Fact]
    public void ReplayLine_LauncherPathWithASpace_IsQuotedSoItPastesAsOneWord()
    {
        const string Launcher = "/opt/my tools/harness";

        var (code, output, _) = RunAs(Launcher, "model-check", "--design", "keep-going", "--crashes", "0", "--power-losses", "0", "--link-breaks", "0",
            "--out", Path.Combine(_dir, "mc"));

        Assert.Equal(1, code);
        var line = output.Split('\n').First(l => l.Contains("harness' replay ", StringComparison.Ordinal));
        var words = ShellWords.Split(line[line.IndexOf('\'', StringComparison.Ordinal)..]);
        Assert.Equal([Launcher, "replay"], words[..2]);
    }

    [Fact]
    public void NightlyAndMerge_CommandsTheyRecord_KeepTheExpectationsAndTheMergesLauncher()
    {
        var expectations = Path.Combine(_dir, "expected.tsv");
        File.Copy(RepoFiles.PathOf(Harness.Checking.Nightly.Expectations.RepositoryPath), expectations);
        var shard = Path.Combine(_dir, "shard");
        var merged = Path.Combine(_dir, "merged");

        var nightly = RunAs("./harness", "nightly", "--budget", "1s", "--designs", "keep-going", "--checkers", "model-check", "--expectations", expectations, "--out", shard);
        var merge = RunAs("/elsewhere/harness", "merge", shard, "--out", merged, "--expectations", expectations);

        Assert.True(nightly.Code is 0 or 1, nightly.Err);
        Assert.True(merge.Code is 0 or 1, merge.Err);
        var shardReport = HarnessResult.Parse(File.ReadAllText(Path.Combine(shard, "report.json")), "shard");
        var mergedReport = HarnessResult.Parse(File.ReadAllText(Path.Combine(merged, "report.json")), "merged");
        Assert.Contains($"--expectations {expectations}", shardReport.Options["command"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"--expectations {expectations}", mergedReport.Options["command"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEmpty(mergedReport.Findings);
        Assert.All(shardReport.Findings, f => Assert.StartsWith("./harness replay ", f.Replay, StringComparison.Ordinal));
        Assert.All(mergedReport.Findings, f => Assert.StartsWith("/elsewhere/harness replay ", f.Replay, StringComparison.Ordinal));
    }
}
