using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Harness.Model;

namespace Harness.Benchmarks;

/// <summary>
/// The model checker's engine options side by side on <c>target</c>: one thread against two (parallel search),
/// symmetry reduction on and off, the exact store against hash compaction, at the larger default-width bound and at
/// a wide one (two agents, two roles, two ids: 11 words a state).
/// </summary>
[Config(typeof(VariantConfig))]
public class ModelCheckerVariantBenchmarks
{
    /// <summary>The bounds measured, by name.</summary>
    public static readonly IReadOnlyDictionary<string, Bounds> BoundsByName = new Dictionary<string, Bounds>
    {
        ["large"] = new Bounds { Operations = 5, IoErrors = 2, Crashes = 2 },
        ["wide"] = new Bounds { Agents = 2, Roles = 2, Ids = 2, Operations = 3 },
    };

    /// <summary>The options measured, by name.</summary>
    public static readonly IReadOnlyDictionary<string, CheckOptions> OptionsByName = new Dictionary<string, CheckOptions>
    {
        ["one-thread"] = new CheckOptions { Threads = 1 },
        ["two-threads"] = new CheckOptions { Threads = 2 },
        ["no-symmetry"] = new CheckOptions { Threads = 1, Symmetry = false },
        ["hash-compaction"] = new CheckOptions { Threads = 1, Store = StoreKind.HashCompaction },
    };

    internal static readonly ConcurrentDictionary<string, CheckResult> Results = new();

    /// <summary>The bound.</summary>
    [Params("large", "wide")]
    public string Bound { get; set; } = "large";

    /// <summary>The engine options.</summary>
    [Params("one-thread", "two-threads", "no-symmetry", "hash-compaction")]
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
        public VariantConfig()
        {
            AddColumn(new VariantColumn("States", (r, _) => r.States.ToString("N0", CultureInfo.InvariantCulture)));
            AddColumn(new VariantColumn("States/s", (r, mean) => (r.States / mean).ToString("N0", CultureInfo.InvariantCulture)));
            AddColumn(new VariantColumn("Bytes/state", (r, _) => r.BytesPerState.ToString("F1", CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>A column computed from the states a case explored and its mean time in seconds.</summary>
    private sealed class VariantColumn(string name, Func<CheckResult, double, string> value) : IColumn
    {
        public string Id => "variant-" + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => name switch
        {
            "States" => "distinct states stored",
            "States/s" => "distinct states per second of mean time",
            _ => "bytes the visited set keeps per state",
        };

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var bound = (string)benchmarkCase.Parameters["Bound"];
            var variant = (string)benchmarkCase.Parameters["Variant"];

            // Results are recorded in the benchmark process; recompute here once if this is the host process.
            var result = Results.GetOrAdd($"{bound}/{variant}", _ => ModelChecker.Check(Harness.Model.Design.Target, BoundsByName[bound], OptionsByName[variant]));
            var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
            return mean is null ? "-" : value(result, mean.Value / 1e9);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
