using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

public class ParallelSearchTests
{
    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_SeveralThreads_SameStatesVerdictsAndTracesAsOne(Design design)
    {
        var bounds = new Bounds { Agents = 2, Operations = 2 };

        var one = ModelChecker.Check(design, bounds, new CheckOptions { Threads = 1 });
        var three = ModelChecker.Check(design, bounds, new CheckOptions { Threads = 3 });

        Assert.Equal(1, one.Threads);
        Assert.Equal(3, three.Threads);
        Assert.Equal((one.States, one.Transitions, one.Depth), (three.States, three.Transitions, three.Depth));
        Assert.Equal(Traces(one), Traces(three));
        Assert.True(one.States > 4 * 256, "a level spans several chunks, so that several threads take part");
    }

    [Fact]
    public void Check_SeveralThreadsTwice_SameTraces()
    {
        var bounds = new Bounds();

        var first = ModelChecker.Check(Design.Target, bounds, new CheckOptions { Threads = 2 });
        var second = ModelChecker.Check(Design.Target, bounds, new CheckOptions { Threads = 2 });

        Assert.NotEmpty(first.Violations);
        Assert.Equal(Traces(first), Traces(second));
    }

    /// <summary>
    /// The checker's batches, chunks, per-chunk duplicate removal and pipelined merge against a textbook breadth-first
    /// search (a queue and a dictionary) over the same rules: the same states, transitions and depth, and the same
    /// shortest violation of every property, convergence included, on one thread and on two.
    /// </summary>
    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_AnyThreads_AgreesWithATextbookBreadthFirstSearch(Design design) =>
        AgreesWithTextbook(design, new Bounds { Agents = 2, Operations = 2 });

    /// <summary>
    /// The same at a bound whose larger levels span two or three batches (up to about 32,000 states a level against 16,384
    /// a batch; 146,121 states in all), so that lookups run while the previous batch is merged and segments grow under them.
    /// </summary>
    [Fact]
    public void Check_LevelsOfSeveralBatches_AgreesWithATextbookBreadthFirstSearch()
    {
        var bounds = new Bounds { Operations = 4, IoErrors = 2, Crashes = 2 };

        var (states, _, _, shortest) = AgreesWithTextbook(Design.Target, bounds);

        Assert.True(states > 4 * 16_384, "levels span several batches");
        Assert.Contains("convergence", shortest, StringComparison.Ordinal);
    }

    private static (int, long, int, string) AgreesWithTextbook(Design design, Bounds bounds)
    {
        var (expected, stuck) = TextbookSearch(design, bounds);
        foreach (var threads in new[] { 1, 2 })
        {
            var r = ModelChecker.Check(design, bounds, new CheckOptions { Threads = threads });
            var shortest = r.Violations.ToDictionary(v => v.Property, v => v.Steps.Count);
            Assert.Equal(expected, (r.States, r.Transitions, r.Depth, Sorted(shortest)));

            // Both number states in the same order, so the nearest state that cannot converge is the same state.
            if (r.ViolationOf(PropertyId.Convergence) is { } convergence)
            {
                Assert.Equal(stuck, EndOf(design, bounds, convergence));
            }
        }

        return expected;
    }

    // Breadth-first over canonical states; convergence by a backward fixpoint over the fault-free transitions: the
    // nearest state from which no converged state is reachable is the end of the shortest convergence counterexample.
    private static ((int States, long Transitions, int Depth, string Shortest) Result, ModelState? Stuck) TextbookSearch(Design design, Bounds bounds)
    {
        var (semantics, symmetry) = Rules(design, bounds);
        var initial = semantics.Initial();
        symmetry.Canonicalize(ref initial);
        var index = new Dictionary<ModelState, int> { [initial] = 0 };
        var states = new List<ModelState> { initial };
        var depths = new List<int> { 0 };
        var progress = new List<List<int>>();
        var shortest = new Dictionary<PropertyId, int>();
        var actions = new ModelAction[1024];
        long transitions = 0;
        for (var at = 0; at < states.Count; at++)
        {
            var state = states[at];
            var n = semantics.Enumerate(in state, actions);
            transitions += n;
            progress.Add([]);
            for (var i = 0; i < n; i++)
            {
                var next = state;
                var violated = semantics.Apply(ref next, in actions[i]);
                foreach (var p in Properties.Modelled.Where(p => (violated & p.Bit()) != 0))
                {
                    shortest.TryAdd(p, depths[at] + 1);
                }

                symmetry.Canonicalize(ref next);
                if (!index.TryGetValue(next, out var to))
                {
                    to = states.Count;
                    index.Add(next, to);
                    states.Add(next);
                    depths.Add(depths[at] + 1);
                }

                if (actions[i].IsProgress)
                {
                    progress[at].Add(to);
                }
            }
        }

        var reaches = states.Select(s => semantics.IsConverged(in s)).ToArray();
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = 0; i < states.Count; i++)
            {
                if (!reaches[i] && progress[i].Exists(t => reaches[t]))
                {
                    reaches[i] = changed = true;
                }
            }
        }

        var stuck = Array.IndexOf(reaches, false);
        if (stuck >= 0)
        {
            shortest[PropertyId.Convergence] = depths[stuck];
        }

        return ((states.Count, transitions, depths.Max(), Sorted(shortest)), stuck >= 0 ? states[stuck] : null);
    }

    // The canonical state a counterexample ends in.
    private static ModelState EndOf(Design design, Bounds bounds, Violation violation)
    {
        var (semantics, symmetry) = Rules(design, bounds);
        var state = semantics.Initial();
        foreach (var step in violation.Steps)
        {
            semantics.Apply(ref state, step.Action);
        }

        symmetry.Canonicalize(ref state);
        return state;
    }

    // The rules the checker runs with (every reduction) and its canonical form.
    private static (Semantics Semantics, Symmetry Symmetry) Rules(Design design, Bounds bounds)
    {
        var layout = new Layout(bounds);
        return (new Semantics(design, layout) { Reductions = Reductions.All }, new Symmetry(design, layout));
    }

    private static string Sorted(Dictionary<PropertyId, int> shortest) =>
        string.Join(", ", shortest.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key.Name()} {kv.Value}"));

    private static List<string> Traces(CheckResult r) =>
        [.. r.Violations.Select(v => $"{v.Property.Name()}: {v.ToScenario().Format()}")];
}
