using System.Globalization;
using System.Text.Json;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;

namespace Harness.Explorer;

/// <summary><c>harness interleave</c>: Coyote-controlled interleavings of the real master, agent, frameworks and faults.</summary>
public static class InterleaveCommand
{
    /// <summary>The command's --help text.</summary>
    internal const string Help = """
        usage: harness interleave --design <keep-going|partial-exit|target|target-incarnation> [options]

        Runs the implementation's master and agent with frameworks, connections and a fault injector as Coyote actors,
        exploring their interleavings and the faults, and checks fresh-volume, no-data-loss, atomic-checkpoint,
        recover-before-register and convergence. A bug prints its text and the command that replays it.

        options:
          --iterations N      executions to explore (default 1000)
          --time DURATION     explore for a while instead, e.g. 30s, 5m, 1h
          --strategy S        random, pct, probabilistic, prioritization (default) or portfolio
          --seed S            root seed (default 0)
          --seeds N           explore N independent seeds derived from S and print the median executions and
                              seconds to the first bug
          --parallel N        Coyote engines side by side, each with its own seed and share of the iterations;
                              0 = one per core (default 1). The bug reported is the lowest-numbered engine's.
          --faults LIST       comma-separated: mkdir, rmdir, write, rename, io, crash, power-loss, break-link,
                              late-notice, all (default), none
          --fault-budget N    faults per execution (default 2)
          --frameworks N      framework actors (default 1)
          --ids N             persistence ids they share (default 1)
          --ops N             operations per framework (default 6)
          --properties LIST   properties to check (default all)
          --out DIR           where Coyote's reports (.txt, .trace, .trace.dgml) go (default interleave-out)
          --json FILE         also write the result as JSON
          --replay TRACE      replay a saved .trace with the same options instead of exploring
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(ArgReader args, TextWriter stdout) => Run(args, stdout, narration: null);

    /// <summary>Runs the command, collecting the readable steps of the executions into <paramref name="narration"/>.</summary>
    public static int Run(ArgReader args, TextWriter stdout, IList<string>? narration)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var designName = args.Option("--design") ?? throw new UsageException("--design is required (keep-going, partial-exit, target or target-incarnation)");
        var iterations = args.Number("--iterations", 1000, 1, int.MaxValue);
        var time = args.Option("--time");
        var strategy = args.Option("--strategy", "prioritization")!;
        var seed = args.Seed("--seed", 0);
        var seeds = args.Number("--seeds", 1, 1, 10_000);
        var parallel = args.Number("--parallel", 1, 0, 256);
        var faults = args.Option("--faults", "all")!;
        var options = new InterleavingOptions
        {
            FaultBudget = args.Number("--fault-budget", 2, 0, 20),
            Frameworks = args.Number("--frameworks", 1, 1, 4),
            Ids = args.Number("--ids", 1, 1, 4),
            OperationsPerFramework = args.Number("--ops", 6, 0, 50),
        };
        var properties = args.Option("--properties");
        var outDir = args.Option("--out", "interleave-out")!;
        var json = args.Option("--json");
        var replay = args.Option("--replay");
        args.End();

        AgentDesign design;
        try
        {
            design = AgentDesign.Parse(designName);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Split(" (Parameter")[0]);
        }

        options = options with
        {
            Design = design,
            Faults = FaultKindNames.Parse(faults),
            Properties = properties is null ? options.Properties : ParseProperties(properties),
            Narration = narration,
        };
        var settings = new ExplorationSettings
        {
            Strategy = ExplorationSettings.ParseStrategy(strategy),
            Seed = seed,
            Iterations = iterations,
            Time = time is null ? null : ParseDuration(time),
            Parallel = parallel == 0 ? Environment.ProcessorCount : parallel,
        };

        if (seeds > 1)
        {
            if (settings.Parallel > 1)
            {
                throw new UsageException("--seeds measures one engine per seed; it does not combine with --parallel");
            }

            return RunSeeds(options, settings, seeds, stdout);
        }

        var name = $"{design.Name()}-{ExplorationSettings.StrategyName(settings.Strategy)}-{seed.ToString(CultureInfo.InvariantCulture)}";
        Cli.EnsureDirectory(outDir);
        var result = replay is null
            ? InterleavingExplorer.Explore(options, settings, outDir, name)
            : ReplayTrace(options, replay, outDir, name + "-replay");
        stdout.WriteLine($"interleave {options.ToArguments()} --strategy {ExplorationSettings.StrategyName(settings.Strategy)} --seed {seed.ToString(CultureInfo.InvariantCulture)}");
        stdout.WriteLine(InterleavingExplorer.Summary(result));
        string? tracePath = null;
        if (result.BugFound)
        {
            tracePath = result.ReportFiles.FirstOrDefault(f => f.EndsWith(".trace", StringComparison.Ordinal));
            if (tracePath is null && result.Trace is not null)
            {
                tracePath = Path.Combine(outDir, name + ".trace");
                Cli.WriteFile(tracePath, result.Trace);
            }

            foreach (var file in result.ReportFiles)
            {
                stdout.WriteLine($"report: {file}");
            }

            if (tracePath is not null)
            {
                // The schedule only replays with the options it was explored with: keep them beside the trace.
                Cli.WriteFile(tracePath + ".args", options.ToArguments() + "\n");
                stdout.WriteLine($"replay with: {InterleavingExplorer.ReplayCommand(options, tracePath)}");
                stdout.WriteLine($"        or: harness replay {tracePath} (readable steps)");
            }
        }

        if (json is not null)
        {
            Cli.WriteFile(json, JsonSerializer.Serialize(
                new
                {
                    design = design.Name(),
                    strategy = ExplorationSettings.StrategyName(settings.Strategy),
                    seed,
                    faults = FaultKindNames.Format(options.Faults),
                    bugFound = result.BugFound,
                    property = result.Property,
                    bug = result.BugText,
                    iterations = result.Iterations,
                    seconds = result.Elapsed.TotalSeconds,
                    engines = settings.Parallel,
                    schedulingSteps = result.SchedulingSteps,
                    trace = tracePath,
                },
                Cli.Json));
        }

        return result.BugFound ? Cli.Violated : Cli.Ok;
    }

    private static int RunSeeds(InterleavingOptions options, ExplorationSettings settings, int seeds, TextWriter stdout)
    {
        var found = new List<InterleavingResult>();
        for (var i = 0; i < seeds; i++)
        {
            // Coyote's random generator advances its seed by one per execution, so neighbouring root seeds draw
            // overlapping random streams and are not independent samples; spread seeds are.
            var seed = InterleavingExplorer.SpreadSeed(settings.Seed, i);
            var result = InterleavingExplorer.Explore(options, settings with { Seed = seed });
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed}: {InterleavingExplorer.Summary(result)}"));
            if (result.BugFound)
            {
                found.Add(result);
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        stdout.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{options.Design.Name()} {ExplorationSettings.StrategyName(settings.Strategy)}: bug in {found.Count}/{seeds} seeds; median to first bug {Median(found.Select(r => (double)r.Iterations))} executions, {Median(found.Select(r => r.Elapsed.TotalSeconds)):F2}s"));
        return found.Count > 0 ? Cli.Violated : Cli.Ok;
    }

    private static HashSet<string> ParseProperties(string list)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!ClusterProperties.All.Contains(name))
            {
                throw new UsageException($"unknown property '{name}'; valid properties: {string.Join(", ", ClusterProperties.All)}");
            }

            set.Add(name);
        }

        return set;
    }

    private static TimeSpan ParseDuration(string text)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        if (scale == 0 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            throw new UsageException($"--time takes a positive duration such as 30s, 5m or 1h, got '{text}'");
        }

        return TimeSpan.FromSeconds((double)amount * scale);
    }

    private static InterleavingResult ReplayTrace(InterleavingOptions options, string path, string outDir, string name)
    {
        var trace = ReadTrace(path);
        try
        {
            return InterleavingExplorer.Replay(options, trace, outDir, name);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or KeyNotFoundException or FormatException)
        {
            // Coyote reads the schedule without validating it: a trace it did not write fails somewhere inside.
            throw new UsageException($"cannot replay trace '{path}': it is not a schedule Coyote wrote for these options ({e.GetType().Name})");
        }
    }

    /// <summary>Reads a Coyote trace, refusing one that is not the JSON Coyote writes.</summary>
    private static string ReadTrace(string path)
    {
        var text = Cli.ReadFile(path);
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new UsageException($"cannot read trace '{path}': not a Coyote trace (expected a JSON object)");
            }
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new UsageException($"cannot read trace '{path}': not a Coyote trace ({e.Message})");
        }

        return text;
    }
}
