using System.Text.Json.Nodes;
using Harness.Checking.Generation;
using Harness.Checking.Interleaving;
using Harness.Checking.Mutation;
using Harness.Checking.Nightly;
using Harness.Checking.Results;
using Harness.Model;
using Json.Schema;
using Xunit;

namespace Harness.Tests.Nightly;

public sealed class NightlyRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-nightly-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A small run of every checker but the real disk, fixed by work counts rather than time.</summary>
    private static NightlyWork SmallWork => new()
    {
        ModelCheckLevels = 1,
        ExhaustiveFromDepth = 2,
        ExhaustiveToDepth = 2,
        SimBatches = 2,
        SimBatchSize = 10,
        RealBatches = 0,
        InterleaveBatches = 2,
        InterleaveBatchSize = 3,
        Strategies = [InterleavingStrategy.Prioritization],
        Shares = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Checkers.ModelCheck] = 1, [Checkers.Exhaustive] = 1, [Checkers.ConformSim] = 1, [Checkers.Interleave] = 1,
        },
    };

    private static Expectations RepositoryExpectations => Expectations.Load(RepoFiles.PathOf(Expectations.RepositoryPath));

    private NightlyOptions Options(string name, Shard shard, NightlyWork work, IReadOnlyList<Design> designs) => new()
    {
        Designs = designs,
        Shard = shard,
        OutDirectory = Path.Combine(_dir, name),
        Expectations = RepositoryExpectations,
        Work = work,
        ProgressInterval = TimeSpan.FromHours(1),
    };

    private static IEnumerable<string> Keys(IEnumerable<HarnessResult> results) =>
        results.SelectMany(r => r.Findings)
            .Select(f => $"{f.Design} {f.Checker} {f.Kind} {string.Join(",", f.Properties)}")
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> Totals(IEnumerable<HarnessResult> results) =>
        results.SelectMany(r => r.Coverage)
            .GroupBy(c => (c.Checker, c.Design))
            .Select(g => $"{g.Key.Checker} {g.Key.Design}: states {g.Sum(c => c.States ?? 0)} sequences {g.Sum(c => c.Sequences ?? 0)} " +
                         $"lines {g.Sum(c => c.Lines ?? 0)} executions {g.Sum(c => c.Executions ?? 0)}")
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Merge_TwoShards_SameFindingsAndSummedCoverageAsOneRun()
    {
        Design[] designs = [Design.KeepGoing, Design.TargetIncarnation];
        var whole = NightlyRunner.Run(Options("whole", Shard.Whole, SmallWork, designs));
        var first = NightlyRunner.Run(Options("shard1", new Shard(0, 2), SmallWork, designs));
        var second = NightlyRunner.Run(Options("shard2", new Shard(1, 2), SmallWork, designs));

        var merged = NightlyMerge.Merge([Path.Combine(_dir, "shard1"), Path.Combine(_dir, "shard2")], RepositoryExpectations, Path.Combine(_dir, "merged"), ["merge"]);

        Assert.NotEmpty(Keys(whole.Report.Results));
        Assert.Equal(Keys(whole.Report.Results), Keys(merged.Report.Results).Distinct());
        Assert.Equal(Keys(whole.Report.Results), Keys([merged.Report]));
        Assert.Equal(Totals(whole.Report.Results), Totals(merged.Report.Results));
        Assert.NotEqual(Totals(first.Report.Results), Totals(second.Report.Results));
        Assert.Equal(
            whole.Judged.Cells.Select(c => $"{c.Design} {c.Property} {c.Judgement} {string.Join(",", c.FoundBy)}"),
            merged.Judged.Cells.Select(c => $"{c.Design} {c.Property} {c.Judgement} {string.Join(",", c.FoundBy)}"));
        Assert.Equal(whole.Report.ExitCode, merged.Report.ExitCode);
        foreach (var file in merged.Report.Findings.SelectMany(f => f.Files))
        {
            Assert.True(File.Exists(Path.Combine(_dir, "merged", file)), file);
        }

        // Every finding of the merged report replays from it by its number.
        var mergedReport = Path.Combine(_dir, "merged", "report.json");
        for (var n = 1; n <= merged.Report.Findings.Count; n++)
        {
            var (code, _, err) = CliRunner.Run("replay", mergedReport, "--finding", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(code == 1, $"--finding {n} exited {code}: {err}");
        }

        var schema = JsonSchema.FromText(File.ReadAllText(RepoFiles.PathOf("docs/harness-result.schema.json")));
        foreach (var report in new[] { "whole", "merged" })
        {
            var validation = schema.Evaluate(JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, report, "report.json"))), new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(validation.IsValid, string.Join("; ", validation.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        }
    }

    [Fact]
    public void Run_RealDisk_EveryFindingsReplayLineReproducesIt()
    {
        var work = SmallWork with
        {
            RealBatches = 2,
            RealBatchSize = 20,
            Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ConformReal] = 1 },
        };
        var options = Options("real", Shard.Whole, work, [Design.PartialExit]);

        var findings = NightlyRunner.Run(options).Report.Findings.Where(f => f.Checker == Checkers.ConformReal).ToList();

        // Pasted one after the other, each twice: the second run must not start from the disk the first one left.
        Assert.True(findings.Count >= 2, string.Join("\n", findings.Select(f => f.Summary)));
        Assert.All(findings, f => Assert.Equal(1, CliRunner.RunTwice(Harness.Tests.Explorer.ShellWords.HarnessArguments(f.Replay!)).Code));
    }

    [Fact]
    public void Run_InterleaveFindsNoConvergence_SaysWhatNeverConvergedInTheProjectsWords()
    {
        var work = SmallWork with
        {
            InterleaveBatches = 4,
            InterleaveBatchSize = 25,
            Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.Interleave] = 1 },
        };

        var findings = NightlyRunner.Run(Options("words", Shard.Whole, work, [Design.KeepGoing])).Report.Findings;

        var convergence = Assert.Single(findings, f => f.Properties.Contains("convergence"));
        Assert.StartsWith("convergence violated: the cluster never converged once faults and operations stopped: ", convergence.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("(the replay recorded no problem)", convergence.Summary, StringComparison.Ordinal);

        // The report names its schedule relative to itself; replayed from the report, from anywhere, it shows the same bug.
        var number = findings.ToList().IndexOf(convergence) + 1;
        var replayed = CliRunner.Run("replay", Path.Combine(_dir, "words", "report.json"), "--finding", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(replayed.Code == 1, replayed.Err);
        Assert.Contains(convergence.Summary[..convergence.Summary.LastIndexOf(" (", StringComparison.Ordinal)], replayed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_AgentWithDeliberateMistake_TurnsRedWithUnexpected()
    {
        var work = SmallWork with
        {
            SimBatches = 1,
            SimBatchSize = 40,
            Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ConformSim] = 1 },
        };
        var options = Options("mistake", Shard.Whole, work, [Design.TargetIncarnation]) with
        {
            Implementation = o => o with { Mutant = AgentMutant.SkipVolumeRemoval },
        };

        var outcome = NightlyRunner.Run(options);

        Assert.Equal(1, outcome.Report.ExitCode);
        var divergence = Assert.Single(outcome.Judged.Divergences);
        Assert.Equal(Harness.Checking.Results.FindingKind.Divergence, divergence.Kind);
        Assert.StartsWith("# nightly FAILED", File.ReadLines(Path.Combine(options.OutDirectory, "report.md")).First(), StringComparison.Ordinal);
        Assert.Contains("<failure message=\"UNEXPECTED", File.ReadAllText(Path.Combine(options.OutDirectory, "junit.xml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ProjectAgentSameWork_Passes()
    {
        var work = SmallWork with
        {
            SimBatches = 1,
            SimBatchSize = 40,
            Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ConformSim] = 1 },
        };

        var outcome = NightlyRunner.Run(Options("clean", Shard.Whole, work, [Design.TargetIncarnation]));

        Assert.Equal(0, outcome.Report.ExitCode);
        Assert.Empty(outcome.Judged.Divergences);
    }

    [Fact]
    public void Run_ExpectationNoCheckerCanMeet_TurnsRedWithMissed()
    {
        var text = File.ReadAllText(RepoFiles.PathOf(Expectations.RepositoryPath))
            .Replace("target-incarnation\tfresh-volume\tholds\t-", "target-incarnation\tfresh-volume\tviolated\tmodel-check", StringComparison.Ordinal);
        Assert.Contains("target-incarnation\tfresh-volume\tviolated", text, StringComparison.Ordinal);
        var work = SmallWork with { Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ModelCheck] = 1 } };
        var options = Options("missed", Shard.Whole, work, [Design.TargetIncarnation]) with { Expectations = Expectations.Parse(text, "test") };

        var outcome = NightlyRunner.Run(options);

        Assert.Equal(1, outcome.Report.ExitCode);
        var missed = Assert.Single(outcome.Judged.Verdicts, v => v.Judgement == Judgement.Missed);
        Assert.Equal(("target-incarnation", "fresh-volume", Checkers.ModelCheck), (missed.Design, missed.Property, missed.Checker));
        Assert.Contains("**MISSED** by mc", File.ReadAllText(Path.Combine(options.OutDirectory, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_FakeClockBudget_SlicesEndTheOpenEndedWorkTheSameWayEveryTime()
    {
        var work = new NightlyWork
        {
            SimBatchSize = 5,
            Shares = new Dictionary<string, double>(StringComparer.Ordinal) { [Checkers.ConformSim] = 1 },
        };
        NightlyOptions Budgeted(string name) => Options(name, Shard.Whole, work, [Design.TargetIncarnation, Design.KeepGoing]) with
        {
            Budget = TimeSpan.FromSeconds(60),
            Clock = new SteppingClock(TimeSpan.FromSeconds(1)),
        };

        var once = NightlyRunner.Run(Budgeted("once"));
        var again = NightlyRunner.Run(Budgeted("again"));

        var sequences = once.Report.Results.SelectMany(r => r.Coverage).Select(c => c.Sequences ?? 0).ToList();
        Assert.Equal(2, sequences.Count);
        Assert.All(sequences, s => Assert.InRange(s, 1, 100));
        Assert.Equal(Totals(once.Report.Results), Totals(again.Report.Results));
        Assert.True(once.Report.Complete);
    }

    [Fact]
    public void Run_Interrupted_WritesTheWholeReportMarkedIncomplete()
    {
        using var cancellation = new CancellationTokenSource();
        var options = Options("interrupted", Shard.Whole, SmallWork, [Design.KeepGoing, Design.TargetIncarnation]) with
        {
            // Each checker ends with a progress line: the first one interrupts the run, as Ctrl-C would.
            Progress = _ => cancellation.Cancel(),
        };

        var outcome = NightlyRunner.Run(options, cancellation.Token);

        Assert.Equal(130, outcome.Report.ExitCode);
        Assert.False(outcome.Report.Complete);
        var parsed = HarnessResult.Parse(File.ReadAllText(Path.Combine(options.OutDirectory, "report.json")), "report.json");
        Assert.False(parsed.Complete);
        Assert.Single(parsed.Results);
        Assert.Contains("INCOMPLETE", File.ReadLines(Path.Combine(options.OutDirectory, "report.md")).First(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(options.OutDirectory, "junit.xml")));
    }

    /// <summary>A clock that moves on by a fixed step each time it is read, so a budget ends after a fixed number of reads.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);

        public override DateTimeOffset GetUtcNow() => new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
