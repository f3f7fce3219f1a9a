namespace Harness.Checking.Interleaving;

/// <summary>
/// The fault windows an execution can focus on (<see cref="InterleavingOptions.FocusFaults"/>): each the faults that open
/// one window of docs/interleaving.md, restricted to the faults the user enabled.
/// </summary>
public static class FaultFocus
{
    private static readonly FaultKinds[] Windows =
    [
        FaultKinds.Io | FaultKinds.LateNotice,                          // W1: a failed rmdir (or write) before the DESTROY is re-applied
        FaultKinds.BreakLink | FaultKinds.LateNotice,                   // W2: the DESTROY lost with a broken link
        FaultKinds.Crash | FaultKinds.Write | FaultKinds.LateNotice,    // W3: a crash, or a failed target write, loses the update
        FaultKinds.PowerLoss | FaultKinds.Writeback,                    // W4: what a power loss takes back
        FaultKinds.Failover | FaultKinds.LateNotice,                    // W5: the update lost with a failover
    ];

    /// <summary>
    /// The distinct non-empty windows within <paramref name="enabled"/>, then <paramref name="enabled"/> itself (every fault
    /// at once still finds what needs two kinds together), each chosen equally often.
    /// </summary>
    public static IReadOnlyList<FaultKinds> Profiles(FaultKinds enabled)
    {
        var profiles = new List<FaultKinds>();
        foreach (var window in Windows)
        {
            var focused = window & enabled;
            if ((focused & ~FaultKinds.LateNotice) != 0 && focused != enabled && !profiles.Contains(focused))
            {
                profiles.Add(focused);
            }
        }

        profiles.Add(enabled);
        return profiles;
    }
}
