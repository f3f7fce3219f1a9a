using System.Globalization;
using Harness.Checking.Interleaving;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>
/// Coyote's part of a nightly run on one design: batches of <see cref="NightlyWork.InterleaveBatchSize"/> executions, the
/// strategies taking turns batch by batch. Batch b of a strategy explores from seed <see cref="InterleavingExplorer.SpreadSeed"/>
/// (root, b) and belongs to the shard that owns b. Coyote stops at a batch's first bug, so the batch goes on with that
/// property's check removed, in rounds seeded by <see cref="InterleavingExplorer.RoundSeed"/>, until its executions are
/// spent: every batch finds what it finds on its own, whichever machine runs it.
/// </summary>
public static class NightlyInterleave
{
    /// <summary>Executions per second assumed before the first round has measured the rate (the first engine also compiles).</summary>
    private const double FirstRate = 5;

    /// <summary>
    /// The seed of round <paramref name="round"/> of batch <paramref name="batch"/>: the batch's spread seed, then seeds
    /// mixed from it. Spreading the rounds too gave round r of batch b the seed of batch b + r's first round.
    /// </summary>
    public static uint RoundSeed(uint root, int batch, int round) => InterleavingExplorer.RoundSeed(InterleavingExplorer.SpreadSeed(root, batch), round);

