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

    /// <summary>How the visited set remembered states.</summary>
    public StoreKind Store { get; init; }

    /// <summary>
    /// The probability that the search missed a state because two states shared a fingerprint (0 for an exact store):
    /// TLC's optimistic estimate n(t - n) / 2^64 for n distinct states found among t generated ones.
    /// </summary>
    public double OmissionProbability { get; init; }

    /// <summary>Whether states were stored in their symmetry-reduced canonical form.</summary>
    public bool Symmetry { get; init; }

    /// <summary>Threads that expanded states.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The most memory the search held at once (sampled after every batch and during the convergence pass), by part.</summary>
    public StoreMemory PeakMemory { get; init; }
}

/// <summary>Where a search stands after a breadth-first level.</summary>
public readonly record struct SearchProgress(int Depth, long States, long Transitions, StoreMemory Memory);

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

    /// <summary>
    /// Threads that expand states: two by default on a machine with two cores or more. Any number gives the same
    /// states, verdicts and traces: states are stored in the order one thread would store them.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount >= 2 ? 2 : 1;

    /// <summary>How the visited set remembers states (exact by default).</summary>
    public StoreKind Store { get; init; } = StoreKind.Exact;

    /// <summary>
    /// Where the parent links, converged flags and fault-free transitions go instead of memory (null: memory). They
    /// are written once in discovery order and read only after the search, so moving them out costs little time.
    /// </summary>
    public ISpillSpace? Spill { get; init; }

    /// <summary>Called after each breadth-first level.</summary>
    public Action<SearchProgress>? Progress { get; init; }

    /// <summary>Stops the search when cancelled (checked every few thousand states); the result is then marked incomplete.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>
/// Explicit-state, breadth-first, exhaustive model checker over the packed states of <see cref="Semantics"/>.
/// Safety properties are evaluated on every transition as it is generated, so the first violation of
/// each property that breadth-first order meets is one with the fewest steps. Convergence is decided
/// afterwards over the fault-free transitions, recorded compactly as they are generated.
/// <para>
/// The search expands the breadth-first queue in batches of states of one level. Threads expand the chunks of
/// a batch in parallel, looking successors up in the store; one thread adds the successors that were not found,
/// chunk by chunk in queue order, while the others expand the next batch. So every state gets the index, and
/// every property the first violation, that a search with one thread gives, whatever the number of threads.
/// </para>
/// </summary>
public sealed class ModelChecker
{
    private static readonly PropertyId[] ModelledProperties = [.. Properties.Modelled];

    private const int ChunkStates = 256;
    private const int ChunksPerBatch = 64;

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
        var threads = Math.Max(1, options.Threads);
        _symmetry = options.Symmetry ? new Symmetry(_sem.Design, layout) : null;
        using var store = new StateStore(layout.Words, options.Store, spill: options.Spill);
        using var edges = options.CheckConvergence ? new ProgressEdges(options.Spill) : null;
        Batch[] batches = [new Batch(layout.Words), new Batch(layout.Words)];
        var firstViolation = new Found?[Properties.All.Count];
        long transitions = 0;
        var depth = 0;
        var complete = true;
        var batchCount = 0;
        var peak = default(StoreMemory);

        var initial = Canonical(_sem.Initial());
        store.Add(in initial, -1, _sem.IsConverged(in initial));
        var levelStart = 0;
        var levelEnd = 1;
        while (true)
        {
            // The level's batches go through a two-stage pipeline: while the main thread merges one batch, the other
            // threads expand the next. Its states were all stored before the level began, so only its lookups race
            // with the insertions, and a state they miss is found again by the merge.
            Batch? toMerge = null;
            for (var start = levelStart; ;)
            {
                Batch? toExpand = null;

                // Checked once a batch: cheap next to expanding it, and well under a second apart at any bound.
                if (start < levelEnd && options.Cancellation.IsCancellationRequested)
                {
                    complete = false;
                }
                else if (start < levelEnd)
                {
                    toExpand = batches[batchCount++ & 1];
                    toExpand.Plan(start, (int)Math.Min(levelEnd, start + ((long)ChunkStates * ChunksPerBatch)));
                    start = toExpand.End;
                }

                if (toExpand is null && toMerge is null)
                {
                    break;
                }

                var workers = new Task[toExpand is null ? 0 : Math.Min(threads - 1, toExpand.Used)];
                for (var w = 0; w < workers.Length; w++)
                {
                    workers[w] = Task.Run(() => ExpandAll(toExpand!, store, edges is not null));
                }

                if (toMerge is not null && complete)
                {
                    for (var c = 0; c < toMerge.Used && complete; c++)
                    {
                        complete = Merge(toMerge.Chunks[c], store, edges, firstViolation, options.MaxStates);
                        transitions += toMerge.Chunks[c].Transitions;
                    }
                }

                if (toExpand is not null)
                {
                    ExpandAll(toExpand, store, edges is not null);
                }

                Task.WaitAll(workers);
                peak = Larger(peak, MemoryOf(store, edges));
                store.EndConcurrentReads();
                toMerge = toExpand;
            }

            if (!complete || store.Count == levelEnd)
            {
                break;
            }

            depth++;
            levelStart = levelEnd;
            levelEnd = store.Count;
            store.ReleaseBefore(levelStart);
            options.Progress?.Invoke(new SearchProgress(depth, store.Count, transitions, MemoryOf(store, edges)));
        }

