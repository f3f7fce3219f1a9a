using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Harness.Model;

/// <summary>How the visited set remembers a state.</summary>
public enum StoreKind
{
    /// <summary>Every state whole: no state is ever missed.</summary>
    Exact,

    /// <summary>
    /// A 64-bit fingerprint per state, as TLC does: two states with the same fingerprint are taken for one, so a
    /// state may be missed, with the probability the result reports. The states themselves are kept only
    /// while they are in the breadth-first frontier.
    /// </summary>
    HashCompaction,
}

/// <summary>
/// The visited set of the model checker: states in discovery order (so the store is also the breadth-first
/// queue), a parent index per state to rebuild shortest traces, whether each state is converged, and an
/// open-addressing hash table of indices tagged with 32 bits of each state's hash. Everything lives in
/// native memory chunks (see <see cref="NativeChunks{T}"/>): no object per state, no copy to grow but the
/// table's, and memory returned to the system as soon as it is freed.
/// </summary>
public sealed unsafe class StateStore : IDisposable
{
    private readonly int _words;
    private readonly NativeChunks<ulong> _states;
    private readonly NativeChunks<int> _parents = new(1);
    private readonly NativeChunks<byte> _converged = new(1);
    private readonly NativeChunks<ulong>? _fingerprints;
    private readonly List<Table> _retired = [];
    private Table _table;

    /// <summary>Creates a store for states of <paramref name="words"/> words.</summary>
    public StateStore(int words, StoreKind kind = StoreKind.Exact, int initialCapacity = 1 << 16)
    {
        _words = words;
        Kind = kind;
        _states = new NativeChunks<ulong>(words);
        _fingerprints = kind == StoreKind.HashCompaction ? new NativeChunks<ulong>(1) : null;
        var tableSize = 1L;
        while (tableSize < Math.Max(1024, initialCapacity) * 2L)
        {
            tableSize <<= 1;
        }

        _table = new Table(tableSize);
    }

    /// <summary>How states are remembered.</summary>
    public StoreKind Kind { get; }

    /// <summary>Number of distinct states stored.</summary>
    public int Count { get; private set; }

    /// <summary>Fraction of the hash table in use.</summary>
    public double Load => (double)Count / _table.Length;

    /// <summary>
    /// Bytes the store keeps per state for good: its words (or its fingerprint), its parent index, its converged
    /// flag and its share of the table. States of a compacted store still in the frontier are not counted.
    /// </summary>
    public double BytesPerState => (Kind == StoreKind.Exact ? _words * 8 : 8) + 4 + 1 + (8.0 * _table.Length / Math.Max(1, Count));

    /// <summary>Bytes the store has allocated now.</summary>
    public long AllocatedBytes =>
        _states.AllocatedBytes + _parents.AllocatedBytes + _converged.AllocatedBytes + (_fingerprints?.AllocatedBytes ?? 0) + (_table.Length * 8);

    /// <summary>The state at an index.</summary>
    public ModelState Get(int index)
    {
        var s = default(ModelState);
        Read(index, ref s);
        return s;
    }

    /// <summary>Overwrites the stored words of <paramref name="s"/> with the state at an index (the words past them stay as they are: zero).</summary>
    public void Read(int index, ref ModelState s)
    {
        if (!_states.Holds(index))
        {
            throw new InvalidOperationException("the state has left the frontier of a compacted store");
        }

        new ReadOnlySpan<ulong>(_states.Existing(index), _words).CopyTo(s.Span(_words));
    }

    /// <summary>The index of the state from which a state was first reached (-1 for the initial state).</summary>
    public int Parent(int index) => *_parents.Existing(index);

    /// <summary>Whether the state was converged when it was stored.</summary>
    public bool IsConverged(int index) => *_converged.Existing(index) != 0;

    /// <summary>The hash the store files a state under (and, when compacting, its fingerprint).</summary>
    public ulong HashOf(in ModelState s) => s.Hash(_words);

    /// <summary>Whether the stored state at an index is <paramref name="s"/> (when compacting: has its fingerprint).</summary>
    public bool Matches(int index, in ModelState s) =>
        _fingerprints is null ? Same(index, s.ReadOnlySpan(_words)) : *_fingerprints.Existing(index) == HashOf(in s);

    /// <summary>
    /// Frees the states stored before <paramref name="index"/> when compacting: they have been expanded, and
    /// a compacted store compares fingerprints, not states. An exact store keeps them.
    /// </summary>
    public void ReleaseBefore(int index)
    {
        if (_fingerprints is not null)
        {
            _states.ReleaseBefore(index);
        }
    }

    /// <summary>
    /// Asks the processor to bring in the table slot that looking up a state with this hash reads first. Only a
    /// hint; <see cref="Find"/> and <see cref="Add"/> are correct without it. The checker issues it for a
    /// batch of successors before looking any of them up, so the cache misses of the lookups overlap.
    /// </summary>
    public void PrefetchSlot(ulong hash)
    {
        if (Sse.IsSupported)
        {
            var t = _table;
            Sse.Prefetch0(t.Slots + (long)(hash >> t.Shift));
        }
    }

