using System.Globalization;
using System.Text.Json;
using Harness.Checking;
using Harness.Checking.Generation;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness conform</c>: generated (and optionally exhaustive) scenarios in lockstep on the model and the implementation.</summary>
public static class ConformCommand
{
    /// <summary>The command's --help text.</summary>
    internal const string Help = """
        usage: harness conform --design <keep-going|partial-exit|target|target-incarnation> [--disk sim|real]
                               [--sequences N] [--max-length N] [--agents N] [--roles N] [--seed S]
                               [--exhaustive-depth N]
                               [--json FILE] [--out DIR]

        Generates scenarios by walking the model (FsCheck generators biased towards the windows W1-W4) and runs
        each in lockstep on the model and the implementation. A divergence, or a property one side reports and the
        other does not, is a bug of one side; a property both sides report is a violation of the design. The first
        divergence and the first violation of each property are shrunk to a minimal valid scenario, written under
        --out (default: the temporary directory) with the command that replays it.

        options:
          --disk sim              the agents on simulated disks (default): crashes, power losses, writeback
          --disk real             the agents on the real disk, a fresh temporary directory per scenario
          --sequences N           generated scenarios to run (default 200)
          --max-length N          most model actions per scenario (default 30)
          --agents N              agents in the generated scenarios, 1 or 2 (default 1)
          --roles N               roles in the generated scenarios, 1 or 2 (default 1); the exhaustive
                                  sequences use one agent and one role
          --seed S                root seed (default 20240611): the same seed gives the same scenarios
          --exhaustive-depth N    also run every model-state-distinct action sequence up to depth N
          --json FILE             write the result: divergences and violations apart, each with its lines
          --out DIR               where minimal scenarios are written

        Exit codes: 0 the implementation matches the model and no property is violated, 1 otherwise,
        2 bad usage.
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(ArgReader args, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var designs = Cli.ParseDesigns(args.Option("--design"));
        if (designs.Count != 1)
        {
            throw new UsageException("conform runs one design at a time");
        }

        var disk = args.Option("--disk", "sim") switch
        {
            "sim" => DiskKind.Simulated,
            "real" => DiskKind.Real,
            var other => throw new UsageException($"--disk must be sim or real, got '{other}'"),
        };
        var sequences = args.Number("--sequences", 200, 0, 10_000_000);
        var maxLength = args.Number("--max-length", 30, 1, 200);
        var agents = args.Number("--agents", 1, 1, 2);
        var roles = args.Number("--roles", 1, 1, 2);
        var ids = args.Number("--ids", 2, 1, 3);
        var seedText = args.Option("--seed", ConformOptions.DefaultSeed.ToString(CultureInfo.InvariantCulture))!;
        if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
        {
            throw new UsageException($"--seed must be a whole number, got '{seedText}'");
        }

        var depth = args.Number("--exhaustive-depth", 0, 0, 12);
        var json = args.Option("--json");
        var outDir = args.Option("--out") ?? Path.Combine(Path.GetTempPath(), "harness-conform");
        Cli.EnsureDirectory(outDir);
        args.End();

        var options = new ConformOptions
        {
            Design = designs[0], Disk = disk, Sequences = sequences, MaxLength = maxLength, Agents = agents, Roles = roles, Ids = ids, Seed = seed,
            ExhaustiveDepth = depth,
        };
        var result = ConformanceChecker.Run(options);
        stdout.Write(ConformReport.Text(result));
        var files = new Dictionary<Finding, string>();
        if (!result.Passed)
        {
            var n = 0;
            foreach (var f in result.Divergences.Concat(result.Violations))
            {
                var kind = f.Kind == FindingKind.Divergence ? "divergence" : string.Join('-', f.Properties.Select(p => p.Name()));
                var path = Path.Combine(outDir, string.Create(CultureInfo.InvariantCulture, $"{designs[0].Name()}-{kind}-{++n}.scenario"));
                Cli.WriteFile(path, $"# {f.Summary}\n# {f.Origin}\n{f.Minimal.Format()}");
                files[f] = path;
                stdout.WriteLine($"replay: harness replay {path} --design {designs[0].Name()} --disk {(disk == DiskKind.Simulated ? "sim" : "real --work-dir DIR")}");
            }
        }

        if (json is not null)
        {
            Cli.WriteFile(json, JsonSerializer.Serialize(ToJson(result, files), Cli.Json));
        }

        return result.Passed ? Cli.Ok : Cli.Violated;
    }

    private static object ToJson(ConformResult r, Dictionary<Finding, string> files) => new
    {
        design = r.Options.Design.Name(),
        disk = r.Options.Disk == DiskKind.Simulated ? "sim" : "real",
        seed = r.Options.Seed,
        sequences = r.Sequences,
        exhaustiveSequences = r.ExhaustiveSequences,
        lines = r.Lines,
        seconds = r.Seconds,
        windows = WindowClassifier.All.ToDictionary(w => w.ToString(), w => r.HitRate(w)),
        inputs = r.InputKindHits,
        passed = r.Passed,
        divergences = r.Divergences.Select(f => Finding(f, files)).ToList(),
        violations = r.Violations.Select(f => Finding(f, files)).ToList(),
    };

    private static object Finding(Finding f, Dictionary<Finding, string> files) => new
    {
        summary = f.Summary,
        properties = f.Properties.Select(p => p.Name()).ToList(),
        origin = f.Origin,
        originalLines = f.OriginalLines,
        lines = f.Minimal.Commands.Select(c => c.ToString()).ToList(),
        file = files.GetValueOrDefault(f),
    };
}
