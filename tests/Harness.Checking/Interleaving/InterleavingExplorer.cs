using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Coyote;
using Microsoft.Coyote.Actors;
using Microsoft.Coyote.SystematicTesting;

namespace Harness.Checking.Interleaving;

/// <summary>The scheduling strategies <c>harness interleave</c> offers.</summary>
public enum InterleavingStrategy
{
    /// <summary>Uniformly random scheduling.</summary>
    Random = 0,

    /// <summary>Coyote's PCT: random priorities with up to 10 priority changes.</summary>
    Pct = 1,

    /// <summary>Random scheduling that switches actor with a small probability.</summary>
    Probabilistic = 2,

    /// <summary>PCT with at most 3 priority changes: it found rare races fastest on this machine.</summary>
    Prioritization = 3,

    /// <summary>Short rounds taking turns among the other four strategies.</summary>
    Portfolio = 4,
}

/// <summary>How long and how to explore.</summary>
public sealed record ExplorationSettings
{
    /// <summary>The scheduling strategy.</summary>
    public InterleavingStrategy Strategy { get; init; } = InterleavingStrategy.Prioritization;

    /// <summary>The seed of Coyote's random choices; the same seed explores the same schedules.</summary>
    public uint Seed { get; init; }

    /// <summary>Executions to try (ignored when <see cref="Time"/> is set).</summary>
    public int Iterations { get; init; } = 1000;

    /// <summary>Explore for this long instead of a number of iterations.</summary>
    public TimeSpan? Time { get; init; }

    /// <summary>
    /// Scheduling steps per execution (Coyote allows ten times as many under its fair strategies). The default bounds end
    /// in about 125; an execution cut here is not judged for convergence under pct and prioritization.
    /// </summary>
    public uint MaxSteps { get; init; } = 3000;

    /// <summary>
    /// Coyote engines exploring side by side, each with its own seed and share of the iterations (see
    /// <see cref="InterleavingExplorer.SpreadSeed"/>). One engine runs one execution at a time on one core, so this is how
    /// an exploration uses more cores. The outcome does not depend on timing when the budget is
    /// <see cref="Iterations"/>: the bug reported is the one of the lowest-numbered engine that finds one.
    /// </summary>
    public int Parallel { get; init; } = 1;

    /// <summary>Stops every engine when cancelled (Ctrl-C); the result then holds the executions run so far.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Parses a strategy name; throws <see cref="FormatException"/> listing the valid names otherwise.</summary>
    public static InterleavingStrategy ParseStrategy(string name) => name switch
    {
        "random" => InterleavingStrategy.Random,
        "pct" => InterleavingStrategy.Pct,
        "probabilistic" => InterleavingStrategy.Probabilistic,
        "prioritization" => InterleavingStrategy.Prioritization,
        "portfolio" => InterleavingStrategy.Portfolio,
        _ => throw new FormatException($"unknown strategy '{name}'; valid strategies: random, pct, probabilistic, prioritization, portfolio"),
    };

    /// <summary>The strategy's command-line name.</summary>
    public static string StrategyName(InterleavingStrategy strategy) => strategy.ToString().ToLowerInvariant();
}

/// <summary>The outcome of an exploration or a replay.</summary>
/// <param name="BugFound">True when a property was violated (or the execution failed).</param>
/// <param name="BugText">Coyote's text of the first bug, or null.</param>
/// <param name="Property">The property the bug is about, or null when the text names none.</param>
/// <param name="Iterations">Executions run by all engines, up to and including the one with the bug.</param>
/// <param name="Elapsed">Wall-clock time of the exploration.</param>
/// <param name="Trace">Coyote's reproducible trace of the bug, or null.</param>
/// <param name="ReportFiles">The reports written (.txt, .trace, .dgml), if an output directory was given.</param>
/// <param name="SchedulingSteps">Coyote's scheduling steps over all executions (scheduling decisions and controlled choices).</param>
/// <param name="ReportError">Why the reports could not be written (a read-only or full output directory), or null.</param>
public sealed record InterleavingResult(
    bool BugFound,
    string? BugText,
    string? Property,
    int Iterations,
    TimeSpan Elapsed,
    string? Trace,
    IReadOnlyList<string> ReportFiles,
    long SchedulingSteps = 0,
    string? ReportError = null)
{
    /// <summary>
    /// The bug's readable steps, from the narrated replay of its trace an exploration makes when its executions were not
    /// narrated; null when it made none or the replay did not reach the bug.
    /// </summary>
    public IReadOnlyList<string>? BugSteps { get; init; }

    /// <summary>What that replay recorded of convergence (<see cref="InterleavingOptions.ConvergenceProblems"/>), or null.</summary>
    public IReadOnlyList<string?>? BugConvergenceProblems { get; init; }
}