    /// <summary>Runs the batches on <paramref name="design"/>.</summary>
    public static HarnessResult Run(Design design, NightlyOptions options, Slice slice, ReportFiles files, NightlyProgress progress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(progress);
        progress.Begin(Checkers.Interleave, design.Name(), "executions");
        var work = options.Work;
        var root = unchecked((uint)options.Seed);
        var perStrategy = work.Strategies.ToDictionary(s => s, _ => (Executions: 0L, Steps: 0L, Seconds: 0.0, Batches: 0));
        var bugs = new Dictionary<string, (InterleavingResult Result, InterleavingOptions Options, InterleavingStrategy Strategy, uint Seed)>(StringComparer.Ordinal);
        var complete = true;
        var rate = FirstRate;
        var stop = false;
        for (var b = 0; b < work.InterleaveBatches && !stop; b++)
        {
            if (!options.Shard.Owns(b))
            {
                continue;
            }

            for (var k = 0; k < work.Strategies.Count; k++)
            {
                var strategy = work.Strategies[k];
                var strategiesLeft = work.Strategies.Count - k;
                if (slice.Over)
                {
                    complete = !slice.Interrupted;
                    stop = true;
                    break;
                }

                // Batches alternate: the even ones (the first included, which is all a short budget reaches) let every
                // fault come in every execution, which finds the power-loss and crash violations within a few executions;
                // the odd ones focus each execution on one fault window, which reaches the windows that need a late
                // fault (docs/interleaving.md, "Reach per fault window"). With focus in every batch, a 36 s slice missed
                // three atomic-checkpoint violations the expectations list.
                var system = new InterleavingOptions { Design = design.ToAgentDesign(), FocusFaults = b % 2 == 1 };
                var properties = new HashSet<string>(ClusterProperties.All, StringComparer.Ordinal);
                var left = work.InterleaveBatchSize;
                var round = 0;
                var tally = perStrategy[strategy];
                while (left > 0 && properties.Count > 0)
                {
                    var restricted = system with { Properties = properties.ToHashSet(StringComparer.Ordinal) };
                    var roundSeed = RoundSeed(root, b, round++);

                    // With a budget, a round runs as many executions as the rate measured so far fits in this strategy's
                    // share of what is left, so that every strategy gets its turn however slow the machine is.
                    var iterations = slice.Remaining is { } remaining ? (int)Math.Clamp(remaining.TotalSeconds * rate / strategiesLeft, 1, left) : left;
                    if (slice.Over)
                    {
                        complete = !slice.Interrupted;
                        stop = true;
                        break;
                    }

                    var result = InterleavingExplorer.Explore(restricted, new ExplorationSettings { Strategy = strategy, Seed = roundSeed, Iterations = iterations, Cancellation = slice.Token });
                    if (result.Iterations > 0 && result.Elapsed > TimeSpan.Zero)
                    {
                        rate = Math.Max(0.5, result.Iterations / result.Elapsed.TotalSeconds);
                    }

                    tally = (tally.Executions + result.Iterations, tally.Steps + result.SchedulingSteps, tally.Seconds + result.Elapsed.TotalSeconds, tally.Batches);
                    progress.Add(result.Iterations);
                    left -= Math.Max(1, result.Iterations);
                    if (!result.BugFound)
                    {
                        break;
                    }

                    var property = result.Property ?? "unknown";
                    bugs.TryAdd(property, (result, restricted, strategy, roundSeed));
                    if (!properties.Remove(property))
                    {
                        // A bug that names no checked property cannot be switched off: the batch ends here.
                        break;
                    }
                }

                perStrategy[strategy] = tally with { Batches = tally.Batches + 1 };
            }
        }

        var findings = bugs.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => Describe(design, b.Key, b.Value.Result, b.Value.Options, b.Value.Strategy, b.Value.Seed, files)).ToList();
        progress.Found(findings.Count);
        var coverage = perStrategy.Where(s => s.Value.Batches > 0).Select(s => new Coverage
        {
            Checker = Checkers.Interleave,
            Design = design.Name(),
            Bound = string.Create(CultureInfo.InvariantCulture, $"--strategy {ExplorationSettings.StrategyName(s.Key)} --faults all --fault-budget 2 ({s.Value.Batches} batches, every second one focused on one fault window)"),
            Executions = s.Value.Executions,
            SchedulingSteps = s.Value.Steps,
            Seconds = s.Value.Seconds,
            Complete = complete,
        }).ToList();
        var verdicts = Properties.All.Select(p => new Verdict(
            design.Name(),
            p.Name(),
            Checkers.Interleave,
            p == PropertyId.Confinement ? VerdictValue.NotChecked : bugs.ContainsKey(p.Name()) ? VerdictValue.Violated : VerdictValue.HoldsSoFar)).ToList();
        return new HarnessResult
        {
            Command = Checkers.Interleave,
            Designs = [design.Name()],
            Seed = root,
            Seconds = slice.Elapsed.TotalSeconds,
            Complete = complete,
            ExitCode = findings.Count > 0 ? 1 : 0,
            Coverage = coverage,
            Verdicts = verdicts,
            Findings = findings,
        };
    }

    private static Results.Finding Describe(Design design, string property, InterleavingResult result, InterleavingOptions system, InterleavingStrategy strategy, uint seed, ReportFiles files)
    {
        var stem = $"{Checkers.Interleave}-{design.Name()}-{property}";
        var trace = files.Write(stem, ".trace", result.Trace ?? string.Empty);

        // The schedule replays only with the options it was explored with; `harness replay X.trace` reads them from here.
        files.Write(stem, ".trace.args", system.ToArguments() + "\n");
        var narration = new List<string>();
        var problems = new List<string?>();
        try
        {
            InterleavingExplorer.Replay(system with { Narration = narration, ConvergenceProblems = problems }, result.Trace ?? string.Empty);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            narration.Add($"(the schedule could not be replayed for its steps: {e.Message})");
        }

        var steps = files.Write(stem, ".steps", string.Join('\n', narration) + "\n");
        return new Results.Finding
        {
            Kind = Results.FindingKind.Violation,
            Design = design.Name(),
            Checker = Checkers.Interleave,
            Properties = property == "unknown" ? [] : [property],
            Summary = string.Create(CultureInfo.InvariantCulture,
                $"{InterleavingExplorer.BugInWords(result.BugText ?? "bug", problems.LastOrDefault(p => p is not null))} ({ExplorationSettings.StrategyName(strategy)}, seed {seed}, execution {result.Iterations})"),
            Steps = narration,
            Files = [trace, trace + ".args", steps],
            Replay = HarnessCommand.Line(["interleave", .. system.ToArguments().Split(' ', StringSplitOptions.RemoveEmptyEntries), "--replay", files.CommandPath(trace)]),
        };
    }
}
