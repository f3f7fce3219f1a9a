using System.Runtime.InteropServices;

namespace Harness.Model;

/// <summary>
/// Up to three counters that one thread writes at a high rate, kept 64 bytes (a cache line) away from every other
/// field of the object that holds them and from its neighbours in memory. A counter that shares a line with what
/// another thread reads on every lookup takes that line away from it at each write: with the store's count beside
/// the fields lookups read, two threads spent a quarter more processor time on a search than one.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 3 * 64)]
internal struct OwnLine
{
    [FieldOffset(64)]
    public long First;

    [FieldOffset(72)]
    public long Second;

    [FieldOffset(80)]
    public long Third;
}
