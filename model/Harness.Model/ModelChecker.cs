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

    /// <summary>Store one state per class of states that differ only in agent order and incarnation numbers (see <see cref="Model.Symmetry"/>).</summary>
    public bool Symmetry { get; init; } = true;

    /// <summary>Called after each breadth-first level with (depth, states, transitions).</summary>
    public Action<int, long, long>? Progress { get; init; }
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
    private Symmetry? _symmetry;

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
        _symmetry = options.Symmetry ? new Symmetry(_sem.Design, layout) : null;
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

        store.Add(Canonical(_sem.Initial()), -1);
        var words = layout.Words;
        var state = default(ModelState);
        var levelEnd = 1;
        for (var index = 0; index < store.Count; index++)
        {
            if (index == levelEnd)
            {
                depth++;
                levelEnd = store.Count;
                options.Progress?.Invoke(depth, store.Count, transitions);
            }

            store.Read(index, ref state);
            var n = _sem.Enumerate(in state, buffer);

            // Successors are computed and their memory requested first, then looked up (see StateStore.PrefetchSlot).
            for (var i = 0; i < n; i++)
            {
                successors[i].CopyFrom(in state, words);
                violations[i] = _sem.Apply(ref successors[i], in buffer[i]);
                _symmetry?.Canonicalize(ref successors[i]);
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
                var steps = Rebuild(store, v.Parent, (v.Action, p));
                found.Add(new Violation(p, steps, $"the last step violates {p.Name()}"));
            }
        }

        if (edgesFrom is not null && complete)
        {
            var stuck = FindUnconvergeable(store, edgesFrom, edgesTo!);
            if (stuck >= 0)
            {
                found.Add(new Violation(
                    PropertyId.Convergence,
                    Rebuild(store, stuck, null),
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

    /// <summary>
    /// Rebuilds the steps from the initial state to the stored state <paramref name="target"/>, then the violating
    /// <paramref name="last"/> step taken there, with narration. The store holds canonical states, and the action that
    /// led to a canonical state from its canonical parent may name another agent than the one in the real run; so
    /// the steps are found forward from the real initial state, each one the action whose result has the stored
    /// canonical form. The trace keeps the real agents and incarnation numbers.
    /// </summary>
    private List<TraceStep> Rebuild(StateStore store, int target, (ModelAction Action, PropertyId Property)? last)
    {
        var chain = new List<int>();
        for (var i = target; i >= 0; i = store.Parent(i))
        {
            chain.Add(i);
        }

        chain.Reverse();
        var actions = new List<ModelAction>();
        var state = _sem.Initial();
        var buffer = new ModelAction[1024];
        for (var k = 1; k < chain.Count; k++)
        {
            var goal = store.Get(chain[k]);
            var action = FindAction(in state, buffer, (in ModelState next, uint _) => Canonical(next) == goal);
            _sem.Apply(ref state, in action);
            actions.Add(action);
        }

        if (last is { } l)
        {
            // The violating step was taken from the canonical parent; its real counterpart reaches the same class and violates the same property.
            var after = store.Get(target);
            _sem.Apply(ref after, in l.Action);
            var goal = Canonical(after);
            actions.Add(FindAction(in state, buffer, (in ModelState next, uint violated) =>
                (violated & l.Property.Bit()) != 0 && Canonical(next) == goal));
        }

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

    /// <summary>The first enabled action of <paramref name="state"/> whose result (and violations) <paramref name="accepts"/> takes.</summary>
    private ModelAction FindAction(in ModelState state, ModelAction[] buffer, StepFilter accepts)
    {
        var n = _sem.Enumerate(in state, buffer);
        for (var i = 0; i < n; i++)
        {
            var next = state;
            var violated = _sem.Apply(ref next, in buffer[i]);
            if (accepts(in next, violated))
            {
                return buffer[i];
            }
        }

        throw new InvalidOperationException("no action leads from a stored state to its child: the rules are not deterministic or the symmetry is unsound");
    }

    private ModelState Canonical(ModelState s)
    {
        _symmetry?.Canonicalize(ref s);
        return s;
    }

    private delegate bool StepFilter(in ModelState next, uint violated);

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
