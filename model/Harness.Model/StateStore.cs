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
        var o = index * _words;
        for (var i = 0; i < _words; i++)
        {
            s.SetWord(i, _data[o + i]);
        }

        return s;
    }

    /// <summary>The index of the state from which a state was first reached (-1 for the initial state).</summary>
    public int Parent(int index) => _parent[index];

    /// <summary>Adds a state unless present. Returns its index and whether it is new.</summary>
    public (int Index, bool Added) Add(in ModelState s, int parent)
    {
        var h = s.Hash(_words);
        var tag = h & 0xFFFF_FFFF_0000_0000UL;
        var slot = (int)h & _mask;
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

        var o = added * _words;
        for (var i = 0; i < _words; i++)
        {
            _data[o + i] = s.Word(i);
        }

        _parent[added] = parent;
        _table[slot] = tag | (uint)(added + 1);
        Count = added + 1;
        if (Count * 2 > _table.Length)
        {
            Rehash();
        }

        return (added, true);
    }

    private bool Same(int index, in ModelState s)
    {
        var o = index * _words;
        for (var i = 0; i < _words; i++)
        {
            if (_data[o + i] != s.Word(i))
            {
                return false;
            }
        }

        return true;
    }

    private void Grow()
    {
        var capacity = _parent.Length * 2;
        Array.Resize(ref _data, capacity * _words);
        Array.Resize(ref _parent, capacity);
    }

    private void Rehash()
    {
        var table = new ulong[_table.Length * 2];
        var mask = table.Length - 1;
        for (var index = 0; index < Count; index++)
        {
            var h = Get(index).Hash(_words);
            var slot = (int)h & mask;
            while (table[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            table[slot] = (h & 0xFFFF_FFFF_0000_0000UL) | (uint)(index + 1);
        }

        _table = table;
        _mask = mask;
    }
}