        var found = new List<Violation>();
        foreach (var p in Properties.Modelled)
        {
            if (firstViolation[(int)p] is { } v)
            {
                var steps = Rebuild(store, v.Parent, (v.Action, p, v.Successor));
                found.Add(new Violation(p, steps, $"the last step violates {p.Name()}"));
            }
        }

        if (edges is not null && complete)
        {
            // The pass keeps a mark per state beside everything else.
            peak = Larger(peak, MemoryOf(store, edges) with { ConvergenceMarks = store.Count });
            var stuck = edges.FindUnconvergeable(store);
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
            found)
        {
            Store = options.Store,
            OmissionProbability = options.Store == StoreKind.Exact ? 0 : OmissionProbability(store.Count, transitions),
            Symmetry = options.Symmetry,
            Threads = threads,
            PeakMemory = peak,
        };
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

    /// <summary>
    /// TLC's optimistic estimate of the probability that a 64-bit fingerprint collision hid a state:
    /// n (t - n) / 2^64 for n distinct fingerprints among t generated states (here t counts the transitions and the
    /// initial state).
    /// </summary>
    public static double OmissionProbability(long distinct, long generated) =>
        Math.Min(1.0, distinct * (double)Math.Max(0, generated + 1 - distinct) / Math.Pow(2, 64));

    /// <summary>Expands the chunks of a batch that no other thread has taken yet.</summary>
    private void ExpandAll(Batch batch, StateStore store, bool recordEdges)
    {
        int c;
        while ((c = batch.TakeChunk()) < batch.Used)
        {
            Expand(batch.Chunks[c], store, recordEdges);
        }
    }

    /// <summary>
    /// Expands the states of one chunk: every successor is computed, put in canonical form and looked up; the
    /// ones not in the store are kept as candidates for <see cref="Merge"/>. Reads the store only.
    /// </summary>
    private void Expand(Chunk chunk, StateStore store, bool recordEdges)
    {
        chunk.Reset();
        var words = _sem.Layout.Words;
        var state = default(ModelState);
        var buffer = chunk.Actions;
        var successors = chunk.Successors;
        var violations = chunk.Violated;
        var hashes = chunk.Hashes;
        for (var index = chunk.Start; index < chunk.End; index++)
        {
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

            chunk.Transitions += n;
            var progress = 0;
            for (var i = 0; i < n; i++)
            {
                if (violations[i] != 0)
                {
                    chunk.Record(violations[i], index, in buffer[i], in successors[i]);
                }

                var to = store.Find(in successors[i], hashes[i]);
                if (to < 0)
                {
                    to = ~chunk.AddCandidate(in successors[i], hashes[i], index, _sem.IsConverged(in successors[i]));
                }

                if (recordEdges && buffer[i].IsProgress)
                {
                    chunk.AddEdge(to);
                    progress++;
                }
            }

            chunk.EdgeCounts[index - chunk.Start] = (byte)progress;
        }
    }

