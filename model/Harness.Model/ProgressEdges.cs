namespace Harness.Model;

/// <summary>
/// The fault-free transitions (<see cref="ModelAction.IsProgress"/>) the search generated, to decide convergence:
/// per state, in index order, the number of such transitions (one byte), and their targets (four bytes each).
/// States are expanded in index order, so the sources need no index of their own. Both lists are only appended to
/// during the search and read after it, so they can live in a spill space instead of memory.
/// </summary>
internal sealed class ProgressEdges : IDisposable
{
    private readonly RecordLog<byte> _counts;
    private readonly RecordLog<int> _targets;

    /// <summary>Creates the lists in memory, or in <paramref name="spill"/> when one is given.</summary>
    public ProgressEdges(ISpillSpace? spill = null)
    {
        _counts = new RecordLog<byte>(spill, "edge-counts");
        _targets = new RecordLog<int>(spill, "edge-targets");
    }

    /// <summary>Bytes of the counts held in memory now.</summary>
    public long CountBytes => _counts.MemoryBytes;

    /// <summary>Bytes of the targets held in memory now.</summary>
    public long TargetBytes => _targets.MemoryBytes;

    /// <summary>Bytes written to the spill space.</summary>
    public long SpilledBytes => _counts.SpilledBytes + _targets.SpilledBytes;

    /// <summary>Starts the next state's edges: it has <paramref name="count"/> of them.</summary>
    public void AddSource(int count) => _counts.Add((byte)count);

    /// <summary>Adds a target of the current state.</summary>
    public void AddTarget(int target) => _targets.Add(target);

    /// <summary>
    /// The lowest-index (so nearest) state from which no converged state is reachable over these transitions, or -1.
    /// A state reaches convergence when it is converged or one of its targets does: passes over the states from the
    /// last to the first mark them until a pass marks nothing new. An edge to a later state is settled in the same
    /// pass, so the passes are few (one more per edge back to an earlier state on the way to convergence).
    /// </summary>
    public unsafe int FindUnconvergeable(StateStore store)
    {
        var count = store.Count;
        using var reaches = new NativeChunks<byte>(1);
        for (var i = 0; i < count; i++)
        {
            *reaches.At(i) = store.IsConverged(i) ? (byte)1 : (byte)0;
        }

        bool changed;
        do
        {
            changed = false;
            var e = _targets.Count;
            for (var i = (long)count - 1; i >= 0; i--)
            {
                int n = _counts[i];
                e -= n;
                if (*reaches.Existing(i) != 0)
                {
                    continue;
                }

                for (var k = 0; k < n; k++)
                {
                    if (*reaches.Existing(_targets[e + k]) != 0)
                    {
                        *reaches.Existing(i) = 1;
                        changed = true;
                        break;
                    }
                }
            }
        }
        while (changed);

        for (var i = 0; i < count; i++)
        {
            if (*reaches.Existing(i) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _counts.Dispose();
        _targets.Dispose();
    }
}
