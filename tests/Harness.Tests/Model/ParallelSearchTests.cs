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
    /// shortest violation of every property, on one thread and on two.
    /// </summary>
    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_AnyThreads_AgreesWithATextbookBreadthFirstSearch(Design design)
    {
        var bounds = new Bounds { Agents = 2, Operations = 2 };
        var expected = TextbookSearch(design, bounds);

        foreach (var threads in new[] { 1, 2 })
        {
            var r = ModelChecker.Check(design, bounds, new CheckOptions { Threads = threads, CheckConvergence = false });
            var shortest = r.Violations.ToDictionary(v => v.Property, v => v.Steps.Count);
            Assert.Equal(expected, (r.States, r.Transitions, r.Depth, Sorted(shortest)));
        }
    }

    private static (int States, long Transitions, int Depth, string Shortest) TextbookSearch(Design design, Bounds bounds)
    {
        var layout = new Layout(bounds);
        var semantics = new Semantics(design, layout) { Reductions = Reductions.All };
        var symmetry = new Symmetry(design, layout);
        var initial = semantics.Initial();
        symmetry.Canonicalize(ref initial);
        var depthOf = new Dictionary<ModelState, int> { [initial] = 0 };
        var queue = new Queue<ModelState>([initial]);
        var shortest = new Dictionary<PropertyId, int>();
        var actions = new ModelAction[1024];
        long transitions = 0;
        while (queue.TryDequeue(out var state))
        {
            var depth = depthOf[state];
            var n = semantics.Enumerate(in state, actions);
            transitions += n;
            for (var i = 0; i < n; i++)
            {
                var next = state;
                var violated = semantics.Apply(ref next, in actions[i]);
                foreach (var p in Properties.Modelled.Where(p => (violated & p.Bit()) != 0))
                {
                    shortest.TryAdd(p, depth + 1);
                }

                symmetry.Canonicalize(ref next);
                if (depthOf.TryAdd(next, depth + 1))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return (depthOf.Count, transitions, depthOf.Values.Max(), Sorted(shortest));
    }

    private static string Sorted(Dictionary<PropertyId, int> shortest) =>
        string.Join(", ", shortest.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key.Name()} {kv.Value}"));

    private static List<string> Traces(CheckResult r) =>
        [.. r.Violations.Select(v => $"{v.Property.Name()}: {v.ToScenario().Format()}")];
}
