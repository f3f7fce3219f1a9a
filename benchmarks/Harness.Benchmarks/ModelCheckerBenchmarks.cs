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
/// Distinct states per second and bytes per stored state of the exhaustive model checker, at a small and
/// a larger bound, on the design with the most states. Convergence is decided too, as in a real run.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(StatesConfig))]
public class ModelCheckerBenchmarks
{
    /// <summary>The bounds measured, by name.</summary>
    public static readonly IReadOnlyDictionary<string, Bounds> BoundsByName = new Dictionary<string, Bounds>
    {
        ["default"] = new Bounds(),
        ["large"] = new Bounds { Operations = 5, IoErrors = 2, Crashes = 2 },
    };

    internal static readonly ConcurrentDictionary<string, CheckResult> Results = new();

    /// <summary>The bound.</summary>
    [Params("default", "large")]
    public string Bound { get; set; } = "default";

    /// <summary>The design.</summary>
    [Params("target", "target-incarnation")]
    public string Design { get; set; } = "target";

    /// <summary>One exhaustive run.</summary>
    [Benchmark]
    public CheckResult Explore()
    {
        var result = ModelChecker.Check(Designs.Parse(Design), BoundsByName[Bound]);
        Results[Key(Bound, Design)] = result;
        return result;
    }

    internal static string Key(string bound, string design) => $"{bound}/{design}";

    /// <summary>Adds the states, states/s and stored bytes per state columns.</summary>
    private sealed class StatesConfig : ManualConfig
    {
        public StatesConfig()
        {
            AddColumn(new StatesColumn("States", (r, _) => r.States.ToString("N0", CultureInfo.InvariantCulture)));
            AddColumn(new StatesColumn("States/s", (r, mean) => (r.States / mean).ToString("N0", CultureInfo.InvariantCulture)));
            AddColumn(new StatesColumn("Bytes/state", (r, _) => r.BytesPerState.ToString("F1", CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>A column computed from the states a case explored and its mean time in seconds.</summary>
    private sealed class StatesColumn(string name, Func<CheckResult, double, string> value) : IColumn
    {
        public string Id => name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => name switch
        {
            "States" => "distinct states explored",
            "States/s" => "distinct states per second of mean time",
            _ => "bytes the visited set holds per state",
        };

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var bound = (string)benchmarkCase.Parameters["Bound"];
            var design = (string)benchmarkCase.Parameters["Design"];

            // Results are recorded in the benchmark process; recompute here once if this is the host process.
            var result = Results.GetOrAdd(Key(bound, design), _ => ModelChecker.Check(Designs.Parse(design), BoundsByName[bound]));
            var report = summary[benchmarkCase];
            var mean = report?.ResultStatistics?.Mean;
            return mean is null ? "-" : value(result, mean.Value / 1e9);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
