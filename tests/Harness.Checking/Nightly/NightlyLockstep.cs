using System.Globalization;
using Harness.Checking.Generation;
using Harness.Checking.Results;
using Harness.Model;
using GenFindingKind = Harness.Checking.Generation.FindingKind;

namespace Harness.Checking.Nightly;

/// <summary>
/// The lockstep checkers' part of a nightly run on one design: generated sequences on the simulated or the real disk, in
/// batches of <see cref="NightlyWork.SimBatchSize"/> drawn from seeds derived from the root seed, and exhaustive
/// conformance at growing depths. Sequence number g (batch b, position i: g = b x size + i) and exhaustive leaf number g
/// belong to the shard that owns g. The first divergence and the first violation of each property are shrunk at the end.
/// </summary>
public static class NightlyLockstep
{
    /// <summary>Generated sequences in lockstep, on the disk <paramref name="checker"/> names.</summary>
    public static HarnessResult RunGenerated(string checker, Design design, NightlyOptions options, Slice slice, ReportFiles files, NightlyProgress progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(progress);
        var disk = checker == Checkers.ConformReal ? DiskKind.Real : DiskKind.Simulated;
        var (batches, size) = disk == DiskKind.Real
            ? (options.Work.RealBatches, options.Work.RealBatchSize)
            : (options.Work.SimBatches, options.Work.SimBatchSize);
        var conform = options.Implementation(new ConformOptions { Design = design, Disk = disk, Seed = options.Seed });
        var search = new Search(checker, conform, progress);
        progress.Begin(checker, design.Name(), "sequences");
        var generation = new GenerationOptions { Disk = disk, MaxLength = conform.MaxLength, Agents = conform.Agents, Roles = conform.Roles, Ids = conform.Ids };
        var complete = true;
        for (var b = 0; b < batches; b++)
        {
            if (slice.SearchOver)
            {
                complete = !slice.Interrupted;
                break;
            }

            var seed = BatchSeed(options.Seed, b);
            var sample = ScenarioGenerator.Sample(design, generation, seed, size);
            for (var i = 0; i < sample.Count && !slice.SearchOver; i++)
            {
                if (options.Shard.Owns(((long)b * size) + i))
                {
                    search.Run(sample[i].Scenario, string.Create(CultureInfo.InvariantCulture, $"sequence {i + 1} of batch seed {seed}"));
                }
            }
        }

        return search.Finish(design, files, slice, complete, bound: string.Create(CultureInfo.InvariantCulture, $"--disk {(disk == DiskKind.Real ? "real" : "sim")} --max-length {conform.MaxLength} --ids {conform.Ids}"));
    }

    /// <summary>Every model-state-distinct sequence (the leaves of the breadth-first tree) at growing depths, on the simulated disk.</summary>
    public static HarnessResult RunExhaustive(Design design, NightlyOptions options, Slice slice, ReportFiles files, NightlyProgress progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(progress);
        var conform = options.Implementation(new ConformOptions { Design = design, Disk = DiskKind.Simulated, Seed = options.Seed });
        var search = new Search(Checkers.Exhaustive, conform, progress);
        progress.Begin(Checkers.Exhaustive, design.Name(), "sequences");
        var deepest = 0;
        var complete = true;
        for (var depth = options.Work.ExhaustiveFromDepth; depth <= options.Work.ExhaustiveToDepth; depth++)
        {
            if (slice.SearchOver)
            {
                complete = !slice.Interrupted;
                break;
            }

            var leaves = ExhaustiveSequences.UpTo(design, depth, DiskKind.Simulated);
            var finished = true;
            for (var g = 0; g < leaves.Count; g++)
            {
                if (!options.Shard.Owns(g))
                {
                    continue;
                }

                if (slice.SearchOver)
                {
                    finished = false;
                    complete = !slice.Interrupted;
                    break;
                }

                search.Run(leaves[g], string.Create(CultureInfo.InvariantCulture, $"exhaustive leaf {g + 1} of depth {depth}"));
            }

            if (!finished)
            {
                break;
            }

            deepest = depth;
        }

        return search.Finish(design, files, slice, complete, bound: string.Create(CultureInfo.InvariantCulture, $"--exhaustive-depth {deepest}"));
    }

    /// <summary>The seed of batch <paramref name="batch"/>: the root seed for the first, unrelated streams after it (<see cref="Seeds.Derive(ulong, int)"/>).</summary>
    public static ulong BatchSeed(ulong seed, int batch) => Seeds.Derive(seed, batch);

    /// <summary>Windows and fault points a scenario reaches, as coverage keys.</summary>
    public static IEnumerable<string> Points(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        foreach (var w in WindowClassifier.Classify(scenario))
        {
            yield return w.ToString();
        }

        foreach (var key in scenario.Commands
            .Where(c => c.Kind is CommandKind.Crash or CommandKind.PowerLoss)
            .Select(c => (c.Kind == CommandKind.Crash ? "crash" : "power-loss") + (c.Step is { } s ? " after " + StepName(s.Kind) : " idle"))
            .Distinct(StringComparer.Ordinal))
        {
            yield return key;
        }
    }

