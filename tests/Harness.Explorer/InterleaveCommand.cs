using System.CommandLine;
using System.Globalization;
using Harness.Checking;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness interleave</c>: Coyote-controlled interleavings of the real master, agent, frameworks and faults.</summary>
public static class InterleaveCommand
{
    /// <summary>Declares the command and binds its action to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var declared = new Declared();
        declared.Command.SetAction(parse => Run(context, declared, parse));
        return declared.Command;
    }

    /// <summary>
    /// The options a saved trace replays with, read from the arguments <c>interleave</c> saved beside it (<paramref name="source"/>)
    /// by this command's own declarations, so the two can never disagree.
    /// </summary>
    internal static InterleavingOptions SavedOptions(string[] saved, string source)
    {
        var declared = new Declared();
        var parse = declared.Command.Parse(saved);
        if (parse.Errors.Count > 0 || parse.UnmatchedTokens.Count > 0 || parse.GetValue(declared.Design) is not [var design])
        {
            throw new UsageException($"'{source}' does not hold the options of an interleave run ({(parse.Errors.Count > 0 ? parse.Errors[0].Message.TrimEnd('.') : "no --design")})");
        }

        return OptionsOf(declared, parse, design);
    }

    private static InterleavingOptions OptionsOf(Declared d, ParseResult parse, Design design) => new()
    {
        Design = design.ToAgentDesign(),
        Faults = FaultKindNames.Parse(parse.GetValue(d.Faults)!),
        FaultBudget = parse.GetValue(d.FaultBudget),
        Frameworks = parse.GetValue(d.Frameworks),
        Ids = parse.GetValue(d.Ids),
        Roles = parse.GetValue(d.Roles),
        RareInputOdds = parse.GetValue(d.RareInputs),
        FaultOdds = parse.GetValue(d.FaultOdds),
        FocusFaults = !parse.GetValue(d.NoFaultFocus),
        OperationsPerFramework = parse.GetValue(d.Ops),
        Refinement = !parse.GetValue(d.NoRefinement),
        Properties = parse.GetValue(d.Properties) is { } list ? ParseProperties(list) : ClusterProperties.All.ToHashSet(StringComparer.Ordinal),
    };

    private static int Run(CliContext context, Declared d, ParseResult parse)
    {
        var stdout = context.Out;
        var design = parse.GetValue(d.Design)![0];
        var options = OptionsOf(d, parse, design);
        var seed = parse.GetValue(d.Seed);
        var parallel = parse.GetValue(d.Parallel);
        var time = parse.GetValue(d.Time);
        var settings = new ExplorationSettings
        {
            Strategy = ExplorationSettings.ParseStrategy(parse.GetValue(d.Strategy)!),
            Seed = seed,
            Iterations = parse.GetValue(d.Iterations),
            Time = time is null ? null : ParseDuration(time),
            Parallel = parallel == 0 ? Environment.ProcessorCount : parallel,
            Cancellation = context.Cancellation,
        };
        var json = parse.GetValue(d.Json);

        var seeds = parse.GetValue(d.Seeds);
        if (seeds > 1)
        {
            return RunSeeds(context, options, settings, seeds);
        }

        var strategyName = ExplorationSettings.StrategyName(settings.Strategy);
        var header = $"interleave {options.ToArguments()} --strategy {strategyName} --seed {seed.ToString(CultureInfo.InvariantCulture)}";
        var started = DateTimeOffset.UtcNow;
        if (parse.GetValue(d.Replay) is { } replay)
        {
            if (json is not null)
            {
                CliFiles.CheckWritableFile(json, "--json");
            }

            // A replay reads its trace and writes nothing but --json: it must never touch the file it reproduces.
            var trace = ReadTrace(replay);
            stdout.WriteLine($"interleave {options.ToArguments()} --replay {CliFiles.Display(replay)}");
            var problems = new List<string?>();
            var replayed = CoyoteLog.Quiet(null, () => ReplayTrace(options with { ConvergenceProblems = problems }, trace, replay));
            replayed = InWords(replayed, problems);
            stdout.WriteLine(InterleavingExplorer.Summary(replayed));
            var replayCode = replayed.BugFound ? Cli.Violated : Cli.Ok;
            if (json is not null)
            {
                CliFiles.WriteResult(json, Document(parse, options, settings, replayed, started, replayCode, complete: true, replayed.BugFound
                    ? Finding(options, replayed, [], [CliFiles.Display(replay)], HarnessCommand.Line([.. Arguments(options), "--replay", CliFiles.Display(replay)]))
                    : null));
            }

            return replayCode;
        }

        var outDir = CliFiles.EnsureDirectory(parse.GetValue(d.Out) ?? CliFiles.DefaultOut("interleave", design.Name(), seed), "--out");
        if (json is not null)
        {
            CliFiles.CheckWritableFile(json, "--json");
        }

        var name = $"{design.Name()}-{strategyName}-{seed.ToString(CultureInfo.InvariantCulture)}";
        var log = Path.Combine(outDir, "coyote.log");
        stdout.WriteLine(header + (settings.Time is { } t ? $" (exploring for {time})" : $" (exploring {settings.Iterations} execution{(settings.Iterations == 1 ? "" : "s")})"));
        stdout.Flush();
        var refinement = options.Refinement ? new RefinementStatistics() : null;
        var result = CoyoteLog.Quiet(log, () => InterleavingExplorer.Explore(options with { RefinementStatistics = refinement }, settings, outDir, name));
        var interrupted = context.Cancellation.IsCancellationRequested && !result.BugFound;

        // The bug's readable steps and what never converged: from the exploration's replay of its trace, or from one here
        // when the exploration could not make it.
        var steps = new List<string>();
        if (result.BugFound && result.Trace is not null)
        {
            var problems = new List<string?>();
            if (result.BugSteps is { } replayed)
            {
                steps.AddRange(replayed);
                problems.AddRange(result.BugConvergenceProblems ?? []);
            }
            else
            {
                CoyoteLog.Quiet(log, () => InterleavingExplorer.Replay(options with { Narration = steps, ConvergenceProblems = problems }, result.Trace));
            }

            result = InWords(result, problems);
        }

        stdout.WriteLine(InterleavingExplorer.Summary(result) + (interrupted ? " (interrupted)" : string.Empty));
        if (refinement is not null)
        {
            stdout.WriteLine(refinement.Summary());
        }

        Finding? finding = null;
        if (result.BugFound)
        {
            // The bug is printed above before any file is written: a failure to write its reports cannot lose it.
            var tracePath = result.ReportFiles.FirstOrDefault(f => f.EndsWith(".trace", StringComparison.Ordinal)) ?? Path.Combine(outDir, name + ".trace");
            var replayLine = HarnessCommand.Line([.. Arguments(options), "--replay", CliFiles.Display(tracePath)]);
            stdout.WriteLine($"replay with: {replayLine}");
            stdout.WriteLine($"        or: {HarnessCommand.Line("replay", CliFiles.Display(tracePath))} (readable steps)");
            if (result.BugText is { } bugText && RefinementObserver.ScenarioOf(bugText) is { } scenario)
            {
                // A refinement divergence is also a scenario: lockstep replays it on the model and the implementation.
                var scenarioPath = Path.Combine(outDir, name + ".scenario");
                CliFiles.WriteFile(scenarioPath, scenario);
                stdout.WriteLine($"  in lockstep: {HarnessCommand.Line("replay", CliFiles.Display(scenarioPath), "--design", design.Name(), "--disk", "sim")}");
            }

            if (result.ReportError is { } error)
            {
                throw new UsageException($"--out '{outDir}': cannot write Coyote's reports: {error}");
            }

            if (!File.Exists(tracePath) && result.Trace is not null)
            {
                CliFiles.WriteFile(tracePath, result.Trace);
            }

            // The schedule only replays with the options it was explored with: keep them beside the trace.
            CliFiles.WriteFile(tracePath + ".args", string.Join(' ', Arguments(options).Skip(1)) + "\n");
            foreach (var file in result.ReportFiles)
            {
                stdout.WriteLine($"report: {CliFiles.Display(file)}");
            }

            finding = Finding(options, result, steps, [.. result.ReportFiles.Select(CliFiles.Display).Append(CliFiles.Display(tracePath + ".args")).Distinct()], replayLine);
        }

        var code = result.BugFound ? Cli.Violated : interrupted ? Cli.Interrupted : Cli.Ok;
        var document = Document(parse, options, settings, result, started, code, complete: !interrupted, finding);
        CliFiles.WriteResult(Path.Combine(outDir, "result.json"), document);
        if (json is not null)
        {
            CliFiles.WriteResult(json, document);
        }

        return code;
    }

    /// <summary>The result with its bug in the project's words (see <see cref="InterleavingExplorer.BugInWords"/>).</summary>
    internal static InterleavingResult InWords(InterleavingResult result, IReadOnlyList<string?> problems) =>
        result.BugText is { } bug ? result with { BugText = InterleavingExplorer.BugInWords(bug, problems.LastOrDefault(p => p is not null)) } : result;

    private static string[] Arguments(InterleavingOptions options) => ["interleave", .. options.ToArguments().Split(' ')];

    private static Finding Finding(InterleavingOptions options, InterleavingResult result, IReadOnlyList<string> steps, IReadOnlyList<string> files, string replay) => new()
    {
        Kind = FindingKind.Violation,
        Design = options.Design.Name(),
        Checker = "interleave",
        Properties = result.Property is null ? [] : [result.Property],
        Summary = result.BugText ?? "bug",
        Steps = steps,
        Files = files,
        Replay = replay,
    };

    private static HarnessResult Document(ParseResult parse, InterleavingOptions options, ExplorationSettings settings, InterleavingResult result,
        DateTimeOffset started, int code, bool complete, Finding? finding) => new()
    {
        Command = "interleave",
        Designs = [options.Design.Name()],
        Options = CliOptions.Record(parse),
        Seed = settings.Seed,
        StartedAt = started,
        Seconds = result.Elapsed.TotalSeconds,
        Complete = complete,
        Incomplete = complete ? null : "interrupted",
        ExitCode = code,
        Coverage =
        [
            new Coverage
            {
                Checker = "interleave", Design = options.Design.Name(), Bound = options.ToArguments(), Executions = result.Iterations,
                SchedulingSteps = result.SchedulingSteps, Seconds = result.Elapsed.TotalSeconds, Complete = complete,
            },
        ],
        Verdicts = [.. ClusterProperties.All.Where(options.Properties.Contains).Append(options.Refinement ? ClusterProperties.Refinement : null).OfType<string>().Select(p => new Verdict(options.Design.Name(), p, "interleave",
            result.Property == p ? VerdictValue.Violated : result.BugFound || !complete ? VerdictValue.HoldsSoFar : VerdictValue.Holds))],
        Findings = finding is null ? [] : [finding],
    };

    private static int RunSeeds(CliContext context, InterleavingOptions options, ExplorationSettings settings, int seeds)
    {
        var stdout = context.Out;
        var found = new List<InterleavingResult>();
        var ran = 0;
        for (var i = 0; i < seeds && !context.Cancellation.IsCancellationRequested; i++)
        {
            // Coyote's random generator advances its seed by one per execution, so neighbouring root seeds draw
            // overlapping random streams and are not independent samples; spread seeds are.
            var seed = InterleavingExplorer.SpreadSeed(settings.Seed, i);
            var explored = CoyoteLog.Quiet(null, () => InterleavingExplorer.Explore(options, settings with { Seed = seed }));
            var result = InWords(explored, explored.BugConvergenceProblems ?? []);
            ran++;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed}: {InterleavingExplorer.Summary(result)}"));
            if (result.BugFound)
            {
                // The same seed alone, stopped at the execution that found the bug, explores exactly these executions and
                // writes the bug's trace and reports.
                found.Add(result);
                stdout.WriteLine($"  its trace: {HarnessCommand.Line([.. Arguments(options), "--strategy", ExplorationSettings.StrategyName(settings.Strategy),
                    "--seed", seed.ToString(CultureInfo.InvariantCulture), "--iterations", result.Iterations.ToString(CultureInfo.InvariantCulture)])}");
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var head = $"{options.Design.Name()} {ExplorationSettings.StrategyName(settings.Strategy)}: bug in {found.Count} of {ran} seeds";
        stdout.WriteLine(found.Count == 0
            ? head
            : string.Create(
                CultureInfo.InvariantCulture,
                $"{head}; median to first bug {Median(found.Select(r => (double)r.Iterations))} executions, {Median(found.Select(r => r.Elapsed.TotalSeconds)):F2} s (over the seeds that found one)"));
        return context.Cancellation.IsCancellationRequested ? Cli.Interrupted : found.Count > 0 ? Cli.Violated : Cli.Ok;
    }

    private static HashSet<string> ParseProperties(string list)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!ClusterProperties.All.Contains(name))
            {
                throw new UsageException($"--properties: unknown property '{name}'; properties: {string.Join(", ", ClusterProperties.All)}");
            }

            set.Add(name);
        }

        return set;
    }

    private static TimeSpan? TryParseDuration(string text)
    {
        var unit = text.Length > 0 ? text[^1] : ' ';
        var scale = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        return scale == 0 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0
            ? null
            : TimeSpan.FromSeconds((double)amount * scale);
    }

    private static TimeSpan ParseDuration(string text) =>
        TryParseDuration(text) ?? throw new UsageException($"--time takes a positive duration such as 30s, 5m or 1h, got '{text}'");

    private static InterleavingResult ReplayTrace(InterleavingOptions options, string trace, string path)
    {
        try
        {
            return InterleavingExplorer.Replay(options, trace);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
        {
            // Coyote reads the schedule without validating it: a trace it did not write fails somewhere inside.
            throw new UsageException($"cannot replay trace '{path}': it is not a schedule Coyote wrote for these options ({e.GetType().Name})", e);
        }
    }

    /// <summary>Reads a Coyote trace, refusing one that is not the JSON Coyote writes.</summary>
    internal static string ReadTrace(string path)
    {
        var text = CliFiles.ReadFile(path, "a Coyote trace (.trace)");
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
            throw new UsageException($"cannot read trace '{path}': not a Coyote trace ({e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0]})", e);
        }

        return text;
    }

    /// <summary>The command's declarations, shared by the command line and by the options saved beside a trace.</summary>
    private sealed class Declared
    {
        public Declared()
        {
            Design = CliOptions.Design(allowAll: false, "the agent design");
            Iterations = CliOptions.Number("--iterations", 1000, 1, int.MaxValue, "executions to explore");
            Time = CliOptions.Text("--time", "DURATION", "explore for a while instead of --iterations, e.g. 30s, 5m, 1h");
            Strategy = CliOptions.Choice("--strategy", "prioritization", ["random", "pct", "probabilistic", "prioritization", "portfolio"], "the scheduling strategy");
            Seed = CliOptions.Seed("--seed", 0, "root seed: the same seed explores the same schedules");
            Seeds = CliOptions.Number("--seeds", 1, 1, 10_000,
                "explore N independent seeds derived from --seed and print the median executions and seconds to the first bug");
            Parallel = CliOptions.Number("--parallel", 1, 0, 256,
                "Coyote engines side by side, each with its own seed and share of the iterations; 0 = one per core. The bug reported is the lowest-numbered engine's");
            Faults = CliOptions.Text("--faults", "LIST", "comma-separated: mkdir, rmdir, write, rename, io, crash, power-loss, break-link, late-notice, writeback (the kernel's flush right after an I/O step of an update; only with power-loss), failover (the master restarts and adopts what agents report), all, none");
            Faults.DefaultValueFactory = _ => "all";
            FaultBudget = CliOptions.Number("--fault-budget", 2, 0, 20, "faults per execution");
            FaultOdds = CliOptions.Number("--fault-odds", 4, 1, 1000,
                "one in N: the chance that an eligible I/O step fails or is followed by a crash, power loss or writeback, or that a fault comes when a message arrives, while the budget lasts");
            FaultFocus = CliOptions.Flag("--fault-focus",
                "each execution first picks one fault window by weight (a failed I/O step, a broken link, a crash, a power loss, a failover; or every fault) and injects only its faults (the default)");
            NoFaultFocus = CliOptions.Flag("--no-fault-focus", "every execution may inject every enabled fault");
            Frameworks = CliOptions.Number("--frameworks", 1, 1, 4, "framework actors");
            Ids = CliOptions.Number("--ids", 1, 1, 4, "persistence ids they share");
            Ops = CliOptions.Number("--ops", 6, 0, 50, "operations per framework");
            Roles = CliOptions.Number("--roles", 1, 1, 3, "roles the frameworks reserve and use (r1, r2, ...); with two, the same id lives in both");
            RareInputs = CliOptions.Number("--rare-inputs", 8, 0, 1000,
                "one operation in N is a rare input: DESTROY of an unknown volume, UNRESERVE, a hostile name (0: none)");
            RefinementOn = CliOptions.Flag("--refinement", "step the model beside the implementation and compare after every step (the default)");
            NoRefinement = CliOptions.Flag("--no-refinement", "check the properties only, without the model beside the implementation");
            Properties = CliOptions.Text("--properties", "LIST", $"properties to check (default all): {string.Join(", ", ClusterProperties.All)}");
            Out = CliOptions.Text("--out", "DIR", "where Coyote's reports, its log and the result go (default out/interleave-<design>-<seed>)");
            Json = CliOptions.Text("--json", "FILE", "also write the result document to FILE");
            Replay = CliOptions.Text("--replay", "TRACE", "replay a saved .trace with the same options instead of exploring (writes nothing but --json)");
            Command = new Command("interleave", "Run the implementation's master and agent with frameworks, connections and a fault injector as Coyote actors, " +
                "exploring their interleavings and the faults, and check every property. A bug prints its text and the command that replays it.")
            {
                Design, Iterations, Time, Strategy, Seed, Seeds, Parallel, Faults, FaultBudget, FaultOdds, FaultFocus, NoFaultFocus, Frameworks, Ids, Roles, Ops, RareInputs, Properties,
                RefinementOn, NoRefinement, Out, Json, Replay,
            };
            CliOptions.Conflict(Command, RefinementOn, NoRefinement, "--refinement and --no-refinement contradict each other");
            CliOptions.Conflict(Command, FaultFocus, NoFaultFocus, "--fault-focus and --no-fault-focus contradict each other");
            CliOptions.Require(Command, Design, CliOptions.DesignRequired(allowAll: false));
            CliOptions.Conflict(Command, Time, Iterations, "--time explores for a while, --iterations a number of executions; give one");
            CliOptions.Conflict(Command, Seeds, Replay, "--replay runs one saved schedule, --seeds explores many");
            CliOptions.Conflict(Command, Seeds, Parallel, "--seeds measures one engine per seed");
            CliOptions.Conflict(Command, Seeds, Json, "--seeds prints a measurement and writes no result document");
            CliOptions.Conflict(Command, Seeds, Out, "--seeds prints a measurement and writes no reports");
            CliOptions.Conflict(Command, Replay, Out, "a replay writes no reports (only --json)");
            CliOptions.Conflict(Command, Replay, Parallel, "a replay runs one schedule on one engine");
            CliOptions.Conflict(Command, Replay, Time, "a replay runs one saved schedule");
            CliOptions.Conflict(Command, Replay, Iterations, "a replay runs one saved schedule");
            CliOptions.Conflict(Command, Replay, Strategy, "the saved schedule fixes every choice");
            Command.Validators.Add(r =>
            {
                if (CliOptions.Value(r, Time) is { } time && TryParseDuration(time) is null)
                {
                    r.AddError($"--time takes a positive duration such as 30s, 5m or 1h, got '{time}'");
                }

                if (CliOptions.Value(r, Faults) is { } faults)
                {
                    try
                    {
                        FaultKindNames.Parse(faults);
                    }
                    catch (FormatException e)
                    {
                        r.AddError($"--faults: {e.Message}");
                    }
                    catch (ArgumentException e)
                    {
                        r.AddError($"--faults: {e.Message.Split(" (Parameter", 2)[0]}");
                    }
                }
            });
        }

        public Option<IReadOnlyList<Design>> Design { get; }

        public Option<int> Iterations { get; }

        public Option<string?> Time { get; }

        public Option<string> Strategy { get; }

        public Option<uint> Seed { get; }

        public Option<int> Seeds { get; }

        public Option<int> Parallel { get; }

        public Option<string?> Faults { get; }

        public Option<int> FaultBudget { get; }

        public Option<int> FaultOdds { get; }

        public Option<bool> FaultFocus { get; }

        public Option<bool> NoFaultFocus { get; }

        public Option<int> Frameworks { get; }

        public Option<int> Ids { get; }

        public Option<int> Ops { get; }

        public Option<int> Roles { get; }

        public Option<int> RareInputs { get; }

        public Option<bool> RefinementOn { get; }

        public Option<bool> NoRefinement { get; }

        public Option<string?> Properties { get; }

        public Option<string?> Out { get; }

        public Option<string?> Json { get; }

        public Option<string?> Replay { get; }

        public Command Command { get; }
    }
}
