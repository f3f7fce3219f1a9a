using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Harness.Model;

namespace Harness.Benchmarks;

/// <summary>
/// A column of a model-checker benchmark computed from the states a case explored and its mean time in seconds: the
/// states, the states per second, the bytes the visited set keeps per state, the most memory the search held.
/// </summary>
internal sealed class StatesColumn(string prefix, string name, string legend, Func<BenchmarkCase, CheckResult> resultOf, Func<CheckResult, double, string> value) : IColumn
{
    /// <summary>The three columns, for benchmarks whose case is turned into its check result by <paramref name="resultOf"/>.</summary>
    /// <remarks>Results are recorded in the benchmark process; <paramref name="resultOf"/> recomputes one in the host process.</remarks>
    public static IColumn[] All(string prefix, Func<BenchmarkCase, CheckResult> resultOf) =>
    [
        new StatesColumn(prefix, "States", "distinct states stored", resultOf, (r, _) => r.States.ToString("N0", CultureInfo.InvariantCulture)),
        new StatesColumn(prefix, "States/s", "distinct states per second of mean time", resultOf, (r, mean) => (r.States / mean).ToString("N0", CultureInfo.InvariantCulture)),
        new StatesColumn(prefix, "Bytes/state", "bytes the visited set keeps per state", resultOf, (r, _) => r.BytesPerState.ToString("F1", CultureInfo.InvariantCulture)),
        new StatesColumn(prefix, "Peak MiB", "the most memory the search held at once (store, table, edges), in MiB", resultOf,
            (r, _) => (r.PeakMemory.Total / (1024.0 * 1024)).ToString("F1", CultureInfo.InvariantCulture)),
    ];

    public string Id => prefix + name;

    public string ColumnName => name;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is null ? "-" : value(resultOf(benchmarkCase), mean.Value / 1e9);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
