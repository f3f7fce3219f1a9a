using Harness.Checking.Nightly;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Nightly;

public sealed class ExpectationsTests
{
    [Fact]
    public void Load_RepositoryFile_EveryDesignAndPropertyWithModelCheckFindingEachViolation()
    {
        var expectations = Expectations.Load(RepoFiles.PathOf(Expectations.RepositoryPath));

        Assert.Equal(Designs.All.Count * Properties.All.Count, expectations.Rows.Count());
        Assert.All(expectations.Rows.Where(r => r.Violated), r => Assert.Contains(Checkers.ModelCheck, r.FoundBy));
        Assert.All(Properties.All, p => Assert.False(expectations.For(Design.TargetIncarnation, p).Violated));
    }

    [Fact]
    public void Parse_UnknownChecker_NamesTheLine()
    {
        var text = File.ReadAllText(RepoFiles.PathOf(Expectations.RepositoryPath)) + "keep-going\tfresh-volume\tviolated\tfuzzer\n";

        var e = Assert.Throws<FormatException>(() => Expectations.Parse(text, "x.tsv"));

        Assert.Contains("unknown checker 'fuzzer'", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("x.tsv:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingRow_Refused()
    {
        var text = string.Join('\n', File.ReadLines(RepoFiles.PathOf(Expectations.RepositoryPath)).Where(l => !l.StartsWith("target\tno-data-loss", StringComparison.Ordinal)));

        var e = Assert.Throws<FormatException>(() => Expectations.Parse(text, "x.tsv"));

        Assert.Contains("no row for target no-data-loss", e.Message, StringComparison.Ordinal);
    }
}
