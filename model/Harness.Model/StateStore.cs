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
/// native memory chunks (see <see cref="NativeChunks{T}"/>): no object per state, no copy to grow, and memory
/// returned to the system as soon as it is freed.
/// <para>
/// The table is cut into <see cref="Segments"/> segments by the top bits of the hash, each an open-addressing table
/// with linear probing at a load of at most 3/4 that grows by a quarter on its own. A segment's slot is its share of
/// the hash scaled to its length (multiply and shift), so any length works: the table follows the states in steps of
/// a quarter instead of doubling, and growing copies one segment, never the whole table beside its successor.
/// </para>
/// </summary>
public sealed unsafe class StateStore : IDisposable
{
    /// <summary>How many segments the table is cut into (the top bits of the hash choose one).</summary>
    public const int Segments = 1 << SegmentBits;

    private const int SegmentBits = 8;
    private const int PositionBits = 32 - SegmentBits;
    private const int MinSegmentLength = 16;
    private const int Pad = 8;

    private readonly int _words;
    private readonly NativeChunks<ulong> _states;
    private readonly RecordLog<int> _parents;
    private readonly RecordLog<byte> _converged;
    private readonly NativeChunks<ulong>? _fingerprints;
    private readonly List<Segment> _retired = [];
    private readonly Segment[] _segments = new Segment[Segments];

    // Entries per segment, at [Pad + segment]: written and read by the adding thread only, and a cache line away from
    // the segments that lookups read (allocated just before them).
    private readonly long[] _segmentCounts = new long[Pad + Segments + Pad];

    // States stored (First) and slots in the table (Second), written by the adding thread.
    private OwnLine _add;

    /// <summary>
    /// Creates a store for states of <paramref name="words"/> words. Given a <paramref name="spill"/> space, the parent
    /// links and converged flags go there as they are written; they are read back only after the search.
    /// </summary>
    public StateStore(int words, StoreKind kind = StoreKind.Exact, int initialCapacity = 1 << 16, ISpillSpace? spill = null)
    {
        _words = words;
        _parents = new RecordLog<int>(spill, "parents");
        _converged = new RecordLog<byte>(spill, "converged");
        Kind = kind;
        _states = new NativeChunks<ulong>(words);
        _fingerprints = kind == StoreKind.HashCompaction ? new NativeChunks<ulong>(1) : null;
        var length = Math.Max(MinSegmentLength, (int)Math.Ceiling(initialCapacity * 4.0 / 3 / Segments));
        for (var s = 0; s < Segments; s++)
        {
            _segments[s] = new Segment(length);
        }

        Slots = (long)length * Segments;
    }

    /// <summary>How states are remembered.</summary>
    public StoreKind Kind { get; }

    /// <summary>Number of distinct states stored.</summary>
    public int Count => (int)_add.First;

    /// <summary>Slots in the table, over all segments.</summary>
    private long Slots { get => _add.Second; set => _add.Second = value; }

    /// <summary>Fraction of the hash table's slots in use.</summary>
    public double Load => (double)Count / Slots;

    /// <summary>
    /// Bytes the store keeps per state for good: its words (or its fingerprint), its parent index, its converged
    /// flag and its share of the table. States of a compacted store still in the frontier are not counted.
    /// </summary>
    public double BytesPerState => (Kind == StoreKind.Exact ? _words * 8 : 8) + 4 + 1 + (8.0 * Slots / Math.Max(1, Count));

    /// <summary>Bytes allocated now, by part (the edges are not the store's: they are zero here).</summary>
    public StoreMemory Memory => new(
        _states.AllocatedBytes,
        _fingerprints?.AllocatedBytes ?? 0,
        _parents.MemoryBytes,
        _converged.MemoryBytes,
        Slots * 8,
        _retired.Sum(t => t.Length * 8L),
        0,
        0)
    {
        Spilled = _parents.SpilledBytes + _converged.SpilledBytes,
    };

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

    /// <summary>The index of the state from which a state was first reached (-1 for the initial state). Not safe while states are added.</summary>
    public int Parent(int index) => _parents[index];

