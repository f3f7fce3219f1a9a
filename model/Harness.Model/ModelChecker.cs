using System.Diagnostics;

namespace Harness.Model;

/// <summary>One step of a counterexample: the action, its scenario lines, and what happened, as the narration tells it.</summary>
public sealed record TraceStep(ModelAction Action, IReadOnlyList<ScenarioCommand> Lines, IReadOnlyList<string> Events);

/// <summary>A property violated, with the shortest sequence of steps from the initial state that shows it.</summary>
public sealed record Violation(PropertyId Property, IReadOnlyList<TraceStep> Steps, string Explanation)
{
    /// <summary>The trace as a scenario that <c>replay</c> runs as it is.</summary>
    public Scenario ToScenario() => new([.. Steps.SelectMany(s => s.Lines)], $"counterexample for {Property.Name()}");
}

/// <summary>How a run of the model checker went.</summary>
public sealed record CheckResult(
    Design Design,
    Bounds Bounds,
    long States,
    long Transitions,
    int Depth,
    double Seconds,
    double BytesPerState,
    double TableLoad,
    bool Complete,
    IReadOnlyList<Violation> Violations)
{
    /// <summary>Whether a property held in everything explored.</summary>
    public bool Holds(PropertyId property) => Violations.All(v => v.Property != property);

    /// <summary>The violation of a property, if any.</summary>
    public Violation? ViolationOf(PropertyId property) => Violations.FirstOrDefault(v => v.Property == property);

    /// <summary>Distinct states per second.</summary>
    public double StatesPerSecond => Seconds > 0 ? States / Seconds : 0;
}

/// <summary>Options of one model-checking run.</summary>
public sealed record CheckOptions
{
    /// <summary>Stop exploring after this many distinct states (the result is then marked incomplete).</summary>
    public int MaxStates { get; init; } = 100_000_000;

    /// <summary>Decide convergence too (it keeps the fault-free edges in memory).</summary>
    public bool CheckConvergence { get; init; } = true;

    /// <summary>Transitions to leave out because others cover them (all sound reductions by default).</summary>
    public Reductions Reductions { get; init; } = Reductions.All;

    /// <summary>Called after each breadth-first level with (depth, states, transitions).</summary>
    public Action<int, long, long>? Progress { get; init; }

    /// <summary>Stops the search when cancelled (checked every few thousand states); the result is then marked incomplete.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// Explicit-state, breadth-first, exhaustive model checker over the packed states of <see cref="Semantics"/>.
/// Safety properties are evaluated on every transition as it is generated, so the first violation of
/// each property that breadth-first order meets is one with the fewest steps. Convergence is decided
/// afterwards by a backward search over the fault-free transitions from the converged states.
/// </summary>
public sealed class ModelChecker
{
    private readonly Semantics _sem;

    /// <summary>Creates a checker for one design at one layout.</summary>
    public ModelChecker(Semantics semantics)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        _sem = semantics;
    }

    /// <summary>Checks a design at the given bounds.</summary>
    public static CheckResult Check(Design design, Bounds bounds, CheckOptions? options = null)
    {
        options ??= new CheckOptions();
        var semantics = new Semantics(design, new Layout(bounds)) { Reductions = options.Reductions };
        return new ModelChecker(semantics).Run(options);
    }

    /// <summary>Explores every reachable state and decides every modelled property.</summary>
    public CheckResult Run(CheckOptions? options = null)
    {
        options ??= new CheckOptions();
        var clock = Stopwatch.StartNew();
        var layout = _sem.Layout;
        var store = new StateStore(layout.Words);
        var buffer = new ModelAction[1024];
        var successors = new ModelState[buffer.Length];
        var violations = new uint[buffer.Length];
        var hashes = new ulong[buffer.Length];
        var firstViolation = new (int Parent, ModelAction Action)?[Properties.All.Count];
        var edgesFrom = options.CheckConvergence ? new IntList() : null;
        var edgesTo = options.CheckConvergence ? new IntList() : null;
        long transitions = 0;
        var depth = 0;
        var complete = true;

        store.Add(_sem.Initial(), -1);
        var levelEnd = 1;
        for (var index = 0; index < store.Count; index++)
        {
            if (index == levelEnd)
            {
                depth++;
                levelEnd = store.Count;
                options.Progress?.Invoke(depth, store.Count, transitions);
            }

            // Checked every 4096 states: cheap next to expanding them, and well under a second apart at any bound.
            if ((index & 4095) == 0 && options.Cancellation.IsCancellationRequested)
            {
                complete = false;
                break;
            }

            var state = store.Get(index);
            var n = _sem.Enumerate(in state, buffer);

            // Successors are computed and their memory requested first, then looked up (see StateStore.PrefetchSlot).
            for (var i = 0; i < n; i++)
            {
                successors[i] = state;
                violations[i] = _sem.Apply(ref successors[i], in buffer[i]);
                hashes[i] = store.HashOf(in successors[i]);
                store.PrefetchSlot(hashes[i]);
            }

            for (var i = 0; i < n; i++)
            {
                store.PrefetchCandidate(hashes[i]);
            }

            transitions += n;
            for (var i = 0; i < n; i++)
            {
                if (violations[i] != 0)
                {
                    Record(firstViolation, violations[i], index, buffer[i]);
                }

                var (to, added) = store.Add(in successors[i], hashes[i], index);
                if (edgesFrom is not null && buffer[i].IsProgress)
                {
                    edgesFrom.Add(index);
                    edgesTo!.Add(to);
                }

                if (added && store.Count >= options.MaxStates)
                {
                    complete = false;
                }
            }

            if (!complete)
            {
                break;
            }
        }

        var found = new List<Violation>();
        foreach (var p in Properties.Modelled)
        {
            if (firstViolation[(int)p] is { } v)
            {
                var steps = Rebuild(store, v.Parent, v.Action);
                found.Add(new Violation(p, steps, $"the last step violates {p.Name()}"));
            }
        }

        if (edgesFrom is not null && complete)
        {
            var stuck = FindUnconvergeable(store, edgesFrom, edgesTo!);
            if (stuck >= 0)
            {
                var steps = stuck == 0 ? [] : Rebuild(store, store.Parent(stuck), FindAction(store, store.Parent(stuck), stuck));
                found.Add(new Violation(
                    PropertyId.Convergence,
                    steps,
                    "from the state this trace reaches, no converged state can be reached without further faults or operations"));
            }
        }

        clock.Stop();
        return new CheckResult(
            _sem.Design,
            layout.Bounds,
            store.Count,
            transitions,
            depth,
            clock.Elapsed.TotalSeconds,
            store.BytesPerState,
            store.Load,
            complete,
            found);
    }

