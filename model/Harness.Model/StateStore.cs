using System.Numerics;
using System.Runtime.Intrinsics.X86;

namespace Harness.Model;

/// <summary>
/// The visited set of the model checker: packed states stored flat in discovery order (so the store is
/// also the breadth-first queue), a parent index per state to rebuild shortest traces, and an
/// open-addressing hash table of indices tagged with 32 bits of each state's hash. No object is
/// allocated per state.
/// </summary>
public sealed class StateStore
{
    private readonly int _words;
    private ulong[] _data;
    private int[] _parent;
    private ulong[] _table;
    private int _mask;
    private int _shift;

    /// <summary>Creates a store for states of <paramref name="words"/> words.</summary>
    public StateStore(int words, int initialCapacity = 1 << 16)
    {
        _words = words;
        var capacity = Math.Max(1024, initialCapacity);
        _data = new ulong[capacity * words];
        _parent = new int[capacity];
        var tableSize = 1;
        while (tableSize < capacity * 2)
        {
            tableSize <<= 1;
        }

        _table = new ulong[tableSize];
        _mask = tableSize - 1;
        _shift = 64 - BitOperations.Log2((uint)tableSize);
    }

    /// <summary>Number of distinct states stored.</summary>
    public int Count { get; private set; }

    /// <summary>Fraction of the hash table in use.</summary>
    public double Load => (double)Count / _table.Length;

    /// <summary>Bytes the store holds per state: its words, its parent index and its share of the table.</summary>
    public double BytesPerState => (_words * 8) + 4 + (8.0 * _table.Length / Math.Max(1, Count));

    /// <summary>Bytes the store has allocated.</summary>
    public long AllocatedBytes => (_data.LongLength * 8) + (_parent.LongLength * 4) + (_table.LongLength * 8);

    /// <summary>The state at an index.</summary>
    public ModelState Get(int index)
    {
        var s = default(ModelState);
        Read(index, ref s);
        return s;
    }

    /// <summary>Overwrites the stored words of <paramref name="s"/> with the state at an index (the words past them stay as they are: zero).</summary>
    public void Read(int index, ref ModelState s) => _data.AsSpan(index * _words, _words).CopyTo(s.Span(_words));

    /// <summary>The index of the state from which a state was first reached (-1 for the initial state).</summary>
    public int Parent(int index) => _parent[index];

    /// <summary>The hash the store files a state under.</summary>
    public ulong HashOf(in ModelState s) => s.Hash(_words);

    /// <summary>
    /// Asks the processor to bring in the table slot that adding a state with this hash reads first. Only a
    /// hint; <see cref="Add(in ModelState, ulong, int)"/> is correct without it. The checker issues it for a
    /// batch of successors before looking any of them up, so the cache misses of the lookups overlap.
    /// </summary>
    public unsafe void PrefetchSlot(ulong hash)
    {
        if (Sse.IsSupported)
        {
            fixed (ulong* table = _table)
            {
                Sse.Prefetch0(table + (int)(hash >> _shift));
            }
        }
    }

    /// <summary>
    /// The second stage of the hint: once the slot is likely in cache, brings in the stored state that the slot
    /// names when its tag matches, which is the state <see cref="Add(in ModelState, ulong, int)"/> compares.
    /// </summary>
    public unsafe void PrefetchCandidate(ulong hash)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        var e = _table[(int)(hash >> _shift)];
        if (e != 0 && (e & 0xFFFF_FFFF_0000_0000UL) == (hash & 0xFFFF_FFFF_0000_0000UL))
        {
            fixed (ulong* data = _data)
            {
                Sse.Prefetch0(data + (((long)(e & 0xFFFF_FFFF) - 1) * _words));
            }
        }
    }

    /// <summary>Adds a state unless present. Returns its index and whether it is new.</summary>
    public (int Index, bool Added) Add(in ModelState s, int parent) => Add(in s, s.Hash(_words), parent);

    /// <summary>Adds a state whose <see cref="HashOf"/> is known.</summary>
    public (int Index, bool Added) Add(in ModelState s, ulong h, int parent)
    {
        var tag = h & 0xFFFF_FFFF_0000_0000UL;
        var slot = (int)(h >> _shift);
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
                if (Same(index, in s))
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

        if ((added + 1) * _words > _data.Length)
        {
            Grow();
        }

        s.ReadOnlySpan(_words).CopyTo(_data.AsSpan(added * _words, _words));

        _parent[added] = parent;
        _table[slot] = tag | (uint)(added + 1);
        Count = added + 1;
        if (Count * 2 > _table.Length)
        {
            Rehash();
        }

        return (added, true);
    }

    private bool Same(int index, in ModelState s) => _data.AsSpan(index * _words, _words).SequenceEqual(s.ReadOnlySpan(_words));

    private void Grow()
    {
        var capacity = _parent.Length * 2;
        Array.Resize(ref _data, capacity * _words);
        Array.Resize(ref _parent, capacity);
    }

    private void Rehash()
    {
        // The slot is taken from the top bits of the hash, which the tag keeps: entries move to the larger
        // table without reading a single state.
        var table = new ulong[_table.Length * 2];
        var mask = table.Length - 1;
        var shift = _shift - 1;
        foreach (var e in _table)
        {
            if (e == 0)
            {
                continue;
            }

            var slot = (int)(e >> shift);
            while (table[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            table[slot] = e;
        }

        _table = table;
        _mask = mask;
        _shift = shift;
    }
}
