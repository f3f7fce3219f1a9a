using System.Collections.Concurrent;

namespace Harness.Checking;

/// <summary>
/// What a deterministic reading of a file's bytes gave, remembered by content: the checkers read the same few checkpoint
/// contents again and again (after every scenario line, after every handler of an interleaving), and hashing a few
/// hundred bytes costs far less than parsing them. Bounded: past <see cref="MaxRemembered"/> contents it starts over.
/// </summary>
/// <typeparam name="T">What a content reads as.</typeparam>
internal sealed class RememberedContents<T>
{
    private const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<byte[], T> remembered = new(ByteContent.Comparer);

    /// <summary>What <paramref name="content"/> read as before, or <paramref name="read"/>'s result on it, remembered.</summary>
    public T Get(byte[] content, Func<byte[], T> read) => Get(content, read, static (bytes, reader) => reader(bytes));

    /// <summary>
    /// As <see cref="Get(byte[], Func{byte[], T})"/>, with what the reading needs passed along instead of captured, so
    /// that a content read before costs no allocation.
    /// </summary>
    public T Get<TState>(byte[] content, TState state, Func<byte[], TState, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (remembered.TryGetValue(content, out var known))
        {
            return known;
        }

        var value = read(content, state);
        if (remembered.Count >= MaxRemembered)
        {
            remembered.Clear();
        }

        // A copy as the key: the caller's array may be a buffer it reuses.
        remembered.TryAdd(content.ToArray(), value);
        return value;
    }
}
