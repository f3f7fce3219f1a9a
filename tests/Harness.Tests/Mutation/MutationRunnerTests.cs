using System.Text.Json.Nodes;
using Harness.Checking.Generation;
using Harness.Checking.Mutation;
using Finding = Harness.Checking.Results.Finding;
using FindingKind = Harness.Checking.Results.FindingKind;
using HarnessResult = Harness.Checking.Results.HarnessResult;
using Harness.Model;
using Json.Schema;
using Xunit;

namespace Harness.Tests.Mutation;

/// <summary>
/// The mutation runner's command lines and kill rules. A real mutation run copies and builds the repository (minutes), so
/// these tests hold the parts a run is made of: the arguments each lockstep checker gives <c>conform</c>, how a child
/// process's outcome becomes a kill-table cell, and the result document the nightly reads.
/// </summary>
public sealed class MutationRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-mutation-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private MutationOptions Options => new() { RepositoryRoot = RepoFiles.Root, OutputDirectory = _dir };

    private static readonly Mutant Sample = new() { Id = "sample", Patch = "sample.patch", Bug = "a sample mistake", Area = "agent", Designs = ["target-incarnation"] };

    [Fact]
    public void Checkers_Exhaustive_IsAGenerativeCheckerOfTheKillTable()
    {
        Assert.Contains("exhaustive", MutationRunner.Checkers);
        Assert.Contains("exhaustive", MutationRunner.Generative);
        Assert.DoesNotContain("unit", MutationRunner.Generative);
    }

    [Fact]
    public void ConformShapes_Exhaustive_NoGeneratedSequenceAndEveryStateToTheDepthOnTheSimulatedDisk()
    {
        var shapes = MutationRunner.ConformShapes("exhaustive", Options with { ExhaustiveDepth = 9 });

        var shape = Assert.Single(shapes);
        Assert.Equal(["--disk", "sim", "--sequences", "0", "--exhaustive-depth", "9"], shape);
        Assert.Equal("12", MutationRunner.ConformShapes("exhaustive", Options).Single()[^1]);
        Assert.Equal(3, MutationRunner.ConformShapes("conform-sim", Options).Count);
        Assert.All(MutationRunner.ConformShapes("conform-real", Options), s => Assert.Equal("real", s[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MutationRunner.ConformShapes("interleave", Options));
    }

    // The runner builds the line; the harness must accept it and run the exhaustive sequences alone.
    [Fact]
    public void ConformShapes_ExhaustiveLine_TheHarnessRunsItAndWritesNoDivergence()
    {
        var json = Path.Combine(_dir, "ex.json");
        string[] shape = [.. MutationRunner.ConformShapes("exhaustive", Options with { ExhaustiveDepth = 2 }).Single()];

        var (code, stdout, err) = CliRunner.Run(["conform", "--design", "target-incarnation", .. shape, "--json", json, "--out", Path.Combine(_dir, "ex")]);

        Assert.True(code == 0, err);
        Assert.Contains("0 generated sequences", stdout, StringComparison.Ordinal);
        Assert.Contains("exhaustive ones (depth 2", stdout, StringComparison.Ordinal);
        Assert.Null(MutationRunner.FirstDivergence(json));
    }

    // The checker can fail: the exhaustive sequences of a few actions already reach a DESTROY, and an agent that leaves the
    // volume's directory behind diverges there; the project's agent does not.
    [Fact]
    public void Exhaustive_AgentThatKeepsRemovedDirectories_KilledByADivergence()
    {
        var options = new ConformOptions { Design = Design.TargetIncarnation, Sequences = 0, ExhaustiveDepth = 4, Shrink = false };

        var wrong = ConformanceChecker.Run(options with { Mutant = AgentMutant.SkipVolumeRemoval });
        var right = ConformanceChecker.Run(options);

        var divergence = Assert.Single(wrong.Divergences).Summary;
        Assert.Empty(right.Divergences);
        var killed = MutationRunner.JudgeConform("exhaustive", "target-incarnation", new ChildOutcome(1, 3, ""), divergence, 3, TimeSpan.FromMinutes(2));
        Assert.Equal(KillOutcome.Killed, killed?.Outcome);
        Assert.Null(MutationRunner.JudgeConform("exhaustive", "target-incarnation", new ChildOutcome(0, 3, ""), null, 3, TimeSpan.FromMinutes(2)));
    }

    [Theory]
    [InlineData(1, "divergence after line 4", 5.0, KillOutcome.Killed)]
    [InlineData(134, null, 5.0, KillOutcome.Killed)]
    [InlineData(null, null, 120.0, KillOutcome.OutOfBudget)]
    [InlineData(0, null, 121.0, KillOutcome.OutOfBudget)]
    public void JudgeConform_ConformFamilyKillRule_DivergenceOrCrashKills(int? exit, string? divergence, double seconds, KillOutcome expected)
    {
        var judged = MutationRunner.JudgeConform("exhaustive", "target-incarnation --exhaustive-depth 12", new ChildOutcome(exit, seconds, ""), divergence, seconds, TimeSpan.FromMinutes(2));

        Assert.Equal(expected, judged?.Outcome);
        Assert.Equal("exhaustive", judged?.Checker);
    }

    // Exit 1 without a divergence is a property both sides violate: the design's own bug, found without the mutant too.
    [Fact]
    public void JudgeConform_SharedViolationWithinBudget_NotAKill()
    {
        Assert.Null(MutationRunner.JudgeConform("exhaustive", "target", new ChildOutcome(1, 20, "no-data-loss violated on both sides"), null, 20, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void JudgeConform_HarnessRefusesTheLine_ARunnerDefectIsThrown()
    {
        Assert.Throws<InvalidOperationException>(() => MutationRunner.JudgeConform("exhaustive", "x", new ChildOutcome(2, 1, "--exhaustive-depth: too deep"), null, 1, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void FirstDivergence_ResultDocument_TheFirstDivergenceFindingSummary()
    {
        var json = Path.Combine(_dir, "r.json");
        File.WriteAllText(json, new HarnessResult
        {
            Command = "conform",
            Findings =
            [
                new Finding { Kind = FindingKind.Violation, Design = "target", Checker = "conform", Summary = "no-data-loss violated on both sides" },
                new Finding { Kind = FindingKind.Divergence, Design = "target", Checker = "conform", Summary = "divergence after line 3" },
            ],
        }.ToJson());

        Assert.Equal("divergence after line 3", MutationRunner.FirstDivergence(json));
        Assert.Null(MutationRunner.FirstDivergence(Path.Combine(_dir, "absent.json")));
    }

    [Fact]
    public void KillTable_KilledByExhaustiveAlone_KilledGenerativelyAndRecordedForTheNightly()
    {
        var checkers = new[] { "unit", "exhaustive", "conform-sim" };
        var row = new MutantResult(Sample, true,
        [
            new CheckerRun("unit", KillOutcome.Survived, 4, ""),
            new CheckerRun("exhaustive", KillOutcome.Killed, 21.5, "target-incarnation --exhaustive-depth 12: divergence after line 5"),
            new CheckerRun("conform-sim", KillOutcome.Survived, 30, ""),
        ]);
        var report = new MutationReport(Options, checkers, [.. checkers.Select(c => new CheckerRun(c, KillOutcome.Survived, 1, ""))], [row], 60, DateTimeOffset.UnixEpoch);

        var result = KillTable.Result(report);
        var partial = KillTable.Result(report with { Complete = false });

        Assert.True(row.KilledGeneratively);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(FindingKind.Divergence, Assert.Single(result.Findings).Kind);
        Assert.Empty(result.Options["survivors"]!.AsArray());
        Assert.Equal("killed 21.5 s", result.Options["outcomes"]!["sample"]!["cells"]!["exhaustive"]!.GetValue<string>());
        Assert.Equal("a sample mistake", result.Options["outcomes"]!["sample"]!["bug"]!.GetValue<string>());
        Assert.True(result.Complete);
        Assert.False(partial.Complete);
        Assert.Contains("| sample | agent | survived | killed 21.5 s | survived |", KillTable.Markdown(report), StringComparison.Ordinal);
        var schema = JsonSchema.FromText(File.ReadAllText(RepoFiles.PathOf("docs/harness-result.schema.json")));
        Assert.True(schema.Evaluate(JsonNode.Parse(result.ToJson())).IsValid);
    }

    [Theory]
    [InlineData("mutants", "./harness mutants --budget 3m --out out/mutants")]
    [InlineData("mutants --budget 90s --only names-allow-slash --out o --sequences 5 --executions 6 --exhaustive-depth 3 --checkers unit,exhaustive --repo r --keep-scratch",
        "./harness mutants --budget 90s --only names-allow-slash --out o --sequences 5 --executions 6 --exhaustive-depth 3 --checkers unit,exhaustive --repo r")]
    public void Again_EveryOptionThatShapesTheMeasurement_IsInTheRecordedCommand(string line, string expected)
    {
        var parse = Harness.Explorer.Cli.CreateRoot(new Harness.Explorer.CliContext(TextWriter.Null, TextWriter.Null, default)).Parse(line.Split(' '));

        Assert.Empty(parse.Errors);
        Assert.Equal(expected, Harness.Explorer.MutantsCommand.Again(parse));
    }
}