    private static string StepName(StepKind kind) => kind switch
    {
        StepKind.Mkdir => "mkdir",
        StepKind.Rmdir => "rmdir",
        StepKind.WriteInfo => "write info",
        StepKind.WriteTarget => "write target",
        StepKind.RenameTarget => "rename target",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>One checker's run of scenarios: counts, coverage points, and the first counterexample of each kind.</summary>
    private sealed class Search(string checker, ConformOptions options, NightlyProgress progress)
    {
        private readonly Dictionary<string, long> points = new(StringComparer.Ordinal);
        private readonly Dictionary<PropertyId, (Scenario Scenario, string Origin)> violations = [];
        private (Scenario Scenario, string Origin, string Why)? divergence;
        private long sequences;
        private long lines;

        public void Run(Scenario scenario, string origin)
        {
            var report = ConformanceChecker.RunLockstep(options, scenario, narrate: false);
            sequences++;
            lines += report.Lines.Count;
            progress.Add(1);
            foreach (var p in Points(scenario))
            {
                points[p] = points.GetValueOrDefault(p) + 1;
            }

            var (why, shared) = ConformanceChecker.Judge(report);
            if (why is not null)
            {
                divergence ??= (scenario, origin, why);
                return;
            }

            foreach (var p in shared)
            {
                violations.TryAdd(p, (scenario, origin));
            }
        }

        public HarnessResult Finish(Design design, ReportFiles files, Slice slice, bool complete, string bound)
        {
            var findings = new List<Results.Finding>();
            var disk = options.Disk == DiskKind.Real ? "real" : "sim";
            if (divergence is { } d)
            {
                var minimal = ScenarioShrinker.Shrink(design, d.Scenario, c => !slice.Over && ConformanceChecker.Judge(ConformanceChecker.RunLockstep(options, c, narrate: false)).Divergence is not null);
                var report = ConformanceChecker.RunLockstep(options, minimal);
                var why = ConformanceChecker.Judge(report).Divergence ?? d.Why;
                findings.Add(Describe(GenFindingKind.Divergence, design, [.. report.ImplViolated.Union(report.ModelViolated)], minimal, why, d.Origin, files, disk));
            }

            foreach (var (property, (scenario, origin)) in violations.OrderBy(v => v.Key))
            {
                // Past the slice's end a candidate counts as not failing: shrinking stops with the smallest scenario so far.
                var minimal = ScenarioShrinker.Shrink(design, scenario, c => !slice.Over &&
                    ConformanceChecker.Judge(ConformanceChecker.RunLockstep(options, c, narrate: false)) is { Divergence: null } j && j.Shared.Contains(property));
                findings.Add(Describe(GenFindingKind.Violation, design, [property], minimal, $"{property.Name()} violated on both sides", origin, files, disk));
            }

            progress.Found(findings.Count);
            var verdicts = Properties.All.Select(p => new Verdict(
                design.Name(),
                p.Name(),
                checker,
                violations.ContainsKey(p) ? VerdictValue.Violated : VerdictValue.HoldsSoFar)).ToList();
            return new HarnessResult
            {
                Command = checker,
                Designs = [design.Name()],
                Seed = options.Seed,
                Seconds = slice.Elapsed.TotalSeconds,
                Complete = complete,
                ExitCode = findings.Count > 0 ? 1 : 0,
                Coverage =
                [
                    new Coverage
                    {
                        Checker = checker,
                        Design = design.Name(),
                        Bound = bound,
                        Sequences = sequences,
                        Lines = lines,
                        Windows = points.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                        Seconds = slice.Elapsed.TotalSeconds,
                        Complete = complete,
                    },
                ],
                Verdicts = verdicts,
                Findings = findings,
            };
        }

        private Results.Finding Describe(GenFindingKind kind, Design design, IReadOnlyList<PropertyId> properties, Scenario minimal, string summary, string origin, ReportFiles files, string disk)
        {
            var what = kind == GenFindingKind.Divergence ? "divergence" : string.Join('-', properties.Select(p => p.Name()));
            var file = files.Write($"{checker}-{design.Name()}-{what}", ".scenario", $"# {summary}\n# found in {origin}\n{minimal.Format()}");
            string[] replay = ["replay", files.CommandPath(file), "--design", design.Name(), "--disk", disk];
            return new Results.Finding
            {
                Kind = kind == GenFindingKind.Divergence ? Results.FindingKind.Divergence : Results.FindingKind.Violation,
                Design = design.Name(),
                Checker = checker,
                Properties = [.. properties.Select(p => p.Name())],
                Summary = summary,
                Steps = [.. minimal.Commands.Select(c => c.ToString())],
                Files = [file],
                Replay = HarnessCommand.Line(replay),
            };
        }
    }
}
