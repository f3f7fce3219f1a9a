using System.Globalization;
using System.Text.Json;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness model-check</c>: exhaustive breadth-first exploration of the reference model.</summary>
public static class ModelCheckCommand
{
    /// <summary>The command's --help text.</summary>
    internal const string Help = """
        usage: harness model-check --design <keep-going|partial-exit|target|target-incarnation|all> [options]

        Explores every reachable state of the reference model within the bounds and decides each property,
        printing the shortest trace of every violation as scenario lines that 'harness replay' runs.

        options:
          --design D          the agent design, or 'all' for the designs x properties table
          --agents N          agents (default 1)
          --roles N           roles (default 1)
          --ids N             persistence ids per role (default 2)
          --ops N             framework operations in all (default 4)
          --io-errors N       failed mkdir/rmdir/write/rename (default 1)
          --crashes N         agent crashes (default 1)
          --power-losses N    power losses (default 1)
          --link-breaks N     broken connections (default 1)
          --max-states N      stop after N distinct states (default 100000000); verdicts then read
                              'holds so far', and the exit code is 0 unless something was violated
          --no-reduction      explore every transition, also those the sound reductions leave out
          --no-traces         print the verdicts only
          --progress          print a line per breadth-first level (depth, states, transitions, states/s)
          --json FILE         also write the results as JSON
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(ArgReader args, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var designName = args.Option("--design");
        var bounds = new Bounds
        {
            Agents = args.Number("--agents", 1, 1, 3),
            Roles = args.Number("--roles", 1, 1, 3),
            Ids = args.Number("--ids", 2, 1, 4),
            Operations = args.Number("--ops", 4, 0, 30),
            IoErrors = args.Number("--io-errors", 1, 0, 30),
            Crashes = args.Number("--crashes", 1, 0, 30),
            PowerLosses = args.Number("--power-losses", 1, 0, 30),
            LinkBreaks = args.Number("--link-breaks", 1, 0, 30),
        };
        var maxStates = args.Number("--max-states", 100_000_000, 1, int.MaxValue - 2);
        var noTraces = args.Flag("--no-traces");
        var progress = args.Flag("--progress");
        var reductions = args.Flag("--no-reduction") ? Reductions.None : Reductions.All;
        var json = args.Option("--json");
        args.End();
        var designs = Cli.ParseDesigns(designName);
        _ = new Layout(bounds);

        var results = new List<CheckResult>();
        foreach (var design in designs)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Action<int, long, long>? report = progress
                ? (depth, states, transitions) => stdout.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{design.Name()}: depth {depth}, {states:N0} states, {transitions:N0} transitions, {states / Math.Max(1e-9, clock.Elapsed.TotalSeconds):N0} states/s"))
                : null;
            results.Add(ModelChecker.Check(design, bounds, new CheckOptions { MaxStates = maxStates, Reductions = reductions, Progress = report }));
        }

        stdout.WriteLine($"model-check {designName} ({bounds}; reductions: {reductions.ToString().ToLowerInvariant()})");
        stdout.WriteLine();
        WriteTable(stdout, results);
        if (!noTraces)
        {
            foreach (var r in results)
            {
                foreach (var v in r.Violations)
                {
                    TraceWriter.Write(stdout, r.Design, v);
                }
            }
        }

        if (json is not null)
        {
            Cli.WriteFile(json, ToJson(designName!, bounds, maxStates, reductions, results));
        }

        return results.Any(r => r.Violations.Count > 0) ? Cli.Violated : Cli.Ok;
    }

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
                    : r.ViolationOf(p) is { } v ? $"VIOLATED ({v.Steps.Count})" : r.Complete ? "holds" : "holds so far");
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
                $"{r.Design.Name()}: {r.StatesPerSecond:N0} states/s, {r.BytesPerState:F1} bytes/state, table load {r.TableLoad:F2}{(r.Complete ? string.Empty : ", INCOMPLETE: --max-states reached")}"));
        }

        w.WriteLine();
    }

    private static string ToJson(string design, Bounds bounds, int maxStates, Reductions reductions, IReadOnlyList<CheckResult> results)
    {
        var doc = new
        {
            command = "model-check",
            design,
            options = new
            {
                agents = bounds.Agents,
                roles = bounds.Roles,
                ids = bounds.Ids,
                ops = bounds.Operations,
                ioErrors = bounds.IoErrors,
                crashes = bounds.Crashes,
                powerLosses = bounds.PowerLosses,
                linkBreaks = bounds.LinkBreaks,
                maxStates,
                reductions = reductions.ToString().ToLowerInvariant(),
            },
            seconds = results.Sum(r => r.Seconds),
            states = results.Sum(r => r.States),
            transitions = results.Sum(r => r.Transitions),
            results = results.Select(r => new
            {
                design = r.Design.Name(),
                states = r.States,
                transitions = r.Transitions,
                depth = r.Depth,
                seconds = r.Seconds,
                complete = r.Complete,
                verdicts = Properties.Modelled.ToDictionary(p => p.Name(), p => r.Holds(p) ? "holds" : "violated"),
            }),
            violations = results.SelectMany(r => r.Violations.Select(v => new
            {
                design = r.Design.Name(),
                property = v.Property.Name(),
                steps = v.Steps.SelectMany(s => s.Lines).Select(l => l.ToString()),
            })),
        };
        return JsonSerializer.Serialize(doc, Cli.Json) + "\n";
    }
}
