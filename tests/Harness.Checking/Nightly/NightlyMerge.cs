using System.Text.Json.Nodes;
using Harness.Checking.Results;

namespace Harness.Checking.Nightly;

/// <summary>
/// Combines the reports of shards into one with the same verdict rules: the checker results of every shard, judged
/// together (a violation one shard found counts for all; a checker misses only if no shard that ran it found it), and the
/// files they refer to copied into the merged directory, with replay commands pointing there.
/// </summary>
public static class NightlyMerge
{
    /// <summary>Reads <c>report.json</c> from each of <paramref name="directories"/>, merges, and writes the report into <paramref name="outDirectory"/>.</summary>
    /// <remarks>
    /// <paramref name="mutantsDirectory"/>, when given, is a <c>harness mutants</c> directory whose result the merged report
    /// nests and judges (see <see cref="NightlyMutants"/>); without it, a mutants result nested in a shard's report is kept.
    /// </remarks>
    public static NightlyRunner.Outcome Merge(IReadOnlyList<string> directories, Expectations expectations, string outDirectory, IReadOnlyList<string> arguments, string? mutantsDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(expectations);
        ArgumentNullException.ThrowIfNull(arguments);
        if (directories.Count == 0)
        {
            throw new FormatException("merge needs at least one directory with a report.json");
        }

        var shards = new List<(string Directory, HarnessResult Report)>();
        foreach (var dir in directories)
        {
            var path = Path.Combine(dir, "report.json");
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FormatException($"cannot read '{path}': {e.Message}", e);
            }

            var report = HarnessResult.Parse(text, path);
            if (report.Command is not ("nightly" or "merge"))
            {
                throw new FormatException($"{path}: a '{report.Command}' result, not a nightly report");
            }

            shards.Add((dir, report));
        }

        var mutants = mutantsDirectory is null ? null : NightlyMutants.Load(mutantsDirectory);
        var seeds = shards.Select(s => s.Report.Seed).Distinct().ToList();
        if (seeds.Count > 1)
        {
            throw new FormatException($"the reports come from different seeds ({string.Join(", ", seeds)}): their shards do not add up to one run");
        }

        Directory.CreateDirectory(outDirectory);
        var results = new List<HarnessResult>();
        foreach (var (dir, report) in shards)
        {
            foreach (var r in NightlyJudge.Checked(report.Results))
            {
                results.Add(r with { Findings = [.. r.Findings.Select(f => Relocate(f, dir, outDirectory))] });
            }

            if (mutantsDirectory is null && mutants is null && report.Results.LastOrDefault(NightlyMutants.IsMutants) is { } nested)
            {
                mutants = nested;
                NightlyMutants.CopyKillTable(Path.Combine(dir, "mutants"), outDirectory);
            }
        }

        if (mutants is not null)
        {
            results.Add(mutants);
            if (mutantsDirectory is not null)
            {
                NightlyMutants.CopyKillTable(mutantsDirectory, outDirectory);
            }
        }

        var designs = shards.SelectMany(s => s.Report.Designs).Distinct(StringComparer.Ordinal)
            .OrderBy(d => Model.Designs.All.ToList().FindIndex(x => Model.Designs.Name(x) == d)).ToList();
        var judged = NightlyJudge.Judge(results, designs, expectations);
        var complete = shards.All(s => s.Report.Complete);
        var merged = new HarnessResult
        {
            Command = "merge",
            Designs = designs,
            Options = new JsonObject
            {
                ["command"] = HarnessCommand.Line([.. arguments]),
                ["shards"] = string.Join(", ", shards.Select(s => s.Report.Options["shard"]?.GetValue<string>() ?? "?")),
                ["out"] = outDirectory,
                ["expectations"] = expectations.Source,
            },
            Seed = seeds[0],
            StartedAt = shards.Min(s => s.Report.StartedAt),
            Seconds = shards.Max(s => s.Report.Seconds),
            Complete = complete,
            Incomplete = complete ? null : "a shard was incomplete",
            ExitCode = judged.Passed ? (complete ? 0 : 130) : 1,
            Verdicts = judged.Verdicts,
            Findings = NightlyJudge.Distinct(NightlyJudge.Checked(results).SelectMany(r => r.Findings)),
            Results = results,
        };
        NightlyReport.Write(merged, judged, outDirectory);
        return new NightlyRunner.Outcome(merged, judged);
    }

    // A shard's files lie under its directory, named relative to it; the merged report keeps the same relative names. Its
    // commands are pasted where the merge ran: they start as this merge's own do, and each word that names one of the
    // finding's files (as the shard printed it, relative to where the shard ran or absolute) names the merged copy.
    private static Finding Relocate(Finding f, string shardDirectory, string outDirectory)
    {
        var replay = f.Replay is { } line
            ? HarnessCommand.Line([.. HarnessCommand.Words(line).Skip(1).Select(word =>
                f.Files.FirstOrDefault(file => word == file || word.EndsWith("/" + file, StringComparison.Ordinal)) is { } named
                    ? ReportFiles.CommandPath(outDirectory, named)
                    : word)])
            : null;

        foreach (var file in f.Files)
        {
            var from = Path.Combine(shardDirectory, file);
            var to = Path.Combine(outDirectory, file);
            if (File.Exists(from) && Path.GetFullPath(from) != Path.GetFullPath(to))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(from, to, overwrite: true);
            }
        }

        return f with { Replay = replay };
    }
}
