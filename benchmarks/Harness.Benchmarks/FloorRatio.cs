using System.Diagnostics;
using System.Globalization;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;

namespace Harness.Benchmarks;

/// <summary>
/// The cluster's cost against its floor measured alternately, for a machine where a benchmark's separate cases drift apart:
/// 100 executions of the cluster, then 100 of the floor, round after round in one process, and the median of the rounds'
/// ratios. Run as <c>dotnet run -c Release --project benchmarks/Harness.Benchmarks -- --floor-ratio [rounds] [--processes N]</c>.
/// </summary>
public static class FloorRatio
{
    private const int Schedules = 100;

    // The words before the ratio in a run's last line, which the several-process run reads from each process.
    private const string RatioLabel = "ratio median";

    /// <summary>The option that selects this measurement instead of BenchmarkDotNet.</summary>
    public const string Option = "--floor-ratio";

    /// <summary>The option that runs the measurement in several processes one after another.</summary>
    public const string ProcessesOption = "--processes";

    /// <summary>
    /// Runs <paramref name="rounds"/> alternating rounds after ten of warm-up and prints the medians; the last line, with
    /// the median ratio, is what <see cref="RunProcesses"/> reads from each process.
    /// </summary>
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
            $"{rounds} rounds: the cluster {Median(clusterMs):F2} ms, the floor {Median(floorMs):F2} ms an execution (medians); {RatioLabel} {Median(ratios):F3} (rounds {ratios.Min():F2}-{ratios.Max():F2})"));
    }

    /// <summary>
    /// Runs the measurement in <paramref name="processes"/> fresh processes of this program, one after another, and prints
    /// each one's median ratio and the median of those. One process's median moves by more than a tenth of the floor from
    /// one process to the next on this machine (each process compiles and places its threads anew), far more than
    /// between its own rounds, so a figure to compare is the median over processes. Returns it, or null when a process
    /// failed.
    /// </summary>
    public static double? RunProcesses(int rounds, int processes, TextWriter output)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(processes, 1);
        ArgumentNullException.ThrowIfNull(output);
        var medians = new List<double>();
        for (var process = 1; process <= processes; process++)
        {
            var start = SelfStart();
            start.ArgumentList.Add(Option);
            start.ArgumentList.Add(rounds.ToString(CultureInfo.InvariantCulture));
            start.RedirectStandardOutput = true;
            using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
            double? median = null;
            while (child.StandardOutput.ReadLine() is { } line)
            {
                output.WriteLine($"process {process}: {line}");
                median ??= ParseRatio(line);
            }

            child.WaitForExit();
            if (child.ExitCode != 0 || median is not { } m)
            {
                output.WriteLine($"process {process} failed (exit code {child.ExitCode})");
                return null;
            }

            medians.Add(m);
        }

        var overall = Median(medians);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{processes} processes of {rounds} rounds: {RatioLabel}s {string.Join(", ", medians.Select(m => m.ToString("F3", CultureInfo.InvariantCulture)))}; median {overall:F3} (spread {medians.Min():F3}-{medians.Max():F3})"));
        return overall;
    }

    private static double? ParseRatio(string line)
    {
        var at = line.IndexOf(RatioLabel + " ", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var value = line[(at + RatioLabel.Length + 1)..].Split(' ')[0];
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) ? ratio : null;
    }

    // This program again: its own executable, or the host with this assembly when started as `dotnet Harness.Benchmarks.dll`.
    private static ProcessStartInfo SelfStart()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var start = new ProcessStartInfo(path) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            start.ArgumentList.Add(typeof(FloorRatio).Assembly.Location);
        }

        return start;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
