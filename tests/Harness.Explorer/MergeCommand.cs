using System.CommandLine;
using Harness.Checking.Nightly;

namespace Harness.Explorer;

/// <summary><c>harness merge</c>: one report from the reports of nightly shards, judged by the same rules.</summary>
public static class MergeCommand
{
    /// <summary>Declares the command and binds its action to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directories = new Argument<string[]>("DIR")
        {
            Description = "the shards' report directories (each with the report.json of 'nightly --shard K/N')",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = CliOptions.Text("--out", "DIR", "the merged report's directory (default out/nightly-merged)");
        var expectations = CliOptions.Text("--expectations", "FILE", $"the expected verdicts (default {Expectations.RepositoryPath})");
        var mutants = NightlyCommand.MutantsOption();
        var command = new Command("merge", "Combine the reports of nightly shards into one: their checker results judged together against the expectation " +
            "file (a violation any shard found counts; a checker misses only if no shard that ran it found it), the files they refer to copied, " +
            "one report.md, report.json and junit.xml written; with --mutants, the harness's bug-finding power too (a shard's own is kept otherwise). Exit codes: 0 nothing unexpected or missed, 1 something UNEXPECTED or MISSED, " +
            "2 bad usage or an unreadable report, 130 a shard was interrupted.")
        {
            directories, outDir, expectations, mutants,
        };
        command.SetAction(parse =>
        {
            var dirs = parse.GetValue(directories) ?? [];
            foreach (var dir in dirs)
            {
                if (!Directory.Exists(dir))
                {
                    throw new UsageException($"'{dir}' is not a directory (merge takes the directories the shards wrote their reports to)");
                }
            }

            var expected = Expectations.Load(parse.GetValue(expectations) ?? Expectations.DefaultPath());
            var mutantsDir = parse.GetValue(mutants);
            if (mutantsDir is not null)
            {
                _ = NightlyMutants.Load(mutantsDir);
            }

            var outArg = parse.GetValue(outDir) ?? Path.Combine("out", "nightly-merged");
            CliFiles.EnsureDirectory(outArg, "--out");
            var expectationsFile = parse.GetValue(expectations);
            string[] again =
            [
                "merge", .. dirs, "--out", outArg,
                .. expectationsFile is null ? Array.Empty<string>() : ["--expectations", expectationsFile],
                .. mutantsDir is null ? Array.Empty<string>() : ["--mutants", mutantsDir],
            ];
            var outcome = NightlyMerge.Merge(dirs, expected, outArg, again, mutantsDir);
            NightlyCommand.PrintSummary(context.Out, outcome, outArg);
            return outcome.Report.ExitCode;
        });
        return command;
    }
}
