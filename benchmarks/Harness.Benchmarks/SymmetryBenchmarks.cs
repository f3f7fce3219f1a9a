using BenchmarkDotNet.Attributes;
using Harness.Model;

namespace Harness.Benchmarks;

/// <summary>
/// What putting a state in its canonical form costs, the work symmetry reduction adds to every transition of the model
/// checker: the states of seeded random walks through the model at the largest bound (three ids, seven operations, two
/// faults of each kind), one agent with incarnations (target-incarnation) and two agents (target).
/// </summary>
public class SymmetryBenchmarks
{
    private const int States = 4096;

    private readonly ModelState[] states = new ModelState[States];
    private readonly ModelState[] canonical = new ModelState[States];
    private Symmetry symmetry = null!;

    /// <summary>The design and the number of agents.</summary>
    [Params("target-incarnation", "target, 2 agents")]
    public string Case { get; set; } = "target-incarnation";

    /// <summary>Collects the states of walks that restart from the initial state every 30 steps.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var design = Case.StartsWith("target-incarnation", StringComparison.Ordinal) ? Design.TargetIncarnation : Design.Target;
        var bounds = new Bounds
        {
            Agents = Case.Contains("2 agents", StringComparison.Ordinal) ? 2 : 1,
            Ids = 3,
            Operations = 7,
            IoErrors = 2,
            Crashes = 2,
            PowerLosses = 2,
            LinkBreaks = 2,
        };
        var layout = new Layout(bounds);
        var semantics = new Semantics(design, layout);
        symmetry = new Symmetry(design, layout);
        var random = new Random(1);
        var actions = new ModelAction[1024];
        var state = semantics.Initial();
        for (var i = 0; i < States; i++)
        {
            var count = i % 30 == 0 ? 0 : semantics.Enumerate(state, actions);
            if (count == 0)
            {
                state = semantics.Initial();
                count = semantics.Enumerate(state, actions);
            }

            semantics.Apply(ref state, actions[random.Next(count)]);
            states[i] = state;
        }
    }

    /// <summary>Canonicalises every collected state (a copy of it).</summary>
    [Benchmark(OperationsPerInvoke = States)]
    public void Canonicalize()
    {
        for (var i = 0; i < States; i++)
        {
            canonical[i] = states[i];
            symmetry.Canonicalize(ref canonical[i]);
        }
    }
}
