using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Harness.Checking.ModelChecking;
using Harness.Model;

namespace Harness.Benchmarks;

/// <summary>
/// The model checker's engine options side by side on <c>target</c>: one thread against two (parallel search),
/// symmetry reduction on and off, the exact store against hash compaction, parents and edges in memory against spilled
/// to temporary files, at the larger default-width bound, at a wide one (two agents, two roles, two ids: 11 words a
/// state) and at the nightly bound (about five million states: the size at which the two threads' share is measured).
/// </summary>
[Config(typeof(VariantConfig))]
public class ModelCheckerVariantBenchmarks
{
    // Declared before the options that use it (static fields start in order). One directory for the process, removed
    // when it exits (the files in it are unlinked as soon as they are opened).
    private static readonly Lazy<TempFileSpill> Spill = new(() =>
    {
        var spill = new TempFileSpill();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => spill.Dispose();
        return spill;
    });

    /// <summary>The bounds measured, by name.</summary>
    public static readonly IReadOnlyDictionary<string, Bounds> BoundsByName = new Dictionary<string, Bounds>
    {
        ["large"] = new Bounds { Operations = 5, IoErrors = 2, Crashes = 2 },
        ["wide"] = new Bounds { Agents = 2, Roles = 2, Ids = 2, Operations = 3 },
        ["nightly"] = new Bounds { Operations = 6, IoErrors = 2, Crashes = 2, PowerLosses = 2, LinkBreaks = 2 },
    };

    /// <summary>The options measured, by name.</summary>
    public static readonly IReadOnlyDictionary<string, CheckOptions> OptionsByName = new Dictionary<string, CheckOptions>
    {
        ["one-thread"] = new CheckOptions { Threads = 1 },
        ["two-threads"] = new CheckOptions { Threads = 2 },
        ["no-symmetry"] = new CheckOptions { Threads = 1, Symmetry = false },
        ["hash-compaction"] = new CheckOptions { Threads = 1, Store = StoreKind.HashCompaction },
        ["spilled"] = new CheckOptions { Threads = 1, Spill = Spill.Value },
    };

    internal static readonly ConcurrentDictionary<string, CheckResult> Results = new();

    /// <summary>The bound.</summary>
    [Params("large", "wide", "nightly")]
    public string Bound { get; set; } = "large";

    /// <summary>The engine options.</summary>
    [Params("one-thread", "two-threads", "no-symmetry", "hash-compaction", "spilled")]
    public string Variant { get; set; } = "one-thread";

    /// <summary>One exhaustive run.</summary>
    [Benchmark]
    public CheckResult Explore()
    {
        var result = ModelChecker.Check(Harness.Model.Design.Target, BoundsByName[Bound], OptionsByName[Variant]);
        Results[$"{Bound}/{Variant}"] = result;
        return result;
    }

    /// <summary>Adds the states, states/s and stored bytes per state columns.</summary>
    private sealed class VariantConfig : ManualConfig
    {
        public VariantConfig() => AddColumn(StatesColumn.All("variant-", c =>
            {
                var bound = (string)c.Parameters["Bound"];
                var variant = (string)c.Parameters["Variant"];
                return Results.GetOrAdd($"{bound}/{variant}", _ => ModelChecker.Check(Harness.Model.Design.Target, BoundsByName[bound], OptionsByName[variant]));
            }));
    }
}
