namespace Harness.Model;

/// <summary>
/// The fault-free transitions (<see cref="ModelAction.IsProgress"/>) the search generated, to decide convergence:
/// per state, in index order, the number of such transitions (one byte), and their targets (four bytes each),
/// in native chunks. States are expanded in index order, so the sources need no index of their own.
/// </summary>
internal sealed unsafe class ProgressEdges : IDisposable
{
    private readonly NativeChunks<byte> _counts = new(1);
    private readonly NativeChunks<int> _targets = new(1);
    private long _sources;
    private long _edges;

    /// <summary>Bytes allocated now.</summary>
    public long AllocatedBytes => _counts.AllocatedBytes + _targets.AllocatedBytes;

    /// <summary>Starts the next state's edges: it has <paramref name="count"/> of them.</summary>
    public void AddSource(int count) => *_counts.At(_sources++) = (byte)count;

    /// <summary>Adds a target of the current state.</summary>
    public void AddTarget(int target) => *_targets.At(_edges++) = target;

    /// <summary>
    /// The lowest-index (so nearest) state from which no converged state is reachable over these transitions, or -1.
    /// A state reaches convergence when it is converged or one of its targets does: passes over the states from the
    /// last to the first mark them until a pass marks nothing new. An edge to a later state is settled in the same
    /// pass, so the passes are few (one more per edge back to an earlier state on the way to convergence).
    /// </summary>
    public int FindUnconvergeable(StateStore store)
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
            var e = _edges;
            for (var i = (long)count - 1; i >= 0; i--)
            {
                int n = *_counts.Existing(i);
                e -= n;
                if (*reaches.Existing(i) != 0)
                {
                    continue;
                }

                for (var k = 0; k < n; k++)
                {
                    if (*reaches.Existing(*_targets.Existing(e + k)) != 0)
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
