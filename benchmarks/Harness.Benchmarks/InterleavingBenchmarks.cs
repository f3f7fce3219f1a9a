using BenchmarkDotNet.Attributes;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;

namespace Harness.Benchmarks;

/// <summary>
/// Schedules per second of the Coyote interleaving harness on the correct design (target-incarnation), so no bug cuts
/// an exploration short: one invocation explores <see cref="Schedules"/> executions, and BenchmarkDotNet reports the
/// time per execution. With two engines the executions are shared between them, so the time per execution is the
/// exploration's wall-clock rate on this machine.
/// </summary>
[MemoryDiagnoser]
public class InterleavingBenchmarks
{
    private const int Schedules = 100;

    private readonly InterleavingOptions options = new() { Design = AgentDesign.TargetIncarnation };

    /// <summary>The fault kinds enabled.</summary>
    [Params("none", "all")]
    public string Faults { get; set; } = "all";

    /// <summary>Coyote engines side by side (one execution at a time each).</summary>
    [Params(1, 2)]
    public int Engines { get; set; } = 1;

    /// <summary>Explores <see cref="Schedules"/> executions with the prioritization strategy.</summary>
    [Benchmark(OperationsPerInvoke = Schedules)]
    public int ExploreTargetIncarnation()
    {
        return CleanRun.Explore(
            options with { Faults = FaultKindNames.Parse(Faults) },
            new ExplorationSettings { Seed = 1, Iterations = Schedules, Parallel = Engines });
    }
}

/// <summary>The benchmarks' one exploration of the correct design, where a bug would mean the measurement is wrong.</summary>
internal static class CleanRun
{
    /// <summary>Explores and returns the executions run; throws when a bug cut the exploration short.</summary>
    public static int Explore(InterleavingOptions options, ExplorationSettings settings)
    {
        var result = InterleavingExplorer.Explore(options, settings);
        return result.BugFound ? throw new InvalidOperationException(result.BugText) : result.Iterations;
    }
}

/// <summary>
/// What refinement costs: schedules per second of one engine on the correct design with every fault, with the model
/// stepped and compared beside the implementation after every handler, and without.
/// </summary>
[MemoryDiagnoser]
public class RefinementBenchmarks
{
    private const int Schedules = 100;

    /// <summary>Whether the refinement observer runs.</summary>
    [Params(false, true)]
    public bool Refinement { get; set; }

    /// <summary>Explores <see cref="Schedules"/> executions with the prioritization strategy.</summary>
    [Benchmark(OperationsPerInvoke = Schedules)]
    public int ExploreTargetIncarnation()
    {
        return CleanRun.Explore(
            new InterleavingOptions { Design = AgentDesign.TargetIncarnation, Refinement = Refinement },
            new ExplorationSettings { Seed = 1, Iterations = Schedules });
    }
}
