using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Harness.Model;

/// <summary>
/// A list of fixed-size records of <typeparamref name="T"/> kept in native memory chunks of 65,536 records. It
/// never copies what it holds to grow (a doubling array needs the old and the new copy at once, 3x the
/// data at the moment it grows), its memory goes back to the system when freed rather than when the garbage
/// collector decides, and chunks that are no longer needed can be released one by one.
/// </summary>
internal sealed unsafe class NativeChunks<T> : IDisposable
    where T : unmanaged
{
    private const int Shift = 16;
    private const int Mask = (1 << Shift) - 1;

    private readonly int _per;

    // Sized once for every index an int can take, so that a reader on another thread never sees the array replaced.
    private readonly IntPtr[] _chunks = new IntPtr[(int.MaxValue >> Shift) + 2];
    private int _allocated;

    /// <summary>Creates a list of records of <paramref name="per"/> elements each.</summary>
    public NativeChunks(int per) => _per = Math.Max(1, per);

    /// <summary>Bytes allocated now.</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>The first element of record <paramref name="index"/>, allocating its chunk when it is new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T* At(long index)
    {
        var c = (int)(index >> Shift);
        if (c >= _allocated || _chunks[c] == IntPtr.Zero)
        {
            Allocate(c);
        }

        return (T*)_chunks[c] + ((index & Mask) * _per);
    }

    /// <summary>The first element of a record whose chunk exists (no check: the hot read path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T* Existing(long index) => (T*)_chunks[(int)(index >> Shift)] + ((index & Mask) * _per);

    /// <summary>Frees every chunk that holds only records before <paramref name="index"/>.</summary>
    public void ReleaseBefore(long index)
    {
        var last = (int)Math.Min(index >> Shift, _allocated);
        for (var c = 0; c < last; c++)
        {
            Free(c);
        }
    }

    /// <summary>Whether the record's chunk is still held.</summary>
    public bool Holds(long index)
    {
        var c = (int)(index >> Shift);
        return c < _allocated && _chunks[c] != IntPtr.Zero;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        for (var c = 0; c < _allocated; c++)
        {
            Free(c);
        }

        _allocated = 0;
    }

    private void Allocate(int c)
    {
        var bytes = (nuint)((1L << Shift) * _per * sizeof(T));
        _chunks[c] = (IntPtr)NativeMemory.Alloc(bytes);
        AllocatedBytes += (long)bytes;
        _allocated = Math.Max(_allocated, c + 1);
    }

    private void Free(int c)
    {
        if (_chunks[c] != IntPtr.Zero)
        {
            NativeMemory.Free((void*)_chunks[c]);
            _chunks[c] = IntPtr.Zero;
            AllocatedBytes -= (1L << Shift) * _per * sizeof(T);
        }
    }
}
