namespace Harness.Model;

/// <summary>
/// Where the search may put what it writes once, in discovery order, and reads back only after the search: the parent
/// links (to rebuild traces), the converged flags and the fault-free transitions (to decide convergence). The model
/// does no I/O of its own, so the caller hands it this space (temporary files, for instance).
/// </summary>
public interface ISpillSpace
{
    /// <summary>How many bytes a log gathers in memory before it appends them in one write (a file wants large writes).</summary>
    int BlockBytes { get; }

    /// <summary>A new, empty log; it and everything in it go when it is disposed.</summary>
    ISpillLog Create(string name);
}

/// <summary>An append-only sequence of bytes that can be read back at any offset.</summary>
public interface ISpillLog : IDisposable
{
    /// <summary>Appends <paramref name="bytes"/> at the end.</summary>
    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>Fills <paramref name="into"/> with the bytes appended from <paramref name="offset"/> on.</summary>
    void Read(long offset, Span<byte> into);
}
