using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Harness.Model;

/// <summary>
/// An append-only list of records of <typeparamref name="T"/>, read back after the search. In memory it is a
/// <see cref="NativeChunks{T}"/>; given an <see cref="ISpillLog"/>, it keeps only the block being filled and one
/// block read back, and appends every full block to the log, so its resident size stays a few hundred kilobytes
/// however many records it holds. Reads walk forward or backward a block at a time.
/// </summary>
internal sealed unsafe class RecordLog<T> : IDisposable
    where T : unmanaged
{
    private readonly NativeChunks<T>? _memory;
    private readonly ISpillLog? _log;
    private readonly int _block;
    private T* _tail;
    private T* _cache;
    private long _cacheStart = long.MinValue / 2; // far from every index: the first read loads its block

    // Records added (First) and records appended to the log (Second), written at every Add.
    private OwnLine _n;

    /// <summary>Creates a list in memory, or in a log of <paramref name="spill"/> named <paramref name="name"/> when a space is given.</summary>
    public RecordLog(ISpillSpace? spill, string name)
    {
        if (spill is null)
        {
            _memory = new NativeChunks<T>(1);
            return;
        }

        _block = Math.Max(1, spill.BlockBytes / sizeof(T));
        _tail = (T*)NativeMemory.Alloc((nuint)(_block * sizeof(T)));
        _cache = (T*)NativeMemory.Alloc((nuint)(_block * sizeof(T)));
        _log = spill.Create(name);
    }

    /// <summary>Records added.</summary>
    public long Count => _n.First;

    private long Written { get => _n.Second; set => _n.Second = value; }

    /// <summary>Bytes held in memory now.</summary>
    public long MemoryBytes => _memory?.AllocatedBytes ?? (2L * _block * sizeof(T));

    /// <summary>Bytes appended to the log.</summary>
    public long SpilledBytes => Written * sizeof(T);

    /// <summary>Appends a record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(T value)
    {
        if (_memory is not null)
        {
            *_memory.At(_n.First++) = value;
            return;
        }

        _tail[_n.First++ - Written] = value;
        if (_n.First - Written == _block)
        {
            _log!.Append(new ReadOnlySpan<byte>(_tail, _block * sizeof(T)));
            Written = _n.First;
        }
    }

    /// <summary>The record at an index. Not safe while another thread adds records or reads.</summary>
    public T this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if (_memory is not null)
            {
                return *_memory.Existing(index);
            }

            if (index >= Written)
            {
                return _tail[index - Written];
            }

            if ((ulong)(index - _cacheStart) >= (ulong)_block)
            {
                Load(index);
            }

            return _cache[index - _cacheStart];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _memory?.Dispose();
        _log?.Dispose();
        NativeMemory.Free(_tail);
        NativeMemory.Free(_cache);
        _tail = null;
        _cache = null;
    }

    private void Load(long index)
    {
        // Blocks are appended whole, so the block holding a written record is all in the log.
        _cacheStart = index - (index % _block);
        _log!.Read(_cacheStart * sizeof(T), new Span<byte>(_cache, _block * sizeof(T)));
    }
}
