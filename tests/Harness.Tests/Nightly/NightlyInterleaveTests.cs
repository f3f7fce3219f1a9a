using Harness.Checking.Nightly;
using Xunit;

namespace Harness.Tests.Nightly;

public sealed class NightlyInterleaveTests
{
    [Fact]
    public void RoundSeed_RoundsOfEveryBatch_SeedDisjointExecutions()
    {
        // A batch runs up to 100 executions, in rounds after each bug; Coyote seeds its n-th execution with seed + n, as
        // an int whose sign .NET's Random drops. Rounds spread like the batches gave round r of batch b the executions of
        // batch b + r's first round.
        var seeded = new HashSet<long>();
        var repeated = 0;
        for (var b = 0; b < 200; b++)
        {
            for (var r = 0; r < 5; r++)
            {
                var seed = NightlyInterleave.RoundSeed(20240611, b, r);
                repeated += Enumerable.Range(0, 100).Count(n => !seeded.Add(Math.Abs((long)unchecked((int)(seed + (uint)n)))));
            }
        }

        Assert.Equal(Harness.Checking.Interleaving.InterleavingExplorer.SpreadSeed(20240611, 3), NightlyInterleave.RoundSeed(20240611, 3, 0));
        Assert.Equal(0, repeated);
    }
}
