using System.Collections;
using System.Globalization;
using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>
/// Bounded exhaustive conformance: a breadth-first search over model states up to a depth, from the model's enabled actions
/// (faults included, one of each kind), keeping one shortest action sequence per state. The sequences of the search tree's
/// leaves are returned: lockstep compares after every line, so running the leaves checks every state's sequence.
/// </summary>
public static class ExhaustiveSequences
{
    /// <summary>
    /// The most model states one search keeps (about 300 bytes each while it runs): past it the search stops with
    /// <see cref="ExhaustiveSearchTooLargeException"/> rather than exhaust the machine's memory.
    /// </summary>
    public const int MaxStates = 2_000_000;

    /// <summary>
    /// The bounds of the search: <paramref name="agents"/> agents, <paramref name="roles"/> roles of <paramref name="ids"/>
    /// ids (by default one, one and two), four operations, one fault of each kind (no power loss on the real disk), and two
    /// disk units per agent: four operations make at most two volumes, so more units would only add reservations.
    /// </summary>
    public static Bounds SearchBounds(DiskKind disk, int agents = 1, int roles = 1, int ids = 2) =>
        new() { Agents = agents, Roles = roles, Ids = ids, Operations = 4, PowerLosses = disk == DiskKind.Simulated ? 1 : 0, Capacity = 2 };

    /// <summary>
    /// One scenario per leaf of the breadth-first tree over model states of at most <paramref name="depth"/> actions, over
    /// <paramref name="agents"/> agents and <paramref name="roles"/> roles of <paramref name="ids"/> ids. The scenarios are
    /// written when they are read: the search keeps only each state's parent and action once it ends. More than
    /// <paramref name="maxStates"/> states stop it with <see cref="ExhaustiveSearchTooLargeException"/>.
    /// </summary>
    public static IReadOnlyList<Scenario> UpTo(
        Design design, int depth, DiskKind disk, int agents = 1, int roles = 1, int ids = 2, int maxStates = MaxStates)
    {
        var semantics = new Semantics(design, new Layout(SearchBounds(disk, agents, roles, ids)));
        var initial = semantics.Initial();

        // A state's number is its index in parents and actions; the states themselves are kept only to tell new ones apart.
        var seen = new Dictionary<ModelState, int> { [initial] = 0 };
        var parents = new List<int> { -1 };
        var actions = new List<ModelAction> { default };
        var hasChild = new List<bool> { false };
        var frontier = new List<(ModelState State, int Number)> { (initial, 0) };
        var buffer = new ModelAction[512];
        for (var level = 0; level < depth && frontier.Count > 0; level++)
        {
            var next = new List<(ModelState, int)>();
            foreach (var (s, number) in frontier)
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
                    if (seen.ContainsKey(t))
                    {
                        continue;
                    }

                    if (seen.Count >= maxStates)
                    {
                        throw new ExhaustiveSearchTooLargeException(string.Create(CultureInfo.InvariantCulture,
                            $"the exhaustive search to depth {depth} over {agents} x {roles} x {ids} agents x roles x ids holds more than {maxStates:N0} model states at depth {level + 1}; lower --exhaustive-depth"));
                    }

                    seen[t] = parents.Count;
                    parents.Add(number);
                    actions.Add(buffer[i]);
                    hasChild.Add(false);
                    hasChild[number] = true;
                    next.Add((t, parents.Count - 1));
                }
            }

            frontier = next;
        }

        var leaves = new List<int>();
        for (var number = 1; number < parents.Count; number++)
        {
            if (!hasChild[number])
            {
                leaves.Add(number);
            }
        }

        return new Leaves(semantics, [.. parents], [.. actions], leaves);
    }

    /// <summary>The leaves' scenarios, each written when it is read by replaying its actions from the initial state.</summary>
    private sealed class Leaves(Semantics semantics, int[] parents, ModelAction[] actions, List<int> leaves) : IReadOnlyList<Scenario>
    {
        public int Count => leaves.Count;

        public Scenario this[int index]
        {
            get
            {
                var path = new List<ModelAction>();
                for (var number = leaves[index]; number > 0; number = parents[number])
                {
                    path.Add(actions[number]);
                }

                path.Reverse();
                var state = semantics.Initial();
                var lines = new List<ScenarioCommand>();
                foreach (var action in path)
                {
                    lines.AddRange(ScenarioText.Lines(semantics, state, action));
                    semantics.Apply(ref state, in action);
                }

                return ScenarioShrinker.Renumber(lines, "exhaustive");
            }
        }

        public IEnumerator<Scenario> GetEnumerator()
        {
            for (var i = 0; i < leaves.Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>An exhaustive search whose bounds need more model states than <see cref="ExhaustiveSequences.MaxStates"/>.</summary>
public sealed class ExhaustiveSearchTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ExhaustiveSearchTooLargeException()
    {
    }

    /// <summary>Creates the exception with the message a user reads.</summary>
    public ExhaustiveSearchTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message a user reads and its cause.</summary>
    public ExhaustiveSearchTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
