using Harness.Checking.Results;
using Xunit;

namespace Harness.Tests.Explorer;

public sealed class NightlyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-nightly-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void NightlyThenMerge_CorrectDesign_BothPassAndWriteEveryReportFile()
    {
        var shard = Path.Combine(_dir, "shard");
        var merged = Path.Combine(_dir, "merged");

        var nightly = CliRunner.Run("nightly", "--budget", "1s", "--designs", "target-incarnation", "--checkers", "model-check", "--out", shard);
        var merge = CliRunner.Run("merge", shard, "--out", merged);

        Assert.True(nightly.Code == 0, nightly.Err);
        Assert.StartsWith("# nightly PASSED", nightly.Out, StringComparison.Ordinal);
        Assert.True(merge.Code == 0, merge.Err);
        Assert.StartsWith("# merge PASSED", merge.Out, StringComparison.Ordinal);
        foreach (var file in new[] { "report.md", "report.json", "junit.xml" })
        {
            Assert.True(File.Exists(Path.Combine(shard, file)), file);
            Assert.True(File.Exists(Path.Combine(merged, file)), file);
        }

        Assert.Equal("merge", HarnessResult.Parse(File.ReadAllText(Path.Combine(merged, "report.json")), "report.json").Command);
    }

    [Theory]
    [InlineData("nightly", "--budget", "0s")]
    [InlineData("nightly", "--budget", "2x")]
    [InlineData("nightly")]
    [InlineData("nightly", "--budget", "1m", "--shard", "3/2")]
    [InlineData("nightly", "--budget", "1m", "--designs", "keep-gong")]
    [InlineData("nightly", "--budget", "1m", "--checkers", "fuzz")]
    [InlineData("nightly", "--budget", "1m", "--expectations", "no-such-file.tsv")]
    [InlineData("merge")]
    [InlineData("merge", "no-such-directory")]
    public void Run_BadInput_OneLineExitTwo(params string[] args)
    {
        var (code, _, err) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("harness: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_ADirectoryWithoutReport_NamesTheFile()
    {
        var (code, _, err) = CliRunner.Run("merge", _dir, "--out", Path.Combine(_dir, "m"));

        Assert.Equal(2, code);
        Assert.Contains("report.json", err, StringComparison.Ordinal);
    }
}
