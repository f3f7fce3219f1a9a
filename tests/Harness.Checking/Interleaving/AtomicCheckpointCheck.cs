namespace Harness.Checking.Interleaving;

/// <summary>
/// Atomic checkpoint under Coyote: resources.info, read with the checkers' own reader after every rename, crash and power
/// loss, parses, and what a crash or power loss leaves for recovery is absent or a set a rename of the agent committed.
/// Checked at those steps (see <see cref="FreshVolumeCheck"/> for why a plain check).
/// </summary>
public sealed class AtomicCheckpointCheck
{
    // Every resources.info a rename of the agent committed in this execution.
    private readonly HashSet<byte[]> committed = new(ByteContent.Comparer);

    /// <summary>
    /// resources.info (<paramref name="info"/>, null when absent) read at <paramref name="when"/>; after a rename it is a
    /// set the agent committed (<paramref name="commits"/>), at any other moment it must be one of those.
    /// </summary>
    public string? Observed(string when, byte[]? info, bool commits)
    {
        if (ClusterProperties.CheckAtomicCheckpoint(info) is { } problem)
        {
            return problem + " (" + when + ")";
        }

        if (info is null)
        {
            return null;
        }

        if (commits)
        {
            // A copy: the caller's array may be a buffer it reuses.
            committed.Add(info.ToArray());
            return null;
        }

        return committed.Contains(info) ? null : ClusterProperties.UncommittedCheckpoint(info) + " (" + when + ")";
    }
}
