using System.Globalization;
using Harness.Checking.Mutation;

namespace Harness.Explorer;

/// <summary><c>harness mutants</c>: the harness's own bug-finding power, measured on the mutant corpus.</summary>
public static class MutantsCommand
{
    /// <summary>The command's --help text.</summary>
    internal const string Help = """
        usage: harness mutants [--budget DURATION] [--only ID] [--out DIR] [--sequences N] [--executions N]
                               [--checkers LIST] [--repo DIR] [--keep-scratch]

        Copies the repository to a temporary directory, and for each mutant of the corpus (mutants/index.json: a small
        patch against the implementation that stands for a real bug) applies it there, builds the copy, runs each
        checker of the copy as a child process, and reverts it. The checkers: unit (the impl unit tests), replay (the
        saved scenarios in lockstep), conform-sim and conform-real (generated conformance, one agent and one role, then
        two roles sharing an id, then two agents on sim), interleave (Coyote on target-incarnation). Writes the kill
        table (mutant x checker: killed with the time it took, or survived) as kill-table.md and result.json under
        --out. Mutants no generative checker killed are listed first, with the reason established for each.

        options:
          --budget DURATION   time limit of one checker process, e.g. 90s, 3m (default 3m)
          --only ID           run one mutant
          --out DIR           where the table, the result and the logs go (default out/mutants)
          --sequences N       generated sequences per conformance run (default 300)
          --executions N      Coyote executions per interleaving run (default 300)
          --checkers LIST     comma-separated subset of unit, replay, conform-sim, conform-real, interleave
          --repo DIR          the repository to copy (default: the one holding the current directory)
          --keep-scratch      keep the scratch copy (to look at a mutant that does not build)

        Exit codes: 0 every mutant was killed by a generative checker, 1 some mutant was not, 2 bad usage.
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(ArgReader args, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var budget = ParseDuration(args.Option("--budget", "3m")!);
        var only = args.Option("--only");
        var outDir = args.Option("--out") ?? Path.Combine("out", "mutants");
        var sequences = args.Number("--sequences", 300, 1, 1_000_000);
        var executions = args.Number("--executions", 300, 1, 10_000_000);
        var checkers = args.Option("--checkers")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var repo = args.Option("--repo") ?? FindRepository(Directory.GetCurrentDirectory());
        var keep = args.Flag("--keep-scratch");
        args.End();
        if (!File.Exists(Path.Combine(repo, "Harness.sln")))
        {
            throw new UsageException($"'{repo}' is not the harness repository (no Harness.sln)");
        }

        foreach (var c in checkers ?? [])
        {
            if (!MutationRunner.Checkers.Contains(c))
            {
                throw new UsageException($"unknown checker '{c}'; known: {string.Join(", ", MutationRunner.Checkers)}");
            }
        }

        Cli.EnsureDirectory(outDir);
        var report = MutationRunner.Run(new MutationOptions
        {
            RepositoryRoot = Path.GetFullPath(repo),
            OutputDirectory = Path.GetFullPath(outDir),
            Only = only,
            Budget = budget,
            Sequences = sequences,
            Executions = executions,
            Checkers = checkers,
            KeepScratch = keep,
            Progress = line =>
            {
                stdout.WriteLine(line);
                stdout.Flush();
            },
            Partial = partial =>
            {
                Cli.WriteFile(Path.Combine(outDir, "kill-table.md"), KillTable.Markdown(partial));
                Cli.WriteFile(Path.Combine(outDir, "result.json"), KillTable.Result(partial).ToJson());
            },
        });
        var table = KillTable.Markdown(report);
        Cli.WriteFile(Path.Combine(outDir, "kill-table.md"), table);
        Cli.WriteFile(Path.Combine(outDir, "result.json"), KillTable.Result(report).ToJson());
        stdout.WriteLine();
        stdout.Write(table);
        stdout.WriteLine($"kill table: {Path.Combine(outDir, "kill-table.md")}");
        return report.Passed ? Cli.Ok : Cli.Violated;
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

        throw new UsageException("run harness mutants inside the repository, or name it with --repo DIR");
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
