using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>
/// Bounded exhaustive conformance: a breadth-first search over model states up to a depth, from the model's enabled actions
/// (faults included, one of each kind), keeping one shortest action sequence per state. The sequences of the search tree's
/// leaves are returned: lockstep compares after every line, so running the leaves checks every state's sequence.
/// </summary>
public static class ExhaustiveSequences
{
    /// <summary>The bounds of the search: two ids, four operations, one fault of each kind (no power loss on the real disk).</summary>
    public static Bounds SearchBounds(DiskKind disk) =>
        new() { Ids = 2, Operations = 4, PowerLosses = disk == DiskKind.Simulated ? 1 : 0, Capacity = 2 };

    /// <summary>One scenario per leaf of the breadth-first tree over model states of at most <paramref name="depth"/> actions.</summary>
    public static IReadOnlyList<Scenario> UpTo(Design design, int depth, DiskKind disk)
    {
        var semantics = new Semantics(design, new Layout(SearchBounds(disk)));
        var initial = semantics.Initial();
        var parent = new Dictionary<ModelState, (ModelState Parent, ModelAction Action, bool HasChild)> { [initial] = (initial, default, false) };
        var frontier = new List<ModelState> { initial };
        var buffer = new ModelAction[512];
        for (var level = 0; level < depth && frontier.Count > 0; level++)
        {
            var next = new List<ModelState>();
            foreach (var s in frontier)
            {
                var n = semantics.Enumerate(in s, buffer);
                for (var i = 0; i < n; i++)
                {
                    if (disk == DiskKind.Real && buffer[i].Kind == ActionKind.Writeback)
                    {
                        continue;
                    }

                    var t = s;
                    semantics.Apply(ref t, in buffer[i]);
                    if (parent.ContainsKey(t))
                    {
                        continue;
                    }

                    parent[t] = (s, buffer[i], false);
                    parent[s] = parent[s] with { HasChild = true };
                    next.Add(t);
                }
            }

            frontier = next;
        }

        var scenarios = new List<Scenario>();
        foreach (var (state, entry) in parent)
        {
            if (entry.HasChild || state == initial)
            {
                continue;
            }

            var path = new List<(ModelState Before, ModelAction Action)>();
            for (var s = state; s != initial; s = parent[s].Parent)
            {
                path.Add((parent[s].Parent, parent[s].Action));
            }

            path.Reverse();
            var lines = path.SelectMany(p => ScenarioText.Lines(semantics, p.Before, p.Action));
            scenarios.Add(ScenarioShrinker.Renumber(lines, "exhaustive"));
        }

        return scenarios;
    }
}
