using System.Collections.Concurrent;
using Harness.Impl.Resources;

namespace Harness.Checking;

/// <summary>
/// Decodes checkpoint files for observations, remembering what each distinct content decoded to. The harness reads
/// both checkpoint files after every scenario line, and across thousands of generated scenarios the same few contents
/// come back again and again; decoding is the implementation's own strict codec, and a file that does not decode is
/// never remembered, so every corrupt file still raises its error.
/// </summary>
internal static class DecodedCheckpoints
{
    private const int MaxRemembered = 4096;

    private static readonly ConcurrentDictionary<byte[], ResourceSet> Remembered = new(ByteContent.Instance);

    public static ResourceSet Decode(byte[] content, string path)
    {
        if (Remembered.TryGetValue(content, out var set))
        {
            return set;
        }

        set = CheckpointCodec.Decode(content, path);
        if (Remembered.Count >= MaxRemembered)
        {
            Remembered.Clear();
        }

        Remembered.TryAdd(content, set);
        return set;
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
