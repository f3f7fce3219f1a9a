using System.CommandLine;
using System.Globalization;
using Harness.Checking.Nightly;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness nightly</c>: every checker within a time budget, judged against the expectation file, with a report.</summary>
public static class NightlyCommand
{
    /// <summary>Declares the command and binds its action to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var budget = CliOptions.Text("--budget", "DURATION", "time to spend in all, e.g. 90s, 2m, 1h or 1h30m");
        var designs = CliOptions.Text("--designs", "LIST", $"comma-separated designs, or all (default): {CliOptions.DesignNames}");
        var checkers = CliOptions.Text("--checkers", "LIST", $"comma-separated checkers, or all (default): {string.Join(", ", Checkers.All)}; the budget is shared among those given");
        var seed = CliOptions.LongSeed("--seed", Checking.Generation.ConformOptions.DefaultSeed, "root seed of generated sequences and Coyote schedules");
        var shard = CliOptions.Text("--shard", "K/N", "run part K of N (1 <= K <= N): disjoint sequence numbers, exhaustive leaves and Coyote batches; the model checker's designs are dealt out among the shards");
        var shards = CliOptions.Number("--shards", 0, 0, 10_000, $"the number of shards when the part comes from an indexed job's {Shard.JobIndexVariable} (from 0); {Shard.CountVariable} works too");
        var outDir = CliOptions.Text("--out", "DIR", "the report's directory: report.md, report.json, junit.xml, files/ (default out/nightly-<designs>-<seed>)");
        var expectations = CliOptions.Text("--expectations", "FILE", $"the expected verdicts (default {Expectations.RepositoryPath})");
        var mutants = MutantsOption();
        var command = new Command("nightly", "Spend a time budget across every checker on every design: the model checker with bounds that grow while the budget " +
            "lasts, exhaustive conformance by depth, generated conformance on the simulated and the real disk, and Coyote with each strategy. Every " +
            "violation is judged against the expectation file: found where expected is EXPECTED; any other violation or any divergence is UNEXPECTED; " +
            "an expected violation a checker did not find in its budget is MISSED. With --mutants, the report also shows the harness's bug-finding " +
            "power measured by a harness mutants run, and a mutant no generative checker killed in a complete run fails it. Writes report.md, report.json, junit.xml and the traces to --out " +
            "and a progress line every few seconds to stderr; Ctrl-C stops and still writes the report, marked incomplete. Exit codes: 0 nothing " +
            "unexpected or missed, 1 something UNEXPECTED or MISSED, 2 bad usage, 130 interrupted.")
        {
            budget, designs, checkers, seed, shard, shards, outDir, expectations, mutants,
        };
        CliOptions.Require(command, budget, "--budget is required, e.g. --budget 2m");
        command.SetAction(parse =>
        {
            var budgetText = parse.GetValue(budget)!;
            var duration = ParseDuration(budgetText, "--budget");
            var chosenDesigns = ParseDesignList(parse.GetValue(designs) ?? "all");
            var work = WorkFor(parse.GetValue(checkers) ?? "all");
            var s = parse.GetValue(seed);
            var count = parse.GetValue(shards);
            var part = parse.GetValue(shard) is { } text
                ? Shard.Parse(text)
                : Shard.FromEnvironment(Environment.GetEnvironmentVariable, count > 0 ? count : null) ?? Shard.Whole;
            var expected = Expectations.Load(parse.GetValue(expectations) ?? Expectations.DefaultPath());
            var mutantsDir = parse.GetValue(mutants);
            var mutantsResult = mutantsDir is null ? null : NightlyMutants.Load(mutantsDir);
            var designsName = parse.GetValue(designs) is null or "all" ? "all" : string.Join('+', chosenDesigns.Select(d => d.Name()));
            var outArg = parse.GetValue(outDir) ?? CliFiles.DefaultOut("nightly", designsName, s) + (part.Count > 1 ? $"-shard{part.Index + 1}of{part.Count}" : string.Empty);
            var dir = CliFiles.EnsureDirectory(outArg, "--out");
            var arguments = new List<string> { "nightly", "--budget", budgetText };
            if (parse.GetValue(designs) is { } d && d != "all")
            {
                arguments.AddRange(["--designs", d]);
            }

            if (parse.GetValue(checkers) is { } c && c != "all")
            {
                arguments.AddRange(["--checkers", c]);
            }

            arguments.AddRange(["--seed", s.ToString(CultureInfo.InvariantCulture)]);
            if (part.Count > 1)
            {
                arguments.AddRange(["--shard", part.ToString()]);
            }

            if (parse.GetValue(expectations) is { } e)
            {
                arguments.AddRange(["--expectations", e]);
            }

            if (mutantsDir is not null)
            {
                arguments.AddRange(["--mutants", mutantsDir]);
            }

            var err = context.Err;
            var options = new NightlyOptions
            {
                Designs = chosenDesigns,
                Seed = s,
                Budget = duration,
                Shard = part,
                OutDirectory = outArg,
                Expectations = expected,
                Work = work,
                Progress = line => err.WriteLine(line),
                Arguments = arguments,
                Mutants = mutantsResult,
                MutantsDirectory = mutantsDir,
            };

            // Coyote's own console lines go to a log beside the report.
            var outcome = CoyoteLog.Quiet(Path.Combine(dir, "coyote.log"), () => NightlyRunner.Run(options, context.Cancellation));
            PrintSummary(context.Out, outcome, outArg);
            return outcome.Report.ExitCode;
        });
        return command;
    }

    /// <summary>The <c>--mutants DIR</c> option of nightly and merge.</summary>
    internal static Option<string?> MutantsOption() =>
        CliOptions.Text("--mutants", "DIR", "the directory of a harness mutants run (its result.json): its kill rates and survivors go into the report, and a mutant no generative checker killed fails the run");

    /// <summary>The headline and the table of report.md, and where the report is.</summary>
    internal static void PrintSummary(TextWriter stdout, NightlyRunner.Outcome outcome, string outDir)
    {
        var markdown = NightlyReport.Markdown(outcome.Report, outcome.Judged);
        foreach (var line in markdown.Split('\n').TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            stdout.WriteLine(line);
        }

        stdout.WriteLine($"report: {CliFiles.Display(Path.Combine(outDir, "report.md"))} (also report.json, junit.xml, files/)");
    }

    /// <summary>The work of the checkers named in <paramref name="text"/> (comma-separated, or all).</summary>
    internal static NightlyWork WorkFor(string text)
    {
        var work = new NightlyWork();
        if (text == "all")
        {
            return work;
        }

        var chosen = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var c in chosen)
        {
            if (!Checkers.All.Contains(c))
            {
                throw new UsageException($"--checkers: unknown checker '{c}'; checkers: {string.Join(", ", Checkers.All)}, or all");
            }
        }

        return chosen.Length == 0
            ? throw new UsageException("--checkers needs at least one checker, or all")
            : work with { Shares = work.Shares.Where(p => chosen.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal) };
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
            var design = Designs.All.FirstOrDefault(d => d.Name() == name);
            if (design.Name() != name)
            {
                throw new UsageException("--designs: " + CliOptions.UnknownDesign(name));
            }

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
        var bad = false;
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
                bad = true;
                break;
            }

            total += TimeSpan.FromSeconds((double)number * unit);
            number = 0;
            digits = 0;
        }

        if (bad || digits != 0 || total <= TimeSpan.Zero)
        {
            throw new UsageException($"{flag} takes a positive duration such as 90s, 2m, 1h or 1h30m, got '{text}'");
        }

        return total;
    }
}
