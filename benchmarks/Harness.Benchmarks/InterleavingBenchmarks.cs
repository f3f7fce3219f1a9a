using BenchmarkDotNet.Attributes;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;

namespace Harness.Benchmarks;

/// <summary>
/// Schedules per second of the Coyote interleaving harness on the correct design (target-incarnation), so no bug cuts
/// an exploration short: one invocation explores <see cref="Schedules"/> executions, and BenchmarkDotNet reports the
/// time per execution.
/// </summary>
[MemoryDiagnoser]
public class InterleavingBenchmarks
{
    private const int Schedules = 100;

    private readonly InterleavingOptions options = new() { Design = AgentDesign.TargetIncarnation };

    /// <summary>The fault kinds enabled.</summary>
    [Params("none", "all")]
    public string Faults { get; set; } = "all";

    /// <summary>Explores <see cref="Schedules"/> executions with the prioritization strategy.</summary>
    [Benchmark(OperationsPerInvoke = Schedules)]
    public int ExploreTargetIncarnation()
    {
        var result = InterleavingExplorer.Explore(
            options with { Faults = FaultKindNames.Parse(Faults) },
            new ExplorationSettings { Seed = 1, Iterations = Schedules });
        return result.BugFound ? throw new InvalidOperationException(result.BugText) : result.Iterations;
    }
}
