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
    private static readonly RememberedContents<ResourceSet?> Remembered = new();

    /// <summary>The set <paramref name="content"/> decodes to; throws <see cref="CorruptCheckpointException"/> when the codec refuses it.</summary>
    public static ResourceSet Decode(byte[] content, string path) =>
        TryDecode(content, path, out var set) ? set : CheckpointCodec.Decode(content, path);

    /// <summary>Decodes <paramref name="content"/>; false when the codec refuses it.</summary>
    public static bool TryDecode(byte[] content, string path, [NotNullWhen(true)] out ResourceSet? set)
    {
        set = Remembered.Get(content, path, static (bytes, name) =>
        {
            try
            {
                return CheckpointCodec.Decode(bytes, name);
            }
            catch (CorruptCheckpointException)
            {
                return null;
            }
        });
        return set is not null;
    }
}
