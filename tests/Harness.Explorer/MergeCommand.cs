using Harness.Checking.Nightly;

namespace Harness.Explorer;

/// <summary><c>harness merge</c>: one report from the reports of nightly shards, judged by the same rules.</summary>
public static class MergeCommand
{
    /// <summary>The command's --help text.</summary>
    internal const string Help = """
        usage: harness merge DIR... [--out DIR] [--expectations FILE]

        Reads report.json from each shard's directory (written by 'harness nightly --shard K/N'), judges their checker
        results together against the expectation file (a violation any shard found counts; a checker misses only if
        no shard that ran it found it), copies the files they refer to, and writes one report.md, report.json and
        junit.xml.

        options:
          --out DIR             the merged report's directory (default out/nightly-merged)
          --expectations FILE   the expected verdicts (default expectations/verdicts.tsv)

        Exit codes: 0 every violation found was expected and none was missed, 1 something UNEXPECTED or MISSED,
        2 bad usage or an unreadable report, 130 a shard was interrupted.
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(ArgReader args, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var outDir = args.Option("--out", Path.Combine("out", "nightly-merged"))!;
        var expectationsPath = args.Option("--expectations") ?? Expectations.DefaultPath();
        var directories = new List<string>();
        while (true)
        {
            // Every argument left that is not an option is a shard's directory.
            try
            {
                directories.Add(args.Positional("a directory"));
            }
            catch (UsageException)
            {
                break;
            }
        }

        args.End();
        if (directories.Count == 0)
        {
            throw new UsageException("merge needs the shards' report directories: harness merge DIR... [--out DIR]");
        }

        var expectations = Expectations.Load(expectationsPath);
        Cli.EnsureDirectory(outDir);
        NightlyRunner.Outcome outcome;
        try
        {
            outcome = NightlyMerge.Merge(directories, expectations, outDir, ["merge", .. directories, "--out", outDir]);
        }
        catch (Checking.Results.ResultFormatException e)
        {
            throw new UsageException(e.Message);
        }

        NightlyCommand.PrintSummary(stdout, outcome, outDir);
        return outcome.Report.ExitCode;
    }
}
