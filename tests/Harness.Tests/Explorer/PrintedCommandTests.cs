using Harness.Checking.Nightly;
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

    [Theory]
    [InlineData("./harness")]
    [InlineData("/opt/my nightly tools/harness")]
    [InlineData("/opt/it's merge/harness")]
    [InlineData("harness")]
    public void Words_LineOfAnyLauncher_AreTheLauncherAndTheArgumentsAsGiven(string launcher)
    {
        Environment.SetEnvironmentVariable(HarnessCommand.LauncherVariable, launcher);
        string[] args = ["replay", "files/a b.scenario", "it's", "", "--design", "keep-going"];

        var words = HarnessCommand.Words(HarnessCommand.Line(args));

        Assert.Equal([launcher, .. args], words);
    }

    [Fact]
    public void NightlyAndMerge_CommandsTheyRecord_KeepTheExpectations()
    {
        var expectations = Path.Combine(_dir, "expected.tsv");
        File.Copy(RepoFiles.PathOf(Expectations.RepositoryPath), expectations);
        var shard = Path.Combine(_dir, "shard");

        var nightly = RunAs("./harness", "nightly", "--budget", "1s", "--designs", "target-incarnation", "--checkers", "model-check", "--expectations", expectations, "--out", shard);
        var merge = RunAs("./harness", "merge", shard, "--out", Path.Combine(_dir, "merged"), "--expectations", expectations);

        Assert.True(nightly.Code is 0 or 1, nightly.Err);
        Assert.True(merge.Code is 0 or 1, merge.Err);
        Assert.Contains($"--expectations {expectations}", Command(shard), StringComparison.Ordinal);
        Assert.Contains($"--expectations {expectations}", Command(Path.Combine(_dir, "merged")), StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_ShardsOfAnotherLauncher_LinesStartWithTheMergesEvenThroughAMergeOfAMerge()
    {
        // The shard's launcher and the first merge's directory both hold the name of a command.
        Environment.SetEnvironmentVariable(HarnessCommand.LauncherVariable, "/opt/my nightly tools/harness");
        var shard = Path.Combine(_dir, "shard");
        var run = NightlyRunner.Run(new NightlyOptions
        {
            Designs = [Harness.Model.Design.KeepGoing],
            OutDirectory = shard,
            Expectations = Expectations.Load(RepoFiles.PathOf(Expectations.RepositoryPath)),
            Work = new NightlyWork { ModelCheckLevels = 1, Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ModelCheck] = 1 } },
            ProgressInterval = TimeSpan.FromHours(1),
            Arguments = ["nightly", "--checkers", "model-check"],
        });
        Assert.NotEmpty(run.Report.Findings);
        var first = Path.Combine(_dir, "nightly");
        var second = Path.Combine(_dir, "again");

        var once = RunAs("/x/harness", "merge", shard, "--out", first);
        var twice = RunAs("./harness", "merge", first, "--out", second);

        Assert.True(once.Code is 0 or 1, once.Err);
        Assert.True(twice.Code is 0 or 1, twice.Err);
        Assert.All(Findings(first), f => Assert.StartsWith("/x/harness replay ", f.Replay, StringComparison.Ordinal));
        Assert.All(Findings(second), f => Assert.StartsWith("./harness replay ", f.Replay, StringComparison.Ordinal));
        Assert.Equal(run.Report.Findings.Count, Findings(second).Count);
    }

    [Fact]
    public void Merge_RunElsewhereThanItsShards_EveryLinePastesWhereTheMergeRan()
    {
        // The shard runs in the directory above its --out, so its lines name its files relative to there; the merge runs
        // in another directory and writes its report below it.
        var shard = Path.Combine(_dir, "shard");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir, "elsewhere")).FullName;
        Environment.SetEnvironmentVariable(HarnessCommand.LauncherVariable, "./harness");
        var before = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = _dir;
            NightlyRunner.Run(new NightlyOptions
            {
                Designs = [Harness.Model.Design.Target],
                OutDirectory = shard,
                Expectations = Expectations.Load(RepoFiles.PathOf(Expectations.RepositoryPath)),
                Work = new NightlyWork { ModelCheckLevels = 1, Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ModelCheck] = 1 } },
                ProgressInterval = TimeSpan.FromHours(1),
                Arguments = ["nightly"],
            });
            Environment.CurrentDirectory = elsewhere;

            var merge = RunAs("./harness", "merge", shard, "--out", "m");

            Assert.Contains(Findings(shard), f => f.Replay!.Contains(" shard/files/", StringComparison.Ordinal));
            Assert.True(merge.Code is 0 or 1, merge.Err);
            var findings = Findings(Path.Combine(elsewhere, "m"));
            Assert.NotEmpty(findings);
            Assert.All(findings, f =>
            {
                Assert.Contains(" m/files/", f.Replay, StringComparison.Ordinal);
                var (code, _, err) = CliRunner.Run([.. HarnessCommand.Words(f.Replay!).Skip(1)]);
                Assert.True(code == 1, $"{f.Replay} exited {code}: {err}");
            });
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    private static HarnessResult Report(string dir) => HarnessResult.Parse(File.ReadAllText(Path.Combine(dir, "report.json")), dir);

    private static string Command(string dir) => Report(dir).Options["command"]!.GetValue<string>();

    private static IReadOnlyList<Finding> Findings(string dir) => Report(dir).Findings;
}
