namespace Harness.Checking.Interleaving;

/// <summary>One fault profile an execution can focus on: the faults it may inject and how often it is chosen.</summary>
/// <param name="Faults">The fault kinds the execution may inject.</param>
/// <param name="Weight">The profile is chosen with probability weight / (sum of the weights).</param>
public readonly record struct FaultProfile(FaultKinds Faults, int Weight);

/// <summary>
/// The fault windows an execution can focus on (<see cref="InterleavingOptions.FocusFaults"/>): each the faults that open
/// one window of docs/interleaving.md, restricted to the faults the user enabled, with a weight.
/// </summary>
public static class FaultFocus
{
    // The weights come from docs/interleaving.md, "Reach per fault window": a window that only its own faults open costs
    // about (sum of the weights / its weight) times its focused run. A failed rmdir is the only way into W1 (fresh-volume
    // on partial-exit) and its focused run is the cheapest, so it gets the most. Failed I/O of any step has a profile of
    // its own as well: alone in W1's it spent the budget on the writes, renames and mkdirs of other updates (W1 with
    // every fault was found on 3 of 7 seeds against 17 of 20 focused), but without it W2's property on target was found
    // on 8 of 18 seeds against 14 of 14 with it. A broken link (W2) and a failover (W5) open windows whose property
    // crashes and failed I/O also break on the designs that fail there, so they need less.
    private static readonly (FaultKinds Window, int Weight)[] Windows =
    [
        (FaultKinds.Rmdir | FaultKinds.LateNotice, 6),                         // W1: DESTROY's rmdir fails, its re-application comes late
        (FaultKinds.Io | FaultKinds.LateNotice, 3),                            // W1 and W3 through any failed step
        (FaultKinds.BreakLink | FaultKinds.LateNotice, 2),                     // W2: the DESTROY lost with a broken link
        (FaultKinds.Crash | FaultKinds.Write | FaultKinds.LateNotice, 1),      // W3: a crash, or a failed target write, loses the update
        (FaultKinds.PowerLoss | FaultKinds.Writeback, 1),                      // W4: what a power loss takes back
        (FaultKinds.Failover | FaultKinds.LateNotice, 2),                      // W5: the update lost with a failover
    ];

    /// <summary>Every enabled fault at once, which still finds what needs two kinds together.</summary>
    private const int AllWeight = 1;

    /// <summary>
    /// The distinct non-empty windows within <paramref name="enabled"/>, then <paramref name="enabled"/> itself; a single
    /// profile when the enabled faults are one window.
    /// </summary>
    public static IReadOnlyList<FaultProfile> Profiles(FaultKinds enabled)
    {
        var profiles = new List<FaultProfile>();
        foreach (var (window, weight) in Windows)
        {
            var focused = window & enabled;
            if ((focused & ~FaultKinds.LateNotice) != 0 && focused != enabled && !profiles.Exists(p => p.Faults == focused))
            {
                profiles.Add(new FaultProfile(focused, weight));
            }
        }

        profiles.Add(new FaultProfile(enabled, AllWeight));
        return profiles;
    }

    /// <summary>
    /// The profile that <paramref name="draw"/> (a controlled choice of Coyote's, so a trace replays it: given n, a number
    /// in [0, n)) picks by weight. A single profile draws nothing, so a run whose faults form one window explores exactly
    /// the schedules it explores without focus.
    /// </summary>
    public static FaultKinds Choose(IReadOnlyList<FaultProfile> profiles, Func<int, int> draw)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(draw);
        if (profiles.Count == 1)
        {
            return profiles[0].Faults;
        }

        var pick = draw(profiles.Sum(p => p.Weight));
        foreach (var profile in profiles)
        {
            if (pick < profile.Weight)
            {
                return profile.Faults;
            }

            pick -= profile.Weight;
        }

        throw new ArgumentOutOfRangeException(nameof(draw), "the draw fell outside the sum of the weights");
    }
}
