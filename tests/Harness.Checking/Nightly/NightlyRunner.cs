using System.Globalization;
using System.Text.Json.Nodes;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>
/// The nightly run: the budget spent across every checker (model checker with growing bounds, exhaustive conformance by
/// depth, generated conformance on the simulated and the real disk, Coyote with each strategy) on every design, the
/// results judged against the expectation file, and the report written. Each checker's share of the budget is split
/// evenly across the designs it runs on; time one leaves unused goes to the ones after it.
/// </summary>
public static class NightlyRunner
{
    /// <summary>What a run produced: the report document and its judged verdicts.</summary>
    public sealed record Outcome(HarnessResult Report, Judged Judged);

    /// <summary>Runs the nightly exploration and writes its report; <paramref name="cancellation"/> stops it at the next unit of work.</summary>
    public static Outcome Run(NightlyOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.OutDirectory);
        var started = options.Clock.GetUtcNow();
        var runStart = options.Clock.GetTimestamp();
        var files = new ReportFiles(options.OutDirectory, options.Shard);
        var tasks = Plan(options);
        var results = new List<HarnessResult>();
        using (var progress = new NightlyProgress(options.Clock, options.Progress, options.ProgressInterval))
        {
            for (var t = 0; t < tasks.Count; t++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    break;
                }

                var (checker, design) = tasks[t];
                TimeSpan? length = null;
                if (options.Budget is { } budget)
                {
                    var left = budget - options.Clock.GetElapsedTime(runStart);
                    var weights = tasks.Skip(t).Sum(x => Weight(options, tasks, x.Checker));
                    length = left <= TimeSpan.Zero || weights <= 0 ? TimeSpan.Zero : left * (Weight(options, tasks, checker) / weights);
                }

                using var slice = new Slice(options.Clock, length, cancellation);
                results.Add(checker switch
                {
                    Checkers.ModelCheck => NightlyModelCheck.Run(design, options.Work, slice, files, progress),
                    Checkers.Exhaustive => NightlyLockstep.RunExhaustive(design, options, slice, files, progress),
                    Checkers.Interleave => NightlyInterleave.Run(design, options, slice, files, progress),
                    _ => NightlyLockstep.RunGenerated(checker, design, options, slice, files, progress),
                });
                progress.Tick();
            }
        }

        if (options.Mutants is { } mutants)
        {
            results.Add(mutants);
            if (options.MutantsDirectory is { } from)
            {
                NightlyMutants.CopyKillTable(from, options.OutDirectory);
            }
        }

        var interrupted = cancellation.IsCancellationRequested;
        var designs = options.Designs.Select(d => d.Name()).ToList();
        var judged = NightlyJudge.Judge(results, designs, options.Expectations);
        var report = new HarnessResult
        {
            Command = "nightly",
            Designs = designs,
            Options = new JsonObject
            {
                ["command"] = HarnessCommand.Line([.. options.Arguments]),
                ["budget"] = options.Budget is { } b ? b.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + "s" : "work counts",
                ["shard"] = options.Shard.ToString(),
                ["out"] = options.OutDirectory,
                ["expectations"] = options.Expectations.Source,
            },
            Seed = options.Seed,
            StartedAt = started,
            Seconds = options.Clock.GetElapsedTime(runStart).TotalSeconds,
            Complete = !interrupted,
            Incomplete = interrupted ? "interrupted" : null,
            ExitCode = interrupted ? 130 : judged.Passed ? 0 : 1,
            Verdicts = judged.Verdicts,
            Findings = NightlyJudge.Distinct(NightlyJudge.Checked(results).SelectMany(r => r.Findings)),
            Results = results,
        };
        NightlyReport.Write(report, judged, options.OutDirectory);
        return new Outcome(report, judged);
    }

    /// <summary>
    /// The checker x design tasks this shard runs, checker by checker. The model checker's exploration of a design cannot be
    /// split without sharing its state table, and each bound contains the states of the one before, so it is split by design:
    /// design number i (in the order given) belongs to the shard that owns i. The other checkers split their own items.
    /// </summary>
    public static IReadOnlyList<(string Checker, Design Design)> Plan(NightlyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tasks = new List<(string, Design)>();
        foreach (var checker in Checkers.All)
        {
            if (options.Work.Shares.GetValueOrDefault(checker) <= 0)
            {
                continue;
            }

            for (var i = 0; i < options.Designs.Count; i++)
            {
                if (checker != Checkers.ModelCheck || options.Shard.Owns(i))
                {
                    tasks.Add((checker, options.Designs[i]));
                }
            }
        }

        return tasks;
    }

    private static double Weight(NightlyOptions options, IReadOnlyList<(string Checker, Design Design)> tasks, string checker) =>
        options.Work.Shares.GetValueOrDefault(checker) / Math.Max(1, tasks.Count(t => t.Checker == checker));
}