    /// <summary>
    /// The second stage of the hint: once the slot is likely in cache, brings in the stored state (or fingerprint)
    /// that the slot names when its tag matches, which is what a lookup compares.
    /// </summary>
    public void PrefetchCandidate(ulong hash)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var t = _table;
        var e = t.Slots[(long)(hash >> t.Shift)];
        if (e != 0 && (e & 0xFFFF_FFFF_0000_0000UL) == (hash & 0xFFFF_FFFF_0000_0000UL))
        {
            var index = (long)(e & 0xFFFF_FFFF) - 1;
            Sse.Prefetch0(_fingerprints is null ? _states.Existing(index) : _fingerprints.Existing(index));
        }
    }

    /// <summary>
    /// The index of a state whose <see cref="HashOf"/> is known, or -1. Safe to call from several threads, also while
    /// one thread adds states: a state added meanwhile may or may not be found, a state stored before is always found.
    /// Tables replaced meanwhile stay readable until <see cref="EndConcurrentReads"/>.
    /// </summary>
    public int Find(in ModelState s, ulong h)
    {
        var words = s.ReadOnlySpan(_words);
        var tag = h & 0xFFFF_FFFF_0000_0000UL;
        var t = Volatile.Read(ref _table);
        var slot = (long)(h >> t.Shift);
        while (true)
        {
            var e = Volatile.Read(ref t.Slots[slot]);
            if (e == 0)
            {
                return -1;
            }

            if ((e & 0xFFFF_FFFF_0000_0000UL) == tag)
            {
                var index = (int)(e & 0xFFFF_FFFF) - 1;
                if (Same(index, words, h))
                {
                    return index;
                }
            }

            slot = (slot + 1) & t.Mask;
        }
    }

    /// <summary>Frees the tables that readers may still have been using: call when no <see cref="Find"/> runs.</summary>
    public void EndConcurrentReads()
    {
        foreach (var t in _retired)
        {
            t.Free();
        }

        _retired.Clear();
    }

    /// <summary>Adds a state unless present. Returns its index and whether it is new.</summary>
    public (int Index, bool Added) Add(in ModelState s, int parent, bool converged = false) =>
        Add(s.ReadOnlySpan(_words), s.Hash(_words), parent, converged);

    /// <summary>Adds a state given by its words and its known <see cref="HashOf"/>.</summary>
    public (int Index, bool Added) Add(ReadOnlySpan<ulong> words, ulong h, int parent, bool converged)
    {
        var tag = h & 0xFFFF_FFFF_0000_0000UL;
        var t = _table;
        var slot = (long)(h >> t.Shift);
        while (true)
        {
            var e = t.Slots[slot];
            if (e == 0)
            {
                break;
            }

            if ((e & 0xFFFF_FFFF_0000_0000UL) == tag)
            {
                var index = (int)(e & 0xFFFF_FFFF) - 1;
                if (Same(index, words, h))
                {
                    return (index, false);
                }
            }

            slot = (slot + 1) & t.Mask;
        }

        var added = Count;
        if (added == int.MaxValue - 1)
        {
            throw new InvalidOperationException("state store is full");
        }

        words.CopyTo(new Span<ulong>(_states.At(added), _words));
        *_parents.At(added) = parent;
        *_converged.At(added) = converged ? (byte)1 : (byte)0;
        if (_fingerprints is not null)
        {
            *_fingerprints.At(added) = h;
        }

        // Published after the state's words: a reader that sees the entry sees the state.
        Volatile.Write(ref t.Slots[slot], tag | (uint)(added + 1));
        Count = added + 1;
        if (Count * 2L > t.Length)
        {
            Rehash();
        }

        return (added, true);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _states.Dispose();
        _parents.Dispose();
        _converged.Dispose();
        _fingerprints?.Dispose();
        EndConcurrentReads();
        _table.Free();
    }

    private bool Same(int index, ReadOnlySpan<ulong> words, ulong h) =>
        _fingerprints is null ? Same(index, words) : *_fingerprints.Existing(index) == h;

    private bool Same(int index, ReadOnlySpan<ulong> words) => new ReadOnlySpan<ulong>(_states.Existing(index), _words).SequenceEqual(words);

    private void Rehash()
    {
        // The slot is taken from the top bits of the hash, which the tag keeps: entries move to the larger
        // table without reading a single state. The old table is freed when no reader can hold it any more.
        var old = _table;
        var table = new Table(old.Length * 2);
        for (var i = 0L; i < old.Length; i++)
        {
            var e = old.Slots[i];
            if (e == 0)
            {
                continue;
            }

            var slot = (long)(e >> table.Shift);
            while (table.Slots[slot] != 0)
            {
                slot = (slot + 1) & table.Mask;
            }

            table.Slots[slot] = e;
        }

        Volatile.Write(ref _table, table);
        _retired.Add(old);
    }

    /// <summary>An open-addressing table of tagged indices, replaced as a whole when it grows.</summary>
    private sealed class Table
    {
        public Table(long length)
        {
            Slots = (ulong*)NativeMemory.AllocZeroed((nuint)(length * 8));
            Length = length;
            Mask = length - 1;
            Shift = 64 - BitOperations.Log2((ulong)length);
        }

        public ulong* Slots { get; private set; }

        public long Length { get; }

        public long Mask { get; }

        public int Shift { get; }

        public void Free()
        {
            if (Slots is not null)
            {
                NativeMemory.Free(Slots);
                Slots = null;
            }
        }
    }
}
