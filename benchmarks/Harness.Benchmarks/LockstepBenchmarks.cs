using BenchmarkDotNet.Attributes;
using Harness.Checking;
using Harness.Checking.Generation;
using Harness.Model;

namespace Harness.Benchmarks;

/// <summary>
/// Model-plus-implementation lockstep steps per second on the simulated disk: the same 100 generated scenarios of
/// target-incarnation run each iteration (one line is one model step and one implementation step, with both observed and
/// compared). Divide the scenarios' lines (printed once) by the mean time.
/// </summary>
[MemoryDiagnoser]
public class LockstepBenchmarks
{
    private IReadOnlyList<Scenario> scenarios = [];

    /// <summary>Draws the scenarios once, outside the measurement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        scenarios = [.. ScenarioGenerator.Sample(Design.TargetIncarnation, new GenerationOptions(), ConformOptions.DefaultSeed, 100).Select(g => g.Scenario)];
        Console.WriteLine($"// lockstep lines per iteration: {scenarios.Sum(s => s.Commands.Count)}");
    }

    /// <summary>Runs every scenario in lockstep, convergence phase included; returns the lines run.</summary>
    [Benchmark]
    public int RunGeneratedScenarios()
    {
        var lines = 0;
        foreach (var scenario in scenarios)
        {
            var runner = new LockstepRunner(Design.TargetIncarnation, scenario);
            runner.Start();
            lines += runner.Run().Lines.Count;
        }

        return lines;
    }

    /// <summary>
    /// The same, without writing each step's events (what <c>harness conform</c> does for its bulk runs, where only the
    /// verdicts are read); the observations are compared all the same.
    /// </summary>
    [Benchmark]
    public int RunGeneratedScenariosWithoutNarration()
    {
        var options = new LockstepOptions { Implementation = new ImplOptions { Narrate = false } };
        var lines = 0;
        foreach (var scenario in scenarios)
        {
            var runner = new LockstepRunner(Design.TargetIncarnation, scenario, options);
            runner.Start();
            lines += runner.Run().Lines.Count;
        }

        return lines;
    }
}
