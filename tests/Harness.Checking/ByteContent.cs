namespace Harness.Checking;

/// <summary>Byte arrays compared by content, for the sets and memos the checkers keep of file contents.</summary>
internal sealed class ByteContent : IEqualityComparer<byte[]>
{
    /// <summary>The comparer.</summary>
    public static readonly ByteContent Comparer = new();

    private ByteContent()
    {
    }

    /// <inheritdoc/>
    public bool Equals(byte[]? x, byte[]? y) => x is null || y is null ? x == y : x.AsSpan().SequenceEqual(y);

    /// <inheritdoc/>
    public int GetHashCode(byte[] obj)
    {
        var hash = default(HashCode);
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
