using System.Diagnostics;
using System.Globalization;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;

namespace Harness.Benchmarks;

/// <summary>
/// The cluster's cost against its floor measured alternately, for a machine where a benchmark's separate cases drift apart:
/// 100 executions of the cluster, then 100 of the floor, round after round in one process, and the median of the rounds'
/// ratios. Run as <c>dotnet run -c Release --project benchmarks/Harness.Benchmarks -- --floor-ratio [rounds]</c>.
/// </summary>
public static class FloorRatio
{
    private const int Schedules = 100;

    /// <summary>The option that selects this measurement instead of BenchmarkDotNet.</summary>
    public const string Option = "--floor-ratio";

    /// <summary>Runs <paramref name="rounds"/> alternating rounds after ten of warm-up and prints the medians.</summary>
    public static void Run(int rounds, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentNullException.ThrowIfNull(output);
        var cluster = new InterleavingOptions { Design = AgentDesign.TargetIncarnation };
        var settings = new ExplorationSettings { Seed = 1, Iterations = Schedules };
        var shape = Floor.ShapeOf(cluster, Schedules);
        var ring = Floor.RingFor(shape);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"cluster: {shape.Steps:F1} scheduling steps ({shape.Choices:F1} of them choices) and {shape.Wakes:F1} wake-ups an execution; floor: {ring.Passes} passes, {ring.Choices} choices and {ring.Points} more scheduling points"));
        for (var warm = 0; warm < 10; warm++)
        {
            CleanRun.Explore(cluster, settings);
            Floor.Explore(Schedules, ring, coyoteInboxes: false);
        }

        var clusterMs = new List<double>();
        var floorMs = new List<double>();
        var ratios = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            CleanRun.Explore(cluster, settings);
            var c = clock.Elapsed.TotalMilliseconds / Schedules;
            clock.Restart();
            Floor.Explore(Schedules, ring, coyoteInboxes: false);
            var f = clock.Elapsed.TotalMilliseconds / Schedules;
            clusterMs.Add(c);
            floorMs.Add(f);
            ratios.Add(c / f);
        }

        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{rounds} rounds: the cluster {Median(clusterMs):F2} ms, the floor {Median(floorMs):F2} ms an execution (medians); ratio median {Median(ratios):F2} (rounds {ratios.Min():F2}-{ratios.Max():F2})"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
