using System.Globalization;
using System.Runtime.InteropServices;
using Harness.Checking.Nightly;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness nightly</c>: every checker within a time budget, judged against the expectation file, with a report.</summary>
public static class NightlyCommand
{
    /// <summary>The command's --help text.</summary>
    internal const string Help = """
        usage: harness nightly --budget DURATION [--designs LIST] [--seed S] [--shard K/N] [--out DIR]
                               [--expectations FILE]

        Spends the budget across every checker on every design: the model checker with bounds that grow while the
        budget lasts, exhaustive conformance by depth, generated conformance on the simulated and the real disk, and
        Coyote with each strategy. Judges every violation against the expectation file: a violation found where one
        is expected is EXPECTED; any other violation or any divergence is UNEXPECTED; an expected violation a checker
        did not find within its budget is MISSED. Writes report.md, report.json, junit.xml and the traces to --out,
        and a progress line every few seconds to stderr. Ctrl-C stops and still writes the report, marked incomplete.

        options:
          --budget DURATION     time to spend in all, e.g. 90s, 2m, 1h
          --designs LIST        comma-separated designs, or all (default)
          --checkers LIST       comma-separated checkers, or all (default): model-check, exhaustive, conform-sim,
                                conform-real, interleave; the budget is shared among those given
          --seed S              root seed (default 20240611)
          --shard K/N           run part K of N (1 <= K <= N): disjoint sequence numbers, Coyote batches and
                                exhaustive leaves; the model checker's designs are dealt out among the shards
          --shards N            the number of shards when the part comes from the environment of an indexed job
                                (JOB_COMPLETION_INDEX, from 0); HARNESS_SHARDS works too
          --out DIR             the report's directory (default out/nightly-<designs>-<seed>)
          --expectations FILE   the expected verdicts (default expectations/verdicts.tsv)

        Exit codes: 0 every violation found was expected and none was missed, 1 something UNEXPECTED or MISSED,
        2 bad usage, 130 interrupted (the report is written, marked incomplete).
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(ArgReader args, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var budgetText = args.Option("--budget") ?? throw new UsageException("--budget is required, e.g. --budget 2m");
        var designsText = args.Option("--designs", "all")!;
        var checkersText = args.Option("--checkers", "all")!;
        var seedText = args.Option("--seed", Checking.Generation.ConformOptions.DefaultSeed.ToString(CultureInfo.InvariantCulture))!;
        var shardText = args.Option("--shard");
        var shardsText = args.Option("--shards");
        var outDir = args.Option("--out");
        var expectationsPath = args.Option("--expectations") ?? Expectations.DefaultPath();
        args.End();

        var budget = ParseDuration(budgetText, "--budget");
        var designs = ParseDesignList(designsText);
        var work = new NightlyWork();
        if (checkersText != "all")
        {
            var chosen = checkersText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var c in chosen)
            {
                if (!Checkers.All.Contains(c))
                {
                    throw new UsageException($"unknown checker '{c}'; expected one of: {string.Join(", ", Checkers.All)}, or all");
                }
            }

            work = work with { Shares = work.Shares.Where(p => chosen.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) };
        }
        if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            throw new UsageException($"--seed must be a whole number, got '{seedText}'");
        }

        int? shards = null;
        if (shardsText is not null)
        {
            shards = int.TryParse(shardsText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
                ? n
                : throw new UsageException($"--shards must be a positive whole number, got '{shardsText}'");
        }

        var shard = shardText is not null
            ? Shard.Parse(shardText)
            : Shard.FromEnvironment(Environment.GetEnvironmentVariable, shards) ?? Shard.Whole;
        var expectations = Expectations.Load(expectationsPath);
        outDir ??= Path.Combine("out", $"nightly-{(designsText == "all" ? "all" : string.Join('+', designs.Select(d => d.Name())))}-{seed.ToString(CultureInfo.InvariantCulture)}" + (shard.Count > 1 ? $"-shard{shard.Index + 1}of{shard.Count}" : string.Empty));
        Cli.EnsureDirectory(outDir);

        var arguments = new List<string> { "nightly", "--budget", budgetText };
        if (designsText != "all")
        {
            arguments.AddRange(["--designs", designsText]);
        }

        if (checkersText != "all")
        {
            arguments.AddRange(["--checkers", checkersText]);
        }

        arguments.AddRange(["--seed", seed.ToString(CultureInfo.InvariantCulture)]);
        if (shard.Count > 1)
        {
            arguments.AddRange(["--shard", shard.ToString()]);
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancellation.Cancel();
        });
        // Coyote writes its own lines to the console whatever it is told; they go to a log beside the report.
        var console = Console.Out;
        using var coyoteLog = new StreamWriter(Path.Combine(outDir, "coyote.log")) { AutoFlush = true };
        Console.SetOut(TextWriter.Synchronized(coyoteLog));
        try
        {
            var stderr = Console.Error;
            var outcome = NightlyRunner.Run(
                new NightlyOptions
                {
                    Designs = designs,
                    Seed = seed,
                    Budget = budget,
                    Shard = shard,
                    OutDirectory = outDir,
                    Expectations = expectations,
                    Work = work,
                    Progress = line => stderr.WriteLine(line),
                    Arguments = arguments,
                },
                cancellation.Token);
            PrintSummary(stdout, outcome, outDir);
            return outcome.Report.ExitCode;
        }
        finally
        {
            Console.SetOut(console);
            Console.CancelKeyPress -= onCtrlC;
        }
    }

    /// <summary>The headline and the table of report.md, and where the report is.</summary>
    internal static void PrintSummary(TextWriter stdout, NightlyRunner.Outcome outcome, string outDir)
    {
        var markdown = NightlyReport.Markdown(outcome.Report, outcome.Judged);
        foreach (var line in markdown.Split('\n').TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            stdout.WriteLine(line);
        }

        stdout.WriteLine($"report: {Checking.Results.HarnessCommand.DisplayPath(Path.Combine(outDir, "report.md"))} (also report.json, junit.xml, files/)");
    }

    /// <summary>Parses a comma-separated design list or <c>all</c>.</summary>
    internal static IReadOnlyList<Design> ParseDesignList(string text)
    {
        if (text == "all")
        {
            return Designs.All;
        }

        var list = new List<Design>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var design = Designs.Parse(name);
            if (!list.Contains(design))
            {
                list.Add(design);
            }
        }

        return list.Count > 0 ? list : throw new UsageException("--designs needs at least one design, or all");
    }

    /// <summary>Parses a duration such as 90s, 2m, 1h or 1h30m.</summary>
    internal static TimeSpan ParseDuration(string text, string flag)
    {
        var total = TimeSpan.Zero;
        var number = 0L;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && digits < 9)
            {
                number = (number * 10) + (c - '0');
                digits++;
                continue;
            }

            var unit = c switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
            if (unit == 0 || digits == 0)
            {
                total = TimeSpan.Zero;
                break;
            }

            total += TimeSpan.FromSeconds((double)number * unit);
            number = 0;
            digits = 0;
        }

        if (digits != 0 || total <= TimeSpan.Zero)
        {
            throw new UsageException($"{flag} takes a positive duration such as 90s, 2m, 1h or 1h30m, got '{text}'");
        }

        return total;
    }
}