/// <summary>Runs the cluster of <see cref="ClusterTest"/> under Coyote's <see cref="TestingEngine"/>.</summary>
public static class InterleavingExplorer
{
    /// <summary>
    /// Explores <paramref name="options"/> with <paramref name="settings"/> until the first bug or the budget ends. When
    /// <paramref name="outputDirectory"/> is given and a bug is found, Coyote's reports go there, named <paramref name="name"/>.
    /// </summary>
    public static InterleavingResult Explore(InterleavingOptions options, ExplorationSettings settings, string? outputDirectory = null, string name = "interleave")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Parallel, 1);
        if (settings.Parallel > 1 && options.Narration is not null)
        {
            throw new ArgumentException("narration collects one engine's steps; explore with one engine to narrate", nameof(options));
        }

        var clock = Stopwatch.StartNew();
        // Executions are narrated only when the caller collects the narration; a bug's report gets its steps from a replay.
        var explored = options.Narration is null ? options with { NarrateLog = false } : options;
        var count = settings.Time is null ? Math.Min(settings.Parallel, Math.Max(1, settings.Iterations)) : settings.Parallel;
        var lanes = new Lane[count];
        for (var k = 0; k < count; k++)
        {
            var share = settings.Time is null ? (settings.Iterations / count) + (k < settings.Iterations % count ? 1 : 0) : 0;
            lanes[k] = new Lane(explored, settings, SpreadSeed(settings.Seed, k), share);
        }

        // Cancellation stops the engines where they are: Run returns with the executions so far.
        using var stop = settings.Cancellation.Register(() =>
        {
            foreach (var lane in lanes)
            {
                lane.Stop();
            }
        });
        try
        {
            if (count == 1)
            {
                lanes[0].Run();
            }
            else
            {
                RunSideBySide(lanes);
            }

            clock.Stop();
            var iterations = lanes.Sum(l => l.Iterations);
            var steps = lanes.Sum(l => l.Steps);
            var winner = Array.Find(lanes, l => l.Bug is not null);
            if (winner is null)
            {
                return new InterleavingResult(false, null, null, iterations, clock.Elapsed, null, [], steps);
            }

            var trace = winner.BugEngine!.ReproducibleTrace;
            var (files, error) = EmitReports(winner.BugEngine!, outputDirectory, name);
            var result = new InterleavingResult(true, winner.Bug, ClusterProperties.PropertyOf(winner.Bug!), iterations, clock.Elapsed, trace, files, steps, error);
            if (explored.NarrateLog)
            {
                return result;
            }

            var (bugSteps, problems, heading) = ReplayBug(options, trace);
            if (error is null && files.Find(f => f.EndsWith(".txt", StringComparison.Ordinal)) is { } readable)
            {
                error = AddSteps(readable, heading, bugSteps ?? []);
            }

            return result with { ReportError = error, BugSteps = bugSteps, BugConvergenceProblems = bugSteps is null ? null : problems };
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Dispose();
            }
        }
    }

    /// <summary>
    /// The <paramref name="index"/>-th seed spread from <paramref name="seed"/> (index 0 is the seed itself). Coyote adds
    /// one to its seed for every execution, so neighbouring seeds draw overlapping random streams; spreading them by the
    /// golden-ratio increment keeps the engines of a parallel exploration and the seeds of a median measurement apart.
    /// </summary>
    public static uint SpreadSeed(uint seed, int index) => unchecked(seed + ((uint)index * 0x9E3779B9u));

    /// <summary>Executions in one round of the portfolio: the four strategies take turns by rounds.</summary>
    public const int PortfolioRoundExecutions = 25;

    /// <summary>
    /// The seed of round <paramref name="round"/> of a portfolio engine seeded with <paramref name="seed"/>: the engine's
    /// seed, then seeds derived by mixing (<see cref="Seeds.Derive(uint, int)"/>). Round r once used seed + r, so the
    /// round four later, with the same strategy, repeated all but four of its 25 executions; and rounds spread like the
    /// engines' seeds would meet another engine's or another root seed's rounds.
    /// </summary>
    public static uint RoundSeed(uint seed, int round) => Seeds.Derive(seed, round);

    private static void RunSideBySide(Lane[] lanes)
    {
        var failures = new Exception?[lanes.Length];
        var threads = new Thread[lanes.Length];
        for (var k = 0; k < lanes.Length; k++)
        {
            var index = k;
            threads[k] = new Thread(() =>
            {
                try
                {
                    lanes[index].Run();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    failures[index] = ex;
                }

                if (lanes[index].Bug is not null || failures[index] is not null)
                {
                    // Engines after this one cannot win any more; engines before it still can, so they run on.
                    for (var later = index + 1; later < lanes.Length; later++)
                    {
                        lanes[later].Stop();
                    }
                }
            })
            {
                IsBackground = true,
                Name = $"coyote engine {index}",
            };
            threads[k].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        if (Array.Find(failures, f => f is not null) is { } failure)
        {
            throw new InvalidOperationException("a Coyote engine failed", failure);
        }
    }

    /// <summary>
    /// The Coyote configuration one engine explores <paramref name="settings"/> with (its strategy, seed, iterations and
    /// step bound), for a test other than the cluster that must run under the same one.
    /// </summary>
    public static Configuration ConfigurationFor(ExplorationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Configure(settings, settings.Strategy, settings.Seed, settings.Iterations, settings.Time);
    }

    private static Configuration Configure(ExplorationSettings settings, InterleavingStrategy strategy, uint seed, int iterations, TimeSpan? time)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations(time is null ? (uint)iterations : uint.MaxValue)
            .WithMaxSchedulingSteps(settings.MaxSteps)
            .WithRandomGeneratorSeed(seed)
            .WithTelemetryEnabled(false)
            .WithConsoleLoggingEnabled(false);
        if (time is { } limit)
        {
            configuration = configuration.WithTestingTimeout(Math.Max(1, (int)Math.Ceiling(limit.TotalSeconds)));
        }

        return strategy switch
        {
            InterleavingStrategy.Random => configuration.WithRandomStrategy(),
            InterleavingStrategy.Pct => configuration.WithPrioritizationStrategy(false, 10),
            InterleavingStrategy.Probabilistic => configuration.WithProbabilisticStrategy(3),
            _ => configuration.WithPrioritizationStrategy(false, 3),
        };
    }

    /// <summary>Replays a reproducible <paramref name="trace"/> written by <see cref="Explore"/> for the same <paramref name="options"/>.</summary>
    public static InterleavingResult Replay(InterleavingOptions options, string trace, string? outputDirectory = null, string name = "replay")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trace);
        var configuration = Configuration.Create()
            .WithReproducibleTrace(trace)
            .WithTelemetryEnabled(false)
            .WithConsoleLoggingEnabled(false);
        var clock = Stopwatch.StartNew();
        using var engine = CreateEngine(options, configuration, out var iterations);
        engine.Run();
        clock.Stop();
        var bug = FirstBug(engine.TestReport);
        return bug is null
            ? new InterleavingResult(false, null, null, iterations.Count, clock.Elapsed, null, [], StepsOf(engine.TestReport))
            : Found(bug, iterations.Count, clock.Elapsed, engine, EmitReports(engine, outputDirectory, name));
    }

    private static InterleavingResult Found(string bug, int iterations, TimeSpan elapsed, TestingEngine engine, (List<string> Files, string? Error) reports) =>
        new(true, bug, ClusterProperties.PropertyOf(bug), iterations, elapsed, engine.ReproducibleTrace, reports.Files, StepsOf(engine.TestReport), reports.Error);

    private static string? FirstBug(TestReport report) => report.NumOfFoundBugs > 0 ? report.BugReports.FirstOrDefault() ?? "unknown bug" : null;

    // The bug's steps and what it recorded of convergence, from a narrated replay of its trace that adds to no statistics
    // of the caller's, with the heading its readable report gets. A replay that fails gives no steps and a heading that
    // says why: the bug and its trace stand either way.
    private static (List<string>? Steps, List<string?> Problems, string Heading) ReplayBug(InterleavingOptions options, string trace)
    {
        var steps = new List<string>();
        var problems = new List<string?>();
        try
        {
            var replayed = Replay(options with { Narration = steps, NarrateLog = false, RefinementStatistics = null, ConvergenceProblems = problems }, trace);
            return replayed.BugFound
                ? (steps, problems, "The bug's steps, from a narrated replay of its trace:")
                : (null, problems, "The bug's steps are not shown: a replay of its trace did not reach the bug.");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return (null, problems, $"The bug's steps are not shown: its trace could not be replayed ({e.Message}).");
        }
    }

    // Heads Coyote's readable report of a bug with its steps. Returns why the report could not be written, or null.
    private static string? AddSteps(string readable, string heading, IReadOnlyList<string> steps)
    {
        try
        {
            var text = new StringBuilder(heading).Append('\n');
            foreach (var step in steps)
            {
                text.Append(ClusterActor.StepMarker).Append(step).Append('\n');
            }

            File.WriteAllText(readable, text.Append('\n').Append(File.ReadAllText(readable)).ToString());
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    // Coyote's reports of the bug an engine found (.txt, .trace, .trace.dgml), when there is a directory for them. A failure
    // to write them is returned, not thrown: the bug was found and must still be reported.
    private static (List<string> Files, string? Error) EmitReports(TestingEngine engine, string? outputDirectory, string name)
    {
        var files = new List<string>();
        if (outputDirectory is not null)
        {
            try
            {
                Directory.CreateDirectory(outputDirectory);
                if (engine.TryEmitReports(outputDirectory, name, out var written))
                {
                    files.AddRange(written);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (files, e.Message);
            }
        }

        return (files, null);
    }

    /// <summary>The command that replays a trace saved at <paramref name="tracePath"/>.</summary>
    public static string ReplayCommand(InterleavingOptions options, string tracePath)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Results.HarnessCommand.Line([.. ("interleave " + options.ToArguments()).Split(' '), "--replay", tracePath]);
    }

    private static TestingEngine CreateEngine(InterleavingOptions options, Configuration configuration, out Counter iterations)
    {
        var counter = new Counter();
        Cluster? current = null;
        var engine = TestingEngine.Create(configuration, (IActorRuntime runtime) => current = ClusterTest.Run(runtime, options));
        engine.RegisterStartIterationCallBack(_ => counter.Count++);
        // An execution Coyote stopped (a bug, the step bound) leaves actors' threads asleep in their mailboxes.
        engine.RegisterEndIterationCallBack(_ => current?.ReleaseSleepers());
        iterations = counter;
        return engine;
    }

    private static long StepsOf(TestReport report) => (long)report.TotalExploredFairSteps + report.TotalExploredUnfairSteps;

    /// <summary>A summary line for <paramref name="result"/>.</summary>
    public static string Summary(InterleavingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rate = result.Elapsed > TimeSpan.Zero ? result.Iterations / result.Elapsed.TotalSeconds : 0;
        var steps = result.Iterations > 0 ? (double)result.SchedulingSteps / result.Iterations : 0;
        var pace = string.Create(CultureInfo.InvariantCulture, $"{rate:F1} per second, {steps:F0} scheduling steps each");
        return result.BugFound
            ? string.Create(CultureInfo.InvariantCulture, $"bug found after {Executions(result.Iterations)} in {result.Elapsed.TotalSeconds:F2}s ({pace}): {result.BugText}")
            : string.Create(CultureInfo.InvariantCulture, $"no bug in {Executions(result.Iterations)} in {result.Elapsed.TotalSeconds:F2}s ({pace})");
    }

    /// <summary>
    /// The bug in the project's words: Coyote reports a liveness bug as its monitor's hot state, which says neither the
    /// property nor what was wrong; <paramref name="lastProblem"/> (from <see cref="InterleavingOptions.ConvergenceProblems"/>)
    /// says what never converged.
    /// </summary>
    public static string BugInWords(string bugText, string? lastProblem)
    {
        ArgumentNullException.ThrowIfNull(bugText);
        var prefix = ClusterProperties.Convergence + ": ";
        if (lastProblem is not null && lastProblem.StartsWith(prefix, StringComparison.Ordinal))
        {
            lastProblem = lastProblem[prefix.Length..];
        }

        return ClusterProperties.PropertyOf(bugText) == ClusterProperties.Convergence
            ? $"{ClusterProperties.Convergence} violated: the cluster never converged once faults and operations stopped: {lastProblem ?? "(the replay recorded no problem)"}"
            : bugText;
    }

    private static string Executions(int n) => n == 1 ? "1 execution" : string.Create(CultureInfo.InvariantCulture, $"{n} executions");

    private sealed class Counter
    {
        public int Count { get; set; }
    }

    /// <summary>
    /// One engine's share of an exploration: a single strategy, or the portfolio's rounds (Coyote 1.7.11 keeps its own
    /// portfolio mode internal, so rounds of <see cref="PortfolioRoundExecutions"/> take turns among the four strategies
    /// here, each with its own seed derived from the lane's, <see cref="RoundSeed"/>). It keeps the engine that found a
    /// bug, for its trace and reports.
    /// </summary>
    private sealed class Lane(InterleavingOptions options, ExplorationSettings settings, uint seed, int iterations) : IDisposable
    {
        private static readonly InterleavingStrategy[] PortfolioStrategies =
            [InterleavingStrategy.Prioritization, InterleavingStrategy.Random, InterleavingStrategy.Pct, InterleavingStrategy.Probabilistic];

        private readonly Lock gate = new();
        private TestingEngine? current;
        private bool stopped;

        public int Iterations { get; private set; }

        public long Steps { get; private set; }

        public string? Bug { get; private set; }

        public TestingEngine? BugEngine { get; private set; }

        public void Run()
        {
            var clock = Stopwatch.StartNew();
            for (var round = 0; ; round++)
            {
                var portfolio = settings.Strategy == InterleavingStrategy.Portfolio;
                int budget;
                if (settings.Time is { } limit)
                {
                    if (clock.Elapsed >= limit)
                    {
                        return;
                    }

                    budget = portfolio ? PortfolioRoundExecutions : 0;
                }
                else
                {
                    budget = portfolio ? Math.Min(PortfolioRoundExecutions, iterations - Iterations) : iterations;
                    if (budget <= 0)
                    {
                        return;
                    }
                }

                if (settings.Cancellation.IsCancellationRequested)
            {
                return;
            }

            var configuration = portfolio
                    ? Configure(settings, PortfolioStrategies[round % PortfolioStrategies.Length], RoundSeed(seed, round), budget, null)
                    : Configure(settings, settings.Strategy, seed, budget, settings.Time);
                var engine = CreateEngine(options, configuration, out var counter);
                lock (gate)
                {
                    if (stopped)
                    {
                        engine.Dispose();
                        return;
                    }

                    current = engine;
                }

                var ran = false;
                try
                {
                    engine.Run();
                    ran = true;
                }
                finally
                {
                    lock (gate)
                    {
                        current = null;
                    }

                    if (!ran)
                    {
                        engine.Dispose();
                    }
                }

                Iterations += counter.Count;
                Steps += StepsOf(engine.TestReport);
                if (FirstBug(engine.TestReport) is { } bug)
                {
                    Bug = bug;
                    BugEngine = engine;
                    return;
                }

                engine.Dispose();
                if (!portfolio)
                {
                    return;
                }
            }
        }

        public void Stop()
        {
            lock (gate)
            {
                stopped = true;
                current?.Stop();
            }
        }

        public void Dispose() => BugEngine?.Dispose();
    }
}
