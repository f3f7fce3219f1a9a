using System.Globalization;

namespace Harness.Model;

/// <summary>
/// Bytes the search holds in memory, by part: the stored states' words (a compacted store keeps only the frontier's),
/// their fingerprints, parent links and converged flags, the hash table (and tables replaced but not yet freed), and
/// the fault-free transitions kept for convergence (a count per state and a target per transition), and the
/// convergence pass's mark per state. What was spilled out of memory (<see cref="ISpillSpace"/>) is counted apart.
/// </summary>
public readonly record struct StoreMemory(
    long Words,
    long Fingerprints,
    long Parents,
    long Converged,
    long Table,
    long RetiredTables,
    long EdgeCounts,
    long EdgeTargets,
    long ConvergenceMarks = 0)
{
    /// <summary>All the parts together.</summary>
    public long Total => Words + Fingerprints + Parents + Converged + Table + RetiredTables + EdgeCounts + EdgeTargets + ConvergenceMarks;

    /// <summary>Bytes written to the spill space (not in memory, not in <see cref="Total"/>).</summary>
    public long Spilled { get; init; }

    /// <summary>The parts in MiB, largest first, as one line.</summary>
    public override string ToString()
    {
        var parts = new (string Name, long Bytes)[]
        {
            ("words", Words), ("fingerprints", Fingerprints), ("parents", Parents), ("converged", Converged),
            ("table", Table), ("old tables", RetiredTables), ("edge counts", EdgeCounts), ("edge targets", EdgeTargets),
            ("convergence marks", ConvergenceMarks),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Mib(Total)} MiB: ") + string.Join(", ", parts
            .Where(p => p.Bytes > 0)
            .OrderByDescending(p => p.Bytes)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {Mib(p.Bytes)}")))
            + (Spilled > 0 ? string.Create(CultureInfo.InvariantCulture, $"; spilled {Mib(Spilled)} MiB") : string.Empty);
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("F0", CultureInfo.InvariantCulture);
}
