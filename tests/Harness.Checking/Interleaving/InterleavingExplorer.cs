using System.Diagnostics;
using System.Globalization;
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

    /// <summary>Scheduling steps per execution; the system always quiesces well below this.</summary>
    public uint MaxSteps { get; init; } = 3000;

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
/// <param name="Iterations">Executions run, up to and including the one with the bug.</param>
/// <param name="Elapsed">Wall-clock time of the exploration.</param>
/// <param name="Trace">Coyote's reproducible trace of the bug, or null.</param>
/// <param name="ReportFiles">The reports written (.txt, .trace, .dgml), if an output directory was given.</param>
public sealed record InterleavingResult(
    bool BugFound,
    string? BugText,
    string? Property,
    int Iterations,
    TimeSpan Elapsed,
    string? Trace,
    IReadOnlyList<string> ReportFiles);

/// <summary>Runs the cluster of <see cref="ClusterTest"/> under Coyote's <see cref="TestingEngine"/>.</summary>
public static class InterleavingExplorer
{
    /// <summary>
    /// Explores <paramref name="options"/> with <paramref name="settings"/> until the first bug or the budget ends. When
    /// <paramref name="outputDirectory"/> is given and a bug is found, Coyote's reports go there, named <paramref name="name"/>.
    /// </summary>
    public static InterleavingResult Explore(InterleavingOptions options, ExplorationSettings settings, string? outputDirectory = null, string name = "interleave")
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Strategy != InterleavingStrategy.Portfolio)
        {
            return Run(options, Configure(settings, settings.Strategy, settings.Seed, settings.Iterations, settings.Time), outputDirectory, name);
        }

        // Coyote 1.7.11 keeps its portfolio mode internal, so the portfolio is done here: short rounds that take turns
        // among the four strategies, each round with its own seed derived from the root seed, until a bug or the budget ends.
        const int RoundIterations = 25;
        InterleavingStrategy[] strategies = [InterleavingStrategy.Prioritization, InterleavingStrategy.Random, InterleavingStrategy.Pct, InterleavingStrategy.Probabilistic];
        var clock = Stopwatch.StartNew();
        var iterations = 0;
        for (var round = 0; ; round++)
        {
            var remaining = settings.Time is null ? settings.Iterations - iterations : RoundIterations;
            if (remaining <= 0 || (settings.Time is { } limit && clock.Elapsed >= limit))
            {
                return new InterleavingResult(false, null, null, iterations, clock.Elapsed, null, []);
            }

            var configuration = Configure(settings, strategies[round % strategies.Length], unchecked(settings.Seed + (uint)round), Math.Min(RoundIterations, remaining), null);
            var result = Run(options, configuration, outputDirectory, name);
            iterations += result.Iterations;
            if (result.BugFound)
            {
                return result with { Iterations = iterations, Elapsed = clock.Elapsed };
            }
        }
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
        ArgumentNullException.ThrowIfNull(trace);
        var configuration = Configuration.Create()
            .WithReproducibleTrace(trace)
            .WithTelemetryEnabled(false)
            .WithConsoleLoggingEnabled(false);
        return Run(options, configuration, outputDirectory, name);
    }

    /// <summary>The command that replays a trace saved at <paramref name="tracePath"/>.</summary>
    public static string ReplayCommand(InterleavingOptions options, string tracePath)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"harness interleave {options.ToArguments()} --replay {tracePath}";
    }

    private static InterleavingResult Run(InterleavingOptions options, Configuration configuration, string? outputDirectory, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        var iterations = 0;
        var clock = Stopwatch.StartNew();
        using var engine = TestingEngine.Create(configuration, (IActorRuntime runtime) => ClusterTest.Run(runtime, options));
        engine.RegisterStartIterationCallBack(_ => iterations++);
        engine.Run();
        clock.Stop();

        var report = engine.TestReport;
        var bug = report.NumOfFoundBugs > 0 ? report.BugReports.FirstOrDefault() ?? "unknown bug" : null;
        var files = new List<string>();
        if (bug is not null && outputDirectory is not null)
        {
            Directory.CreateDirectory(outputDirectory);
            if (engine.TryEmitReports(outputDirectory, name, out var written))
            {
                files.AddRange(written);
            }
        }

        return new InterleavingResult(
            bug is not null,
            bug,
            bug is null ? null : ClusterProperties.PropertyOf(bug),
            iterations,
            clock.Elapsed,
            bug is null ? null : engine.ReproducibleTrace,
            files);
    }

    /// <summary>A one-line summary of <paramref name="result"/>.</summary>
    public static string Summary(InterleavingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.BugFound
            ? string.Create(CultureInfo.InvariantCulture, $"bug found after {result.Iterations} execution(s) in {result.Elapsed.TotalSeconds:F2}s: {result.BugText}")
            : string.Create(CultureInfo.InvariantCulture, $"no bug in {result.Iterations} execution(s) in {result.Elapsed.TotalSeconds:F2}s");
    }
}
