using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Harness.Model;

/// <summary>The process status of an agent.</summary>
public enum AgentStatus
{
    /// <summary>Not running; it can be restarted.</summary>
    Down = 0,

    /// <summary>Running and registered over a live connection.</summary>
    Connected = 1,

    /// <summary>Running, but its connection broke; it can re-register.</summary>
    Disconnected = 2,

    /// <summary>Refused to start on a checkpoint it cannot parse; it stays down.</summary>
    Stuck = 3,
}

/// <summary>Which version of the disk a field describes.</summary>
public enum FileView
{
    /// <summary>What a running process sees now.</summary>
    Now = 0,

    /// <summary>What remains after a power loss that drops everything not synced.</summary>
    Durable = 1,

    /// <summary>What remains after a power loss that keeps directory entries but drops unsynced file data.</summary>
    KeepMetadata = 2,
}

/// <summary>The content of a checkpoint file: absent, empty (torn), or a whole set.</summary>
public readonly record struct FileContent(FileKind Kind, ulong Set)
{
    /// <summary>No such file.</summary>
    public static FileContent Absent => default;

    /// <summary>A file that exists but holds no complete set.</summary>
    public static FileContent Empty => new(FileKind.Empty, 0);

    /// <summary>A file holding the given set.</summary>
    public static FileContent Of(ulong set) => new(FileKind.Set, set);

    /// <summary>The packed encoding: kind in the low two bits.</summary>
    public ulong Packed => (ulong)Kind | (Set << 2);

    /// <summary>Decodes <see cref="Packed"/>.</summary>
    public static FileContent Unpack(ulong packed) => new((FileKind)(packed & 3), packed >> 2);
}

/// <summary>What a checkpoint file holds.</summary>
public enum FileKind
{
    /// <summary>The file does not exist.</summary>
    Absent = 0,

    /// <summary>The file exists but is empty or torn.</summary>
    Empty = 1,

    /// <summary>The file holds a whole set.</summary>
    Set = 2,
}

/// <summary>The 64-bit words of a state held inline, so that copying a state copies a value.</summary>
[InlineArray(ModelState.MaxWords)]
public struct StateWords
{
    private ulong _element0;
}

/// <summary>
/// One state of the whole system, packed into at most <see cref="MaxWords"/> 64-bit words laid out by a
/// <see cref="Layout"/>. It is a value: copying it copies the state, and equality and hashing look at
/// the bits only, which is what lets the model checker store millions of them. Words past the layout's
/// <see cref="Layout.Words"/> are always zero, so the checker's hot paths copy, hash and compare only the
/// words in use (<see cref="CopyFrom"/>, <see cref="Hash"/>, <see cref="Span"/>): a wide maximum costs the
/// small bounds nothing but stack space.
/// </summary>
public struct ModelState : IEquatable<ModelState>
{
    /// <summary>The most words a state may use.</summary>
    public const int MaxWords = 32;

    private StateWords _words;

    /// <summary>Reads a field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Get(Field f) => (_words[f.Word] >> f.Shift) & f.Mask;

    /// <summary>Writes a field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(Field f, ulong value) =>
        _words[f.Word] = (_words[f.Word] & ~(f.Mask << f.Shift)) | ((value & f.Mask) << f.Shift);

    /// <summary>Reads a field as an integer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int GetInt(Field f) => (int)Get(f);

    /// <summary>Reads a one-bit field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool GetBool(Field f) => Get(f) != 0;

    /// <summary>Writes a one-bit field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetBool(Field f, bool value) => Set(f, value ? 1UL : 0UL);

    /// <summary>Reads a file field.</summary>
    public readonly FileContent GetFile(Field f) => FileContent.Unpack(Get(f));

    /// <summary>Writes a file field.</summary>
    public void SetFile(Field f, FileContent content) => Set(f, content.Packed);

    /// <summary>One raw word.</summary>
    public readonly ulong Word(int i) => _words[i];

    /// <summary>Sets one raw word.</summary>
    public void SetWord(int i, ulong value) => _words[i] = value;

    /// <summary>The first <paramref name="words"/> words, to read or write in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<ulong> Span(int words) => MemoryMarshal.CreateSpan(ref _words[0], words);

    /// <summary>The first <paramref name="words"/> words, read-only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<ulong> ReadOnlySpan(int words) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _words[0]), words);

    /// <summary>
    /// Copies the first <paramref name="words"/> words of <paramref name="source"/>. The caller guarantees that the
    /// words past them are zero in both states (they are in every state of one layout).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CopyFrom(in ModelState source, int words) => source.ReadOnlySpan(words).CopyTo(Span(words));

    /// <inheritdoc />
    public readonly bool Equals(ModelState other) => ReadOnlySpan(MaxWords).SequenceEqual(other.ReadOnlySpan(MaxWords));

    /// <inheritdoc />
    public override readonly bool Equals(object? obj) => obj is ModelState s && Equals(s);

    /// <inheritdoc />
    public override readonly int GetHashCode() => (int)Hash(MaxWords);

    /// <summary>A 64-bit hash of the first <paramref name="words"/> words.</summary>
    public readonly ulong Hash(int words)
    {
        var h = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < words; i++)
        {
            h = Mix(h ^ _words[i]);
        }

        return h;
    }

    /// <summary>Equality operator.</summary>
    public static bool operator ==(ModelState left, ModelState right) => left.Equals(right);

    /// <summary>Inequality operator.</summary>
    public static bool operator !=(ModelState left, ModelState right) => !left.Equals(right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong x)
    {
        // The finaliser of SplitMix64: cheap and spreads every input bit over the output.
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return x;
    }
}