    /// <summary>Whether the state was converged when it was stored. Not safe while states are added.</summary>
    public bool IsConverged(int index) => _converged[index] != 0;

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
            var t = _segments[SegmentOf(hash)];
            Sse.Prefetch0(t.Slots + Position(hash, t.Length));
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

        var t = _segments[SegmentOf(hash)];
        var e = t.Slots[Position(hash, t.Length)];
        if (e != 0 && (e & 0xFFFF_FFFF_0000_0000UL) == (hash & 0xFFFF_FFFF_0000_0000UL))
        {
            var index = (long)(e & 0xFFFF_FFFF) - 1;
            Sse.Prefetch0(_fingerprints is null ? _states.Existing(index) : _fingerprints.Existing(index));
        }
    }

    /// <summary>
    /// The index of a state whose <see cref="HashOf"/> is known, or -1. Safe to call from several threads, also while
    /// one thread adds states: a state added meanwhile may or may not be found, a state stored before is always found.
    /// Segments replaced meanwhile stay readable until <see cref="EndConcurrentReads"/>.
    /// </summary>
    public int Find(in ModelState s, ulong h)
    {
        var words = s.ReadOnlySpan(_words);
        var tag = h & 0xFFFF_FFFF_0000_0000UL;
        var t = Volatile.Read(ref _segments[SegmentOf(h)]);
        var slot = Position(h, t.Length);
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

            if (++slot == t.Length)
            {
                slot = 0;
            }
        }
    }

    /// <summary>Frees the segments that readers may still have been using: call when no <see cref="Find"/> runs.</summary>
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
        var segment = SegmentOf(h);
        var t = _segments[segment];
        var slot = Position(h, t.Length);
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

            if (++slot == t.Length)
            {
                slot = 0;
            }
        }

        var added = Count;
        if (added == int.MaxValue - 1)
        {
            throw new InvalidOperationException("state store is full");
        }

        words.CopyTo(new Span<ulong>(_states.At(added), _words));
        _parents.Add(parent);
        _converged.Add(converged ? (byte)1 : (byte)0);
        if (_fingerprints is not null)
        {
            *_fingerprints.At(added) = h;
        }

        // Published after the state's words: a reader that sees the entry sees the state.
        Volatile.Write(ref t.Slots[slot], tag | (uint)(added + 1));
        _add.First = added + 1;
        if (++_segmentCounts[Pad + segment] * 4L > t.Length * 3L)
        {
            Grow(segment);
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
        foreach (var t in _segments)
        {
            t.Free();
        }
    }

    private static int SegmentOf(ulong h) => (int)(h >> (64 - SegmentBits));

    // The hash's bits below the segment's, scaled to the segment's length: the slot depends only on the 32 bits the
    // entry keeps as its tag, so a segment grows without reading a single state.
    private static long Position(ulong h, long length) => (long)((((h >> 32) & ((1UL << PositionBits) - 1)) * (ulong)length) >> PositionBits);

    private bool Same(int index, ReadOnlySpan<ulong> words, ulong h) =>
        _fingerprints is null ? Same(index, words) : *_fingerprints.Existing(index) == h;

    private bool Same(int index, ReadOnlySpan<ulong> words) => new ReadOnlySpan<ulong>(_states.Existing(index), _words).SequenceEqual(words);

    private void Grow(int segment)
    {
        // The old segment is freed when no reader can hold it any more.
        var old = _segments[segment];
        var grown = new Segment(old.Length + (old.Length / 4));
        for (var i = 0L; i < old.Length; i++)
        {
            var e = old.Slots[i];
            if (e == 0)
            {
                continue;
            }

            var slot = Position(e, grown.Length);
            while (grown.Slots[slot] != 0)
            {
                if (++slot == grown.Length)
                {
                    slot = 0;
                }
            }

            grown.Slots[slot] = e;
        }

        Volatile.Write(ref _segments[segment], grown);
        Slots += grown.Length - old.Length;
        _retired.Add(old);
    }

    /// <summary>One segment of the table: open addressing with linear probing, replaced as a whole when it grows.</summary>
    private sealed class Segment
    {
        public Segment(long length)
        {
            Slots = (ulong*)NativeMemory.AllocZeroed((nuint)(length * 8));
            Length = length;
        }

        public ulong* Slots { get; private set; }

        public long Length { get; }

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
