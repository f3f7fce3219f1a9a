using System.Text.Json.Nodes;
using Harness.Checking.Mutation;
using Harness.Checking.Nightly;
using Harness.Checking.Results;
using Harness.Model;
using Json.Schema;
using Xunit;

namespace Harness.Tests.Nightly;

/// <summary>
/// The kill table in the nightly's report (<c>--mutants DIR</c>): a small mutants result written here stands for a real
/// mutation run, and the nightly runs a fixed amount of model checking, so every test is deterministic and quick.
/// </summary>
public sealed class NightlyMutantsTests : IDisposable
{
    private static readonly string[] KillTableCheckers = ["unit", "exhaustive", "conform-sim"];

    private readonly string _dir = Directory.CreateTempSubdirectory("harness-nightly-mutants-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Expectations RepositoryExpectations => Expectations.Load(RepoFiles.PathOf(Expectations.RepositoryPath));

    private static Mutant MutantNamed(string id, string? triage = null) =>
        new() { Id = id, Patch = id + ".patch", Bug = $"the mistake {id}", Area = "master", Designs = ["target-incarnation"], Triage = triage };

    /// <summary>
    /// Writes a mutants directory (result.json and kill-table.md as <c>harness mutants</c> writes them): <c>caught</c>
    /// killed by exhaustive and conform-sim; <c>unit-only</c> killed by the unit tests alone when <paramref name="survivor"/>,
    /// by conform-sim otherwise.
    /// </summary>
    private string MutantsDirectory(string name, bool survivor, bool complete = true)
    {
        CheckerRun Run(string checker, bool killed) => new(checker, killed ? KillOutcome.Killed : KillOutcome.Survived, killed ? 2.5 : 10, killed ? "divergence after line 3" : "");
        var rows = new[]
        {
            new MutantResult(MutantNamed("caught"), true, [Run("unit", true), Run("exhaustive", true), Run("conform-sim", true)]),
            new MutantResult(MutantNamed("unit-only", "the generator never writes this input."), true, [Run("unit", true), Run("exhaustive", false), Run("conform-sim", !survivor)]),
        };
        var dir = Path.Combine(_dir, name);
        var options = new MutationOptions { RepositoryRoot = RepoFiles.Root, OutputDirectory = dir };
        var report = new MutationReport(options, KillTableCheckers, [.. KillTableCheckers.Select(c => Run(c, false))], rows, 90, DateTimeOffset.UnixEpoch) { Complete = complete };
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "result.json"), KillTable.Result(report).ToJson());
        File.WriteAllText(Path.Combine(dir, "kill-table.md"), KillTable.Markdown(report));
        return dir;
    }

    private NightlyRunner.Outcome Nightly(string name, string mutants) => NightlyRunner.Run(new NightlyOptions
    {
        Designs = [Design.TargetIncarnation],
        OutDirectory = Path.Combine(_dir, name),
        Expectations = RepositoryExpectations,
        Work = new NightlyWork { ModelCheckLevels = 1, Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ModelCheck] = 1 } },
        ProgressInterval = TimeSpan.FromHours(1),
        Mutants = NightlyMutants.Load(mutants),
        MutantsDirectory = mutants,
    });

    [Fact]
    public void Run_ValidMutantsDirectory_AddsTheSectionAndNestsTheResult()
    {
        var outcome = Nightly("valid", MutantsDirectory("m", survivor: false));

        var report = File.ReadAllText(Path.Combine(_dir, "valid", "report.md"));
        Assert.Equal(0, outcome.Report.ExitCode);
        Assert.StartsWith("# nightly PASSED: 0 expected, 0 unexpected, 0 missed, 0 harness weaknesses", report, StringComparison.Ordinal);
        Assert.Contains("## Bug-finding power", report, StringComparison.Ordinal);
        Assert.Contains("| exhaustive (generative) | 1/2 (50 %) |", report, StringComparison.Ordinal);
        Assert.Contains("| unit | 2/2 (100 %) |", report, StringComparison.Ordinal);
        Assert.Contains("| any generative checker | **2/2** (100 %) |", report, StringComparison.Ordinal);
        Assert.Contains("- exhaustive: unit-only", report, StringComparison.Ordinal);
        Assert.Contains("[mutants/kill-table.md](mutants/kill-table.md)", report, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "valid", "mutants", "kill-table.md")));

        // The mutants' divergences are the mutants', not the design's: the verdict table and findings ignore them.
        Assert.Empty(outcome.Judged.Divergences);
        Assert.Empty(outcome.Report.Findings);
        var json = File.ReadAllText(Path.Combine(_dir, "valid", "report.json"));
        Assert.Contains(HarnessResult.Parse(json, "report.json").Results, r => r.Command == "mutants");
        var schema = JsonSchema.FromText(File.ReadAllText(RepoFiles.PathOf("docs/harness-result.schema.json")));
        Assert.True(schema.Evaluate(JsonNode.Parse(json)).IsValid);
    }

    [Fact]
    public void Run_MutantNoGenerativeCheckerKilled_FailsTheRunWithItsTriage()
    {
        var outcome = Nightly("survivor", MutantsDirectory("m", survivor: true));

        var report = File.ReadAllText(Path.Combine(_dir, "survivor", "report.md"));
        Assert.Equal(1, outcome.Report.ExitCode);
        Assert.Equal(["mutant unit-only survived every generative checker"], outcome.Judged.Weaknesses);
        Assert.StartsWith("# nightly FAILED: 0 expected, 0 unexpected, 0 missed, 1 harness weakness", report, StringComparison.Ordinal);
        Assert.Contains("- **unit-only**: the mistake unit-only Triage: the generator never writes this input.", report, StringComparison.Ordinal);
        Assert.Contains("HARNESS WEAKNESS: mutant unit-only survived every generative checker", File.ReadAllText(Path.Combine(_dir, "survivor", "junit.xml")), StringComparison.Ordinal);
    }

    // A mutants run stopped early has not given every mutant its chance: its survivors are shown, not judged.
    [Fact]
    public void Run_SurvivorOfAnIncompleteMutantsRun_ShownButPasses()
    {
        var outcome = Nightly("incomplete", MutantsDirectory("m", survivor: true, complete: false));

        var report = File.ReadAllText(Path.Combine(_dir, "incomplete", "report.md"));
        Assert.Equal(0, outcome.Report.ExitCode);
        Assert.StartsWith("# nightly PASSED: 0 expected, 0 unexpected, 0 missed, mutants run incomplete", report, StringComparison.Ordinal);
        Assert.Contains("**incomplete**", report, StringComparison.Ordinal);
        Assert.Contains("- **unit-only**", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_WithMutantsOrAShardThatHasThem_SameSectionAndVerdict()
    {
        var mutants = MutantsDirectory("m", survivor: true);
        _ = Nightly("plain", MutantsDirectory("m-clean", survivor: false));

        var given = CliRunner.Run("merge", Path.Combine(_dir, "plain"), "--mutants", mutants, "--out", Path.Combine(_dir, "merged"));
        var carried = CliRunner.Run("merge", Path.Combine(_dir, "merged"), "--out", Path.Combine(_dir, "merged-again"));

        Assert.Equal(1, given.Code);
        Assert.Contains("1 harness weakness", given.Out, StringComparison.Ordinal);
        Assert.Equal(1, carried.Code);
        Assert.Equal(
            File.ReadAllText(Path.Combine(_dir, "merged", "mutants", "kill-table.md")),
            File.ReadAllText(Path.Combine(_dir, "merged-again", "mutants", "kill-table.md")));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("not-json")]
    [InlineData("conform")]
    [InlineData("no-survivors")]
    public void NightlyAndMerge_BadMutantsDirectory_OneLineExitTwo(string kind)
    {
        var dir = Path.Combine(_dir, kind);
        if (kind != "missing")
        {
            Directory.CreateDirectory(dir);
        }

        var text = kind switch
        {
            "not-json" => "{ \"schema\": ",
            "conform" => new HarnessResult { Command = "conform" }.ToJson(),
            "no-survivors" => new HarnessResult { Command = "mutants" }.ToJson(),
            _ => null,
        };
        if (text is not null)
        {
            File.WriteAllText(Path.Combine(dir, "result.json"), text);
        }

        // The option is checked before anything runs or is read: merge never gets to the (absent) shard report.
        foreach (var (code, _, err) in new[]
        {
            CliRunner.Run("nightly", "--budget", "1m", "--designs", "target-incarnation", "--mutants", dir, "--out", Path.Combine(_dir, "n")),
            CliRunner.Run("merge", _dir, "--mutants", dir, "--out", Path.Combine(_dir, "mg")),
        })
        {
            Assert.Equal(2, code);
            Assert.Single(err.Trim().Split('\n'));
            Assert.StartsWith("harness: --mutants: ", err, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(Path.Combine(_dir, "n")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "mg")));
    }
}
