using System.CommandLine;
using System.Globalization;
using Harness.Checking.ModelChecking;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness model-check</c>: exhaustive breadth-first exploration of the reference model.</summary>
public static class ModelCheckCommand
{
    private static readonly string[] LockstepFlags = ["--disk", "sim"];

    /// <summary>Declares the command and binds its action to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var design = CliOptions.Design(allowAll: true, "the agent design, or 'all' for the designs x properties table");
        var agents = CliOptions.Number("--agents", 1, 1, 3, "agents");
        var roles = CliOptions.Number("--roles", 1, 1, 3, "roles");
        var ids = CliOptions.Number("--ids", 2, 1, 4, "persistence ids per role");
        var ops = CliOptions.Number("--ops", 4, 0, 30, "framework operations in all");
        var ioErrors = CliOptions.Number("--io-errors", 1, 0, 30, "failed mkdir/rmdir/write/rename");
        var crashes = CliOptions.Number("--crashes", 1, 0, 30, "agent crashes");
        var powerLosses = CliOptions.Number("--power-losses", 1, 0, 30, "power losses");
        var linkBreaks = CliOptions.Number("--link-breaks", 1, 0, 30, "broken connections");
        var failovers = CliOptions.Number("--failovers", 0, 0, 30, "master failovers (the master forgets its views and adopts what agents report)");
        var maxStates = CliOptions.Number("--max-states", DefaultMaxStates, 1, int.MaxValue - 2,
            "stop after N distinct states; verdicts then read 'holds so far' and the result is incomplete");
        var noReduction = CliOptions.Flag("--no-reduction", "explore every transition, also those the sound reductions leave out");
        var noSymmetry = CliOptions.Flag("--no-symmetry", "store every state, not one per class of states that differ only in agent order and incarnation numbers");
        var threads = CliOptions.Number("--threads", new CheckOptions().Threads, 1, 64, "threads that expand states (the same states, verdicts and traces for any number)");
        var store = CliOptions.Choice("--store", "exact", ["exact", "hash-compaction"],
            "how states are remembered: exact, or a 64-bit fingerprint each (less memory; a state may be missed, with the probability printed)");
        var spillDir = CliOptions.Text("--spill-dir", "DIR",
            "where the parent links and the fault-free transitions go while the search runs, read back only at the end " +
            "(default: the system's temporary directory; the files are removed when the run ends)");
        var noSpill = CliOptions.Flag("--no-spill", "keep the parent links and the fault-free transitions in memory");
        var noTraces = CliOptions.Flag("--no-traces", "print the verdicts only");
        var progress = CliOptions.Flag("--progress", "print a line per breadth-first level (depth, states, transitions, states/s, the search's memory by part)");
        var json = CliOptions.Text("--json", "FILE", "also write the result document (docs/harness-result.schema.json) to FILE");
        var outDir = CliOptions.Text("--out", "DIR", "where each counterexample is written as a scenario (default out/model-check-<design>)");
        var command = new Command("model-check", "Explore every reachable state of the reference model within the bounds and decide each property; " +
            "print the shortest trace of every violation as scenario lines, each saved with the command that replays it.")
        {
            design, agents, roles, ids, ops, ioErrors, crashes, powerLosses, linkBreaks, failovers, maxStates, noReduction, noSymmetry, threads, store, spillDir, noSpill,
            noTraces, progress, json, outDir,
        };
        CliOptions.Require(command, design, CliOptions.DesignRequired(allowAll: true));
        CliOptions.Conflict(command, spillDir, noSpill, "--spill-dir says where to spill, --no-spill not to spill; give one");
        command.SetAction(parse =>
        {
            var bounds = new Bounds
            {
                Agents = parse.GetValue(agents),
                Roles = parse.GetValue(roles),
                Ids = parse.GetValue(ids),
                Operations = parse.GetValue(ops),
                IoErrors = parse.GetValue(ioErrors),
                Crashes = parse.GetValue(crashes),
                PowerLosses = parse.GetValue(powerLosses),
                LinkBreaks = parse.GetValue(linkBreaks),
                Failovers = parse.GetValue(failovers),
            };
            var designs = parse.GetValue(design)!;
            var designName = designs.Count == 1 ? designs[0].Name() : "all";
            return Run(context, new ModelCheckRun(designs, designName, bounds, parse.GetValue(maxStates),
                parse.GetValue(noReduction) ? Reductions.None : Reductions.All,
                new EngineChoice(!parse.GetValue(noSymmetry), parse.GetValue(threads), parse.GetValue(store) == "hash-compaction" ? StoreKind.HashCompaction : StoreKind.Exact,
                    parse.GetValue(noSpill) ? null : parse.GetValue(spillDir) ?? string.Empty),
                !parse.GetValue(noTraces), parse.GetValue(progress),
                parse.GetValue(json), parse.GetValue(outDir) ?? CliFiles.DefaultOut("model-check", designName), CliOptions.Record(parse)));
        });
        return command;
    }

    /// <summary>Checks that <paramref name="bounds"/> fit the packed state, saying which flags to lower when they do not.</summary>
    public static void CheckBounds(Bounds bounds)
    {
        try
        {
            _ = new Layout(bounds);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UsageException($"{e.Message.Split(" (Parameter", 2)[0]}: lower --agents, --roles, --ids or --ops", e);
        }
    }

    private static int Run(CliContext context, ModelCheckRun run)
    {
        var stdout = context.Out;
        CheckBounds(run.Bounds);
        var outDir = CliFiles.EnsureDirectory(run.OutDir, "--out");
        if (run.Json is not null)
        {
            CliFiles.CheckWritableFile(run.Json, "--json");
        }
        var started = DateTimeOffset.UtcNow;
        var results = new List<CheckResult>();
        using var spill = OpenSpill(run.Engine.SpillDir);
        foreach (var design in run.Designs)
        {
            if (context.Cancellation.IsCancellationRequested)
            {
                break;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            Action<SearchProgress>? report = run.Progress
                ? p => stdout.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{design.Name()}: depth {p.Depth}, {p.States:N0} states, {p.Transitions:N0} transitions, {p.States / Math.Max(1e-9, clock.Elapsed.TotalSeconds):N0} states/s, memory {p.Memory}"))
                : null;
            results.Add(ModelChecker.Check(design, run.Bounds, new CheckOptions
            {
                MaxStates = run.MaxStates, Reductions = run.Reductions, Progress = report, Cancellation = context.Cancellation,
                Symmetry = run.Engine.Symmetry, Threads = run.Engine.Threads, Store = run.Engine.Store, Spill = spill,
            }));
        }

        var interrupted = context.Cancellation.IsCancellationRequested;
        stdout.WriteLine($"model-check {run.DesignName} ({run.Bounds}; reductions: {run.Reductions.ToString().ToLowerInvariant()}; " +
                         $"symmetry: {(run.Engine.Symmetry ? "on" : "off")}; store: {StoreName(run.Engine.Store)}; threads: {run.Engine.Threads}; " +
                         $"parents and edges: {(spill is null ? "in memory" : "spilled to temporary files")})");
        stdout.WriteLine();
        WriteTable(stdout, results);
        if (interrupted)
        {
            stdout.WriteLine($"interrupted: {results.Count} of {Plural.Of(run.Designs.Count, "design", "designs")} started, the last one stopped early; verdicts read 'holds so far'");
        }

        // Print every finding first: writing the files afterwards can fail (a full disk) without losing what was found.
        var findings = new List<Finding>();
        var files = new List<(string Path, string Text)>();
        foreach (var r in results)
        {
            foreach (var v in r.Violations)
            {
                if (run.Traces)
                {
                    TraceWriter.Write(stdout, r.Design, v);
                }

                var path = Path.Combine(outDir, $"{r.Design.Name()}-{v.Property.Name()}.scenario");
                var lines = v.Steps.SelectMany(s => s.Lines).Select(l => l.ToString()).ToList();
                // Convergence is decided by driving the cluster to rest after the last line, which the lockstep replay does.
                var replay = HarnessCommand.Line(["replay", CliFiles.Display(path), "--design", r.Design.Name(), .. v.Property == PropertyId.Convergence ? LockstepFlags : []]);
                files.Add((path, $"# {r.Design.Name()}: {v.Property.Name()} violated ({v.Explanation})\n# found by: {HarnessCommand.Line(["model-check", "--design", r.Design.Name(), .. BoundFlags(run.Bounds), .. SearchFlags(run)])}\n" +
                    string.Join('\n', lines) + "\n"));
                findings.Add(new Finding
                {
                    Kind = FindingKind.Violation,
                    Design = r.Design.Name(),
                    Checker = "model-check",
                    Properties = [v.Property.Name()],
                    Summary = $"{v.Property.Name()} violated in {Plural.Of(v.Steps.Count, "step", "steps")}: {v.Explanation}",
                    Steps = lines,
                    Files = [CliFiles.Display(path)],
                    Replay = replay,
                });
            }
        }

        var code = interrupted ? Cli.Interrupted : findings.Count > 0 ? Cli.Violated : Cli.Ok;
        var result = new HarnessResult
        {
            Command = "model-check",
            Designs = [.. run.Designs.Select(d => d.Name())],
            Options = run.Options,
            StartedAt = started,
            Seconds = results.Sum(r => r.Seconds),
            Complete = !interrupted && results.All(r => r.Complete),
            Incomplete = interrupted ? "interrupted" : !results.All(r => r.Complete) ? "--max-states reached"
                : run.Engine.Store == StoreKind.HashCompaction ? Omission(results) : null,
            ExitCode = code,
            Coverage = [.. results.Select(r => new Coverage
            {
                Checker = "model-check",
                Design = r.Design.Name(),
                Bound = string.Join(' ', BoundFlags(run.Bounds)),
                States = r.States,
                Transitions = r.Transitions,
                Depth = r.Depth,
                Seconds = r.Seconds,
                Complete = r.Complete,
            })],
            Verdicts = [.. results.SelectMany(r => Properties.All.Select(p => new Verdict(r.Design.Name(), p.Name(), "model-check",
                p == PropertyId.Confinement ? VerdictValue.NotChecked
                : !r.Holds(p) ? VerdictValue.Violated
                : r.Complete && r.Store == StoreKind.Exact ? VerdictValue.Holds : VerdictValue.HoldsSoFar)))],
            Findings = findings,
        };
        foreach (var (path, text) in files)
        {
            CliFiles.WriteFile(path, text);
        }

        foreach (var f in findings)
        {
            stdout.WriteLine($"replay {f.Design} {f.Properties[0]}: {f.Replay}");
        }

        CliFiles.WriteResult(Path.Combine(outDir, "result.json"), result);
        if (run.Json is not null)
        {
            CliFiles.WriteResult(run.Json, result);
        }

        return code;
    }

    /// <summary>The temporary files for the search's spill, or null to keep everything in memory.</summary>
    private static TempFileSpill? OpenSpill(string? dir)
    {
        if (dir is null)
        {
            return null;
        }

        var parent = dir.Length == 0 ? null : CliFiles.EnsureDirectory(dir, "--spill-dir");
        try
        {
            return new TempFileSpill(parent);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var where = parent ?? Path.GetTempPath();
            throw new UsageException($"cannot create the spill directory in '{where}' (give --spill-dir DIR or --no-spill): {(e is UnauthorizedAccessException ? "permission denied" : e.Message.Split(" : ", 2)[0])}", e);
        }
    }

    private static string StoreName(StoreKind store) => store == StoreKind.Exact ? "exact" : "hash-compaction";

    private static string Omission(IReadOnlyList<CheckResult> results) => string.Create(
        CultureInfo.InvariantCulture,
        $"hash compaction: a state may have been missed, probability about {results.Select(r => r.OmissionProbability).DefaultIfEmpty(0).Max():G2} (TLC's estimate); 'holds' is not a proof");

    /// <summary>The bounds as the flags that reproduce them.</summary>
    public static string[] BoundFlags(Bounds bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        return Harness.Checking.Nightly.NightlyModelCheck.Flags(bounds).Split(' ');
    }

    /// <summary>The flags, other than the defaults, that shaped the search: its cap, its reductions and its store.</summary>
    private static string[] SearchFlags(ModelCheckRun run) =>
    [
        .. run.MaxStates != DefaultMaxStates ? ["--max-states", run.MaxStates.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
        .. run.Reductions == Reductions.None ? ["--no-reduction"] : Array.Empty<string>(),
        .. run.Engine.Symmetry ? Array.Empty<string>() : ["--no-symmetry"],
        .. run.Engine.Store == StoreKind.Exact ? Array.Empty<string>() : ["--store", StoreName(run.Engine.Store)],
    ];

    private const int DefaultMaxStates = 100_000_000;

    /// <summary>The designs x properties table with the search's figures.</summary>
    public static void WriteTable(TextWriter w, IReadOnlyList<CheckResult> results)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(results);
        var columns = Properties.All.Select(p => p.Name()).ToList();
        var header = new List<string> { "design" };
        header.AddRange(columns);
        header.AddRange(["states", "transitions", "depth", "seconds"]);
        var rows = new List<List<string>> { header };
        foreach (var r in results)
        {
            var row = new List<string> { r.Design.Name() };
            foreach (var p in Properties.All)
            {
                row.Add(p == PropertyId.Confinement
                    ? "n/a"
                    : r.ViolationOf(p) is { } v ? $"VIOLATED ({v.Steps.Count})" : r.Complete && r.Store == StoreKind.Exact ? "holds" : "holds so far");
            }

            row.Add(r.States.ToString("N0", CultureInfo.InvariantCulture));
            row.Add(r.Transitions.ToString("N0", CultureInfo.InvariantCulture));
            row.Add(r.Depth.ToString(CultureInfo.InvariantCulture));
            row.Add(r.Seconds.ToString("F2", CultureInfo.InvariantCulture));
            rows.Add(row);
        }

        var widths = Enumerable.Range(0, header.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            w.WriteLine("| " + string.Join(" | ", row.Select((cell, c) => cell.PadRight(widths[c]))) + " |");
            if (row == header)
            {
                w.WriteLine("|" + string.Join("|", widths.Select(x => new string('-', x + 2))) + "|");
            }
        }

        w.WriteLine();
        w.WriteLine("(N) = steps in the shortest counterexample (a fault armed at an I/O step adds a scenario line to its step). " +
                    "confinement: the model's names are abstract; it is checked on the implementation.");
        foreach (var r in results)
        {
            w.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{r.Design.Name()}: {r.StatesPerSecond:N0} states/s, {r.BytesPerState:F1} bytes/state, table load {r.TableLoad:F2}, peak memory {r.PeakMemory}{(r.Complete ? string.Empty : ", INCOMPLETE: stopped early")}" +
                $"{(r.Store == StoreKind.Exact ? string.Empty : $", HASH COMPACTION: a state may have been missed, probability about {r.OmissionProbability:G2}")}"));
        }

        w.WriteLine();
    }
}

/// <summary>One model-check run as the command line asked for it.</summary>
internal sealed record ModelCheckRun(
    IReadOnlyList<Design> Designs,
    string DesignName,
    Bounds Bounds,
    int MaxStates,
    Reductions Reductions,
    EngineChoice Engine,
    bool Traces,
    bool Progress,
    string? Json,
    string OutDir,
    System.Text.Json.Nodes.JsonObject Options);

/// <summary>How the model checker searches: symmetry reduction, threads and the kind of store.</summary>
/// <param name="SpillDir">Where the spill files go: null keeps everything in memory, empty means the system's temporary directory.</param>
internal readonly record struct EngineChoice(bool Symmetry, int Threads, StoreKind Store, string? SpillDir);