    /// <summary>Adds a chunk's candidates to the store in order, then its edges and violations. False once the store is full.</summary>
    private static bool Merge(Chunk chunk, StateStore store, ProgressEdges? edges, Found?[] firstViolation, int maxStates)
    {
        var words = chunk.Words;
        const int Ahead = 8;
        var candidates = chunk.CandidateCount;
        for (var c = 0; c < Math.Min(Ahead, candidates); c++)
        {
            store.PrefetchSlot(chunk.CandidateHashes[c]);
        }

        for (var c = 0; c < candidates; c++)
        {
            // The slot of a candidate some way ahead is requested now, so the insertions' cache misses overlap.
            if (c + Ahead < candidates)
            {
                store.PrefetchSlot(chunk.CandidateHashes[c + Ahead]);
            }

            var (index, added) = store.Add(
                chunk.CandidateWords.AsSpan(c * words, words), chunk.CandidateHashes[c], chunk.CandidateParents[c], chunk.CandidateConverged[c]);
            chunk.CandidateIndex[c] = index;
            if (added && store.Count >= maxStates)
            {
                return false;
            }
        }

        foreach (var p in ModelledProperties)
        {
            if (firstViolation[(int)p] is null && chunk.First[(int)p] is { } f)
            {
                firstViolation[(int)p] = f;
            }
        }

        if (edges is not null)
        {
            var e = 0;
            for (var i = 0; i < chunk.End - chunk.Start; i++)
            {
                int count = chunk.EdgeCounts[i];
                edges.AddSource(count);
                for (var k = 0; k < count; k++, e++)
                {
                    var to = chunk.EdgeTargets[e];
                    edges.AddTarget(to >= 0 ? to : chunk.CandidateIndex[~to]);
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Rebuilds the steps from the initial state to the stored state <paramref name="target"/>, then the violating
    /// <paramref name="last"/> step taken there, with narration. The store holds canonical states, and the action that
    /// led to a canonical state from its canonical parent may name another agent than the one in the real run; so
    /// the steps are found forward from the real initial state, each one the action whose result has the stored
    /// canonical form. The trace keeps the real agents and incarnation numbers.
    /// </summary>
    private List<TraceStep> Rebuild(StateStore store, int target, (ModelAction Action, PropertyId Property, ModelState Successor)? last)
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
            var goal = chain[k];
            var action = FindAction(in state, buffer, (in ModelState next, uint _) => store.Matches(goal, Canonical(next)));
            _sem.Apply(ref state, in action);
            actions.Add(action);
        }

        if (last is { } l)
        {
            // The violating step was taken from the canonical parent; its real counterpart reaches the same class and violates the same property.
            actions.Add(FindAction(in state, buffer, (in ModelState next, uint violated) =>
                (violated & l.Property.Bit()) != 0 && Canonical(next) == l.Successor));
        }

        return Narrate(_sem, actions);
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

    private static StoreMemory MemoryOf(StateStore store, ProgressEdges? edges) =>
        store.Memory with
        {
            EdgeCounts = edges?.CountBytes ?? 0,
            EdgeTargets = edges?.TargetBytes ?? 0,
            Spilled = store.Memory.Spilled + (edges?.SpilledBytes ?? 0),
        };

    private static StoreMemory Larger(StoreMemory a, StoreMemory b) => b.Total > a.Total ? b : a;

    private ModelState Canonical(ModelState s)
    {
        _symmetry?.Canonicalize(ref s);
        return s;
    }

    private delegate bool StepFilter(in ModelState next, uint violated);

    /// <summary>The first violation of a property: the stored parent, the action taken there and its canonical result.</summary>
    private readonly record struct Found(int Parent, ModelAction Action, ModelState Successor);

    /// <summary>A run of queue states of one level, cut into chunks that threads take one at a time.</summary>
    private sealed class Batch
    {
        private int _taken;

        private readonly int _words;

        // Chunks are made the first time a batch needs them: a small search never makes the 64 a full batch takes.
        public Batch(int words)
        {
            _words = words;
            Chunks = new Chunk[ChunksPerBatch];
        }

        public Chunk[] Chunks { get; }

        public int End { get; private set; }

        public int Used { get; private set; }

        public void Plan(int start, int end)
        {
            End = end;
            Used = (end - start + ChunkStates - 1) / ChunkStates;
            _taken = 0;
            for (var c = 0; c < Used; c++)
            {
                Chunks[c] ??= new Chunk(_words);
                Chunks[c].Start = start + (c * ChunkStates);
                Chunks[c].End = Math.Min(end, Chunks[c].Start + ChunkStates);
            }
        }

        public int TakeChunk() => Interlocked.Increment(ref _taken) - 1;
    }

    /// <summary>What expanding one chunk of the queue produced, kept until it is merged in queue order.</summary>
    private sealed class Chunk(int words)
    {
        // Transitions, candidates and edges: written all along the expansion, on a line no other thread reads.
        private OwnLine _n;

        public int Words { get; } = words;

        public int Start { get; set; }

        public int End { get; set; }

        public long Transitions { get => _n.First; set => _n.First = value; }

        public ModelAction[] Actions { get; } = new ModelAction[1024];

        public ModelState[] Successors { get; } = new ModelState[1024];

        public uint[] Violated { get; } = new uint[1024];

        public ulong[] Hashes { get; } = new ulong[1024];

        public Found?[] First { get; } = new Found?[Properties.All.Count];

        public int CandidateCount { get => (int)_n.Second; private set => _n.Second = value; }

        public ulong[] CandidateWords { get; private set; } = new ulong[1024 * words];

        public ulong[] CandidateHashes { get; private set; } = new ulong[1024];

        public int[] CandidateParents { get; private set; } = new int[1024];

        public bool[] CandidateConverged { get; private set; } = new bool[1024];

        public int[] CandidateIndex { get; private set; } = new int[1024];

        public int[] EdgeTargets { get; private set; } = new int[1024];

        // The chunk's candidates by hash (index + 1; 0 is empty), at most half full.
        private int[] _seen = new int[2048];

        public byte[] EdgeCounts { get; } = new byte[ChunkStates];

        private int EdgeCount { get => (int)_n.Third; set => _n.Third = value; }

        public void Reset()
        {
            Transitions = 0;
            Array.Clear(_seen, 0, _seen.Length);
            CandidateCount = 0;
            EdgeCount = 0;
            Array.Clear(First);
        }

        public void Record(uint violated, int parent, in ModelAction action, in ModelState successor)
        {
            // An array, not the list: a foreach over the interface would allocate an enumerator per violating transition.
            foreach (var p in ModelledProperties)
            {
                if ((violated & p.Bit()) != 0 && First[(int)p] is null)
                {
                    First[(int)p] = new Found(parent, action, successor);
                }
            }
        }

        public int AddCandidate(in ModelState s, ulong hash, int parent, bool converged)
        {
            // A successor reached twice from the chunk's states (two orders of the same two actions, say) is kept
            // once: the merge would find the second copy stored at the first one's index anyway.
            var slot = (int)(hash >> 32) & (_seen.Length - 1);
            for (int e; (e = _seen[slot]) != 0; slot = (slot + 1) & (_seen.Length - 1))
            {
                var i = e - 1;
                if (CandidateHashes[i] == hash && s.ReadOnlySpan(Words).SequenceEqual(CandidateWords.AsSpan(i * Words, Words)))
                {
                    return i;
                }
            }

            var c = CandidateCount;
            if (c == CandidateHashes.Length)
            {
                var size = c * 2;
                CandidateWords = Grow(CandidateWords, size * Words);
                CandidateHashes = Grow(CandidateHashes, size);
                CandidateParents = Grow(CandidateParents, size);
                CandidateConverged = Grow(CandidateConverged, size);
                CandidateIndex = Grow(CandidateIndex, size);
            }

            s.ReadOnlySpan(Words).CopyTo(CandidateWords.AsSpan(c * Words, Words));
            CandidateHashes[c] = hash;
            CandidateParents[c] = parent;
            CandidateConverged[c] = converged;
            CandidateCount = c + 1;
            if ((c + 1) * 2 <= _seen.Length)
            {
                _seen[slot] = c + 1;
                return c;
            }

            _seen = new int[_seen.Length * 2];
            for (var k = 0; k <= c; k++)
            {
                Remember(k);
            }

            return c;
        }

        private void Remember(int candidate)
        {
            var slot = (int)(CandidateHashes[candidate] >> 32) & (_seen.Length - 1);
            while (_seen[slot] != 0)
            {
                slot = (slot + 1) & (_seen.Length - 1);
            }

            _seen[slot] = candidate + 1;
        }

        public void AddEdge(int target)
        {
            if (EdgeCount == EdgeTargets.Length)
            {
                EdgeTargets = Grow(EdgeTargets, EdgeCount * 2);
            }

            EdgeTargets[EdgeCount++] = target;
        }

        private static T[] Grow<T>(T[] items, int size)
        {
            var grown = new T[size];
            items.CopyTo(grown, 0);
            return grown;
        }
    }
}
