namespace Harness.Checking;

/// <summary>
/// Seeds for searches that draw from several random streams of one root seed. Two generators are involved, and each
/// turns a careless derivation into repeated work:
/// <list type="bullet">
/// <item>FsCheck's numbers are SplitMix64, whose state moves by a fixed gamma at every step, so seeds a multiple of that
/// gamma apart start one stream at different steps and draw mostly the same scenarios.</item>
/// <item>Coyote reseeds its generator with seed + n for its n-th execution, so explorations whose seeds lie fewer
/// executions apart than they run repeat each other's executions.</item>
/// </list>
/// </summary>
public static class Seeds
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>
    /// The <paramref name="index"/>-th seed derived from <paramref name="root"/>: the root itself, then SplitMix64's outputs
    /// for the root, each the start of a stream unrelated to the others.
    /// </summary>
    public static ulong Derive(ulong root, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (index == 0)
        {
            return root;
        }

        unchecked
        {
            var z = root + ((ulong)index * Gamma);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>
    /// The <paramref name="index"/>-th 32-bit Coyote seed derived from <paramref name="root"/>: the root itself, then the
    /// high half of <see cref="Derive(ulong, int)"/>. Coyote seeds <see cref="Random"/> with the seed as an int, whose sign
    /// .NET drops, so two derived seeds fall within a run of executions of each other with odds of about that run's length
    /// in 2^30.
    /// </summary>
    public static uint Derive(uint root, int index) => index == 0 ? root : (uint)(Derive((ulong)root, index) >> 32);
}
