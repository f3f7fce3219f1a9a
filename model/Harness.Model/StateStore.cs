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
    private ulong* _table;
    private long _tableLength;
    private long _mask;
    private int _shift;

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

        AllocateTable(tableSize);
    }

    /// <summary>How states are remembered.</summary>
    public StoreKind Kind { get; }

    /// <summary>Number of distinct states stored.</summary>
    public int Count { get; private set; }

    /// <summary>Fraction of the hash table in use.</summary>
    public double Load => (double)Count / _tableLength;

    /// <summary>
    /// Bytes the store keeps per state for good: its words (or its fingerprint), its parent index, its converged
    /// flag and its share of the table. States of a compacted store still in the frontier are not counted.
    /// </summary>
    public double BytesPerState => (Kind == StoreKind.Exact ? _words * 8 : 8) + 4 + 1 + (8.0 * _tableLength / Math.Max(1, Count));

    /// <summary>Bytes the store has allocated now.</summary>
    public long AllocatedBytes =>
        _states.AllocatedBytes + _parents.AllocatedBytes + _converged.AllocatedBytes + (_fingerprints?.AllocatedBytes ?? 0) + (_tableLength * 8);

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
            Sse.Prefetch0(_table + (long)(hash >> _shift));
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

        var e = _table[(long)(hash >> _shift)];
        if (e != 0 && (e & 0xFFFF_FFFF_0000_0000UL) == (hash & 0xFFFF_FFFF_0000_0000UL))
        {
            var index = (long)(e & 0xFFFF_FFFF) - 1;
            Sse.Prefetch0(_fingerprints is null ? _states.Existing(index) : _fingerprints.Existing(index));
        }
    }

    /// <summary>The index of a state whose <see cref="HashOf"/> is known, or -1. Safe to call from several threads while nothing is added.</summary>
    public int Find(in ModelState s, ulong h)
    {
        var words = s.ReadOnlySpan(_words);
        var tag = h & 0xFFFF_FFFF_0000_0000UL;
        var slot = (long)(h >> _shift);
        while (true)
        {
            var e = _table[slot];
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

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Adds a state unless present. Returns its index and whether it is new.</summary>
    public (int Index, bool Added) Add(in ModelState s, int parent, bool converged = false) =>
        Add(s.ReadOnlySpan(_words), s.Hash(_words), parent, converged);

    /// <summary>Adds a state given by its words and its known <see cref="HashOf"/>.</summary>
    public (int Index, bool Added) Add(ReadOnlySpan<ulong> words, ulong h, int parent, bool converged)
    {
        var tag = h & 0xFFFF_FFFF_0000_0000UL;
        var slot = (long)(h >> _shift);
        while (true)
        {
            var e = _table[slot];
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

            slot = (slot + 1) & _mask;
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

        _table[slot] = tag | (uint)(added + 1);
        Count = added + 1;
        if (Count * 2L > _tableLength)
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
        if (_table is not null)
        {
            NativeMemory.Free(_table);
            _table = null;
        }
    }

    private bool Same(int index, ReadOnlySpan<ulong> words, ulong h) =>
        _fingerprints is null ? Same(index, words) : *_fingerprints.Existing(index) == h;

    private bool Same(int index, ReadOnlySpan<ulong> words) => new ReadOnlySpan<ulong>(_states.Existing(index), _words).SequenceEqual(words);

    private void AllocateTable(long length)
    {
        _table = (ulong*)NativeMemory.AllocZeroed((nuint)(length * 8));
        _tableLength = length;
        _mask = length - 1;
        _shift = 64 - BitOperations.Log2((ulong)length);
    }

    private void Rehash()
    {
        // The slot is taken from the top bits of the hash, which the tag keeps: entries move to the larger
        // table without reading a single state.
        var old = _table;
        var oldLength = _tableLength;
        AllocateTable(oldLength * 2);
        for (var i = 0L; i < oldLength; i++)
        {
            var e = old[i];
            if (e == 0)
            {
                continue;
            }

            var slot = (long)(e >> _shift);
            while (_table[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _table[slot] = e;
        }

        NativeMemory.Free(old);
    }
}
