using Harness.Checking.Generation;
using Harness.Checking.Interleaving;
using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>One nightly run: what to explore, for how long, which part of it, and where the report goes.</summary>
public sealed record NightlyOptions
{
    /// <summary>The designs explored (all by default).</summary>
    public IReadOnlyList<Design> Designs { get; init; } = Model.Designs.All;

    /// <summary>The root seed of every random choice (generated sequences, Coyote schedules).</summary>
    public ulong Seed { get; init; } = ConformOptions.DefaultSeed;

    /// <summary>The time to spend in all; null runs exactly <see cref="Work"/> (deterministic, used by tests).</summary>
    public TimeSpan? Budget { get; init; }

    /// <summary>Which part of the work this machine does.</summary>
    public Shard Shard { get; init; } = Shard.Whole;

    /// <summary>Where report.md, report.json, junit.xml and the traces are written.</summary>
    public required string OutDirectory { get; init; }

    /// <summary>The verdicts the run is judged against.</summary>
    public required Expectations Expectations { get; init; }

    /// <summary>The most work of each checker; with a budget, checkers stop earlier when their slice of it ends.</summary>
    public NightlyWork Work { get; init; } = new();

    /// <summary>The clock of the budget and the progress lines (a fake one in tests).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Where progress lines go, or null for none.</summary>
    public Action<string>? Progress { get; init; }

    /// <summary>How often a progress line is written.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The one hook through which the implementation under test is chosen for the lockstep checkers: the identity for the
    /// project's agent, or a transformer that builds it with one of the harness's deliberate mistakes.
    /// </summary>
    public Func<ConformOptions, ConformOptions> Implementation { get; init; } = o => o;

    /// <summary>
    /// The result of a <c>harness mutants</c> run (<see cref="NightlyMutants.Load"/>) to nest in the report and judge, or
    /// null; <see cref="MutantsDirectory"/> is where it was read, whose kill table the report copies.
    /// </summary>
    public Results.HarnessResult? Mutants { get; init; }

    /// <summary>The directory <see cref="Mutants"/> was read from.</summary>
    public string? MutantsDirectory { get; init; }

    /// <summary>The arguments that run this again, for the report's header (without --out).</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
}

/// <summary>How much work each checker may do at most, and in what units it is cut so that a slice can end between units.</summary>
public sealed record NightlyWork
{
    /// <summary>How many rungs of <see cref="ModelCheckLadder"/> to climb at most.</summary>
    public int ModelCheckLevels { get; init; } = int.MaxValue;

    /// <summary>The bounds the model checker tries in turn, each containing the one before.</summary>
    public IReadOnlyList<Bounds> ModelCheckLadder { get; init; } =
    [
        new Bounds(),
        new Bounds { Operations = 5, IoErrors = 2, Crashes = 2 },
        new Bounds { Operations = 6, IoErrors = 2, Crashes = 2, PowerLosses = 2, LinkBreaks = 2, Failovers = 1 },
        new Bounds { Ids = 3, Operations = 6, IoErrors = 2, Crashes = 2, PowerLosses = 2, LinkBreaks = 2, Failovers = 1 },
        new Bounds { Ids = 3, Operations = 7, IoErrors = 3, Crashes = 2, PowerLosses = 2, LinkBreaks = 2, Failovers = 1 },
    ];

    /// <summary>The first depth of exhaustive conformance.</summary>
    public int ExhaustiveFromDepth { get; init; } = 3;

    /// <summary>The deepest depth of exhaustive conformance.</summary>
    public int ExhaustiveToDepth { get; init; } = 7;

    /// <summary>Batches of generated sequences on the simulated disk.</summary>
    public int SimBatches { get; init; } = int.MaxValue;

    /// <summary>Generated sequences per batch on the simulated disk.</summary>
    public int SimBatchSize { get; init; } = 100;

    /// <summary>Batches of generated sequences on the real disk.</summary>
    public int RealBatches { get; init; } = int.MaxValue;

    /// <summary>Generated sequences per batch on the real disk.</summary>
    public int RealBatchSize { get; init; } = 20;

    /// <summary>Coyote batches per strategy.</summary>
    public int InterleaveBatches { get; init; } = int.MaxValue;

    /// <summary>Coyote executions per batch.</summary>
    public int InterleaveBatchSize { get; init; } = 100;

    /// <summary>The strategies Coyote explores with, taking turns batch by batch.</summary>
    public IReadOnlyList<InterleavingStrategy> Strategies { get; init; } =
        [InterleavingStrategy.Random, InterleavingStrategy.Pct, InterleavingStrategy.Probabilistic, InterleavingStrategy.Prioritization];

    /// <summary>The share of the budget each checker gets; what a checker leaves unused goes to the ones after it.</summary>
    public IReadOnlyDictionary<string, double> Shares { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [Checkers.ModelCheck] = 0.25,
        [Checkers.Exhaustive] = 0.10,
        [Checkers.ConformSim] = 0.20,
        [Checkers.ConformReal] = 0.15,
        [Checkers.Interleave] = 0.30,
    };
}
