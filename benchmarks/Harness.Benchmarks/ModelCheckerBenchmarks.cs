using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
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
        public StatesConfig() => AddColumn(StatesColumn.All("model-checker-", c =>
            {
                var bound = (string)c.Parameters["Bound"];
                var design = (string)c.Parameters["Design"];
                return Results.GetOrAdd(Key(bound, design), _ => ModelChecker.Check(Designs.Parse(design), BoundsByName[bound]));
            }));
    }
}
