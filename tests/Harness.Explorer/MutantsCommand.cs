using System.CommandLine;
using System.Globalization;
using Harness.Checking.Mutation;
using Harness.Checking.Results;

namespace Harness.Explorer;

/// <summary><c>harness mutants</c>: the harness's own bug-finding power, measured on the mutant corpus.</summary>
public static class MutantsCommand
{
    private const string DefaultBudget = "3m";

    private static readonly string DefaultOut = Path.Combine("out", "mutants");

    /// <summary>Declares the command and binds its action to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var budget = CliOptions.Text("--budget", "DURATION", "time limit of one checker process, e.g. 90s, 3m (default 3m)");
        var only = CliOptions.Text("--only", "ID", "run one mutant of the corpus");
        var outDir = CliOptions.Text("--out", "DIR", "where the kill table, the result and the logs go (default out/mutants)");
        var sequences = CliOptions.Number("--sequences", 300, 1, 1_000_000, "generated sequences per conformance run");
        var executions = CliOptions.Number("--executions", 300, 1, 10_000_000, "Coyote executions per interleaving run");
        var depth = CliOptions.Number("--exhaustive-depth", MutationRunner.DefaultExhaustiveDepth, 1, 12, "depth of the exhaustive checker (every model-state-distinct sequence up to it)");
        var checkers = CliOptions.Text("--checkers", "LIST", $"comma-separated subset of {string.Join(", ", MutationRunner.Checkers)}");
        var repo = CliOptions.Text("--repo", "DIR", "the repository to copy (default: the one holding the current directory)");
        var keep = CliOptions.Flag("--keep-scratch", "keep the scratch copy (to look at a mutant that does not build)");
        var list = CliOptions.Flag("--list", "print the corpus (or the --only mutant): id, area, designs and the bug it stands for; run nothing");
        var command = new Command("mutants", "Measure what the checkers catch. Copies the repository to a temporary directory and, for each mutant " +
            "of the corpus (mutants/index.json: a small patch against the implementation standing for a real bug), applies it there, rebuilds " +
            "the implementation, runs each checker of the copy as a child process (unit: the impl unit tests; replay: the saved scenarios in " +
            "lockstep; exhaustive: every model-state-distinct sequence up to --exhaustive-depth in lockstep on the simulated disk; conform-sim and conform-real: generated conformance, one agent and one role, then two roles sharing an id, then two " +
            "agents on sim; interleave: Coyote on target-incarnation), and reverts it. Writes the kill table (killed with the time it took, or " +
            "survived) as kill-table.md and result.json; mutants no generative checker (exhaustive, conformance, Coyote) killed come first, with " +
            "the reason established for each. Exit codes: 0 every mutant was killed by a generative checker, 1 some mutant was not.")
        {
            budget, only, outDir, sequences, executions, depth, checkers, repo, keep, list,
        };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(repo) ?? FindRepository(Directory.GetCurrentDirectory());
            if (!File.Exists(Path.Combine(root, "Harness.sln")))
            {
                throw new UsageException($"--repo: '{root}' is not the harness repository (no Harness.sln)");
            }

            var chosen = parse.GetValue(checkers)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var c in chosen ?? [])
            {
                if (!MutationRunner.Checkers.Contains(c))
                {
                    throw new UsageException($"--checkers: unknown checker '{c}'; checkers: {string.Join(", ", MutationRunner.Checkers)}");
                }
            }

            var corpus = MutantCorpus.Load(Path.Combine(root, "mutants"));
            var id = parse.GetValue(only);
            if (id is not null && corpus.Mutants.All(m => m.Id != id))
            {
                throw new UsageException($"--only: no mutant '{id}' in mutants/index.json");
            }

            var runBudget = ParseDuration(parse.GetValue(budget) ?? DefaultBudget);
            if (parse.GetValue(list))
            {
                foreach (var m in corpus.Mutants.Where(m => id is null || m.Id == id))
                {
                    context.Out.WriteLine($"{m.Id}  [{m.Area}; {string.Join(", ", m.Designs)}]  {m.Bug}");
                }

                return Cli.Ok;
            }

            var outArg = parse.GetValue(outDir) ?? DefaultOut;
            var dir = CliFiles.EnsureDirectory(outArg, "--out");
            var recorded = CliOptions.Record(parse);

            recorded["command"] = Again(parse);
            void Write(MutationReport report)
            {
                CliFiles.WriteFile(Path.Combine(dir, "kill-table.md"), KillTable.Markdown(report));
                CliFiles.WriteResult(Path.Combine(dir, "result.json"), KillTable.Result(report, recorded.DeepClone().AsObject()));
            }

            var stdout = context.Out;
            var final = MutationRunner.Run(new MutationOptions
            {
                RepositoryRoot = Path.GetFullPath(root),
                OutputDirectory = dir,
                Only = id,
                Budget = runBudget,
                Sequences = parse.GetValue(sequences),
                Executions = parse.GetValue(executions),
                ExhaustiveDepth = parse.GetValue(depth),
                Checkers = chosen,
                KeepScratch = parse.GetValue(keep),
                Progress = line =>
                {
                    stdout.WriteLine(line);
                    stdout.Flush();
                },
                Partial = Write,
            });
            Write(final);
            stdout.WriteLine();
            stdout.Write(KillTable.Markdown(final));
            stdout.WriteLine($"kill table: {CliFiles.Display(Path.Combine(dir, "kill-table.md"))}");
            return final.Passed ? Cli.Ok : Cli.Violated;
        });
        return command;
    }

    /// <summary>
    /// The line that runs this measurement again, for the reports that quote it (the nightly's Bug-finding power): every
    /// option given, as given, with the budget and the output directory spelled out; not the flags that change nothing
    /// measured (<c>--keep-scratch</c>) or that measure nothing (<c>--list</c>).
    /// </summary>
    public static string Again(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var again = new List<string> { "mutants" };
        foreach (var option in parse.CommandResult.Command.Options.Where(o => o.Name is not ("--keep-scratch" or "--list" or "--help")))
        {
            if (parse.GetResult(option) is { Implicit: false } given)
            {
                again.AddRange([option.Name, .. given.Tokens.Select(t => t.Value)]);
            }
            else if (option.Name is "--budget" or "--out")
            {
                again.AddRange([option.Name, option.Name == "--budget" ? DefaultBudget : DefaultOut]);
            }
        }

        return HarnessCommand.Line([.. again]);
    }

    private static string FindRepository(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Harness.sln")))
            {
                return dir.FullName;
            }
        }

        throw new UsageException("run mutants inside the repository, or name it with --repo DIR");
    }

    private static TimeSpan ParseDuration(string text)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        if (scale == 0 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            throw new UsageException($"--budget takes a positive duration such as 90s or 3m, got '{text}'");
        }

        return TimeSpan.FromSeconds((double)amount * scale);
    }
}