    private static void Record((int Parent, ModelAction Action)?[] first, uint violated, int parent, ModelAction action)
    {
        foreach (var p in Properties.Modelled)
        {
            if ((violated & p.Bit()) != 0 && first[(int)p] is null)
            {
                first[(int)p] = (parent, action);
            }
        }
    }

    /// <summary>The lowest-index (so nearest) state from which no converged state is reachable, or -1.</summary>
    private int FindUnconvergeable(StateStore store, IntList from, IntList to)
    {
        var count = store.Count;

        // Reverse adjacency in compressed rows: for each state, the states with a fault-free step into it.
        var start = new int[count + 1];
        for (var e = 0; e < to.Count; e++)
        {
            start[to[e] + 1]++;
        }

        for (var i = 0; i < count; i++)
        {
            start[i + 1] += start[i];
        }

        var fill = (int[])start.Clone();
        var preds = new int[to.Count];
        for (var e = 0; e < to.Count; e++)
        {
            preds[fill[to[e]]++] = from[e];
        }

        var reaches = new bool[count];
        var queue = new int[count];
        int head = 0, tail = 0;
        for (var i = 0; i < count; i++)
        {
            if (_sem.IsConverged(store.Get(i)))
            {
                reaches[i] = true;
                queue[tail++] = i;
            }
        }

        while (head < tail)
        {
            var s = queue[head++];
            for (var k = start[s]; k < start[s + 1]; k++)
            {
                var p = preds[k];
                if (!reaches[p])
                {
                    reaches[p] = true;
                    queue[tail++] = p;
                }
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (!reaches[i])
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Rebuilds the steps from the initial state to <paramref name="parent"/>, then <paramref name="last"/>, with narration.</summary>
    private List<TraceStep> Rebuild(StateStore store, int parent, ModelAction last)
    {
        var chain = new List<int>();
        for (var i = parent; i >= 0; i = store.Parent(i))
        {
            chain.Add(i);
        }

        chain.Reverse();
        var actions = new List<ModelAction>();
        for (var k = 1; k < chain.Count; k++)
        {
            actions.Add(FindAction(store, chain[k - 1], chain[k]));
        }

        actions.Add(last);
        return Narrate(_sem, actions);
    }

    /// <summary>Replays actions from the initial state and records what each one did.</summary>
    public static List<TraceStep> Narrate(Semantics semantics, IEnumerable<ModelAction> actions)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        ArgumentNullException.ThrowIfNull(actions);
        var state = semantics.Initial();
        var steps = new List<TraceStep>();
        foreach (var action in actions)
        {
            var log = new List<string>();
            var lines = ScenarioText.Lines(semantics, in state, in action);
            semantics.Apply(ref state, in action, log);
            steps.Add(new TraceStep(action, lines, log));
        }

        return steps;
    }

    /// <summary>The action that leads from one stored state to another (the search stores parents, not actions).</summary>
    private ModelAction FindAction(StateStore store, int from, int to)
    {
        var state = store.Get(from);
        var target = store.Get(to);
        var buffer = new ModelAction[1024];
        var n = _sem.Enumerate(in state, buffer);
        for (var i = 0; i < n; i++)
        {
            var next = state;
            _sem.Apply(ref next, in buffer[i]);
            if (next == target)
            {
                return buffer[i];
            }
        }

        throw new InvalidOperationException("no action leads from a stored state to its child: the rules are not deterministic");
    }

    /// <summary>A growable list of ints without per-element objects.</summary>
    private sealed class IntList
    {
        private int[] _items = new int[1 << 16];

        public int Count { get; private set; }

        public int this[int i] => _items[i];

        public void Add(int value)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Count++] = value;
        }
    }
}
