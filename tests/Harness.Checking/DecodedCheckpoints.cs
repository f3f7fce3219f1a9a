using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Harness.Impl.Resources;

namespace Harness.Checking;

/// <summary>
/// Decodes checkpoint files for observations, remembering what each distinct content decoded to. The harness reads
/// both checkpoint files after every scenario line, and across thousands of generated scenarios the same few contents
/// come back again and again. Decoding is the implementation's own strict codec, which is deterministic; a content it
/// refuses is remembered as refused, and <see cref="Decode"/> runs the codec on it again so the caller gets its error.
/// </summary>
internal static class DecodedCheckpoints
{
    private const int MaxRemembered = 4096;

    private static readonly ConcurrentDictionary<byte[], ResourceSet?> Remembered = new(ByteContent.Instance);

    /// <summary>The set <paramref name="content"/> decodes to; throws <see cref="CorruptCheckpointException"/> when the codec refuses it.</summary>
    public static ResourceSet Decode(byte[] content, string path) =>
        TryDecode(content, path, out var set) ? set : CheckpointCodec.Decode(content, path);

    /// <summary>Decodes <paramref name="content"/>; false when the codec refuses it.</summary>
    public static bool TryDecode(byte[] content, string path, [NotNullWhen(true)] out ResourceSet? set)
    {
        if (Remembered.TryGetValue(content, out set))
        {
            return set is not null;
        }

        try
        {
            set = CheckpointCodec.Decode(content, path);
        }
        catch (CorruptCheckpointException)
        {
            set = null;
        }

        if (Remembered.Count >= MaxRemembered)
        {
            Remembered.Clear();
        }

        Remembered.TryAdd(content, set);
        return set is not null;
    }

    private sealed class ByteContent : IEqualityComparer<byte[]>
    {
        public static readonly ByteContent Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = default(HashCode);
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
