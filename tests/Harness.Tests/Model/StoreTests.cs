using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

public class StoreTests
{
    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.PartialExit)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Check_HashCompaction_SameVerdictsAndStatesAsExact(Design design)
    {
        var bounds = new Bounds { Agents = 2, Operations = 2 };

        var exact = ModelChecker.Check(design, bounds, new CheckOptions { Store = StoreKind.Exact });
        var compacted = ModelChecker.Check(design, bounds, new CheckOptions { Store = StoreKind.HashCompaction });

        Assert.Equal((exact.States, exact.Transitions), (compacted.States, compacted.Transitions));
        Assert.Equal(Traces(exact), Traces(compacted));
        Assert.Equal(StoreKind.HashCompaction, compacted.Store);
        Assert.InRange(compacted.OmissionProbability, double.Epsilon, 1e-6);
        Assert.Equal(0, exact.OmissionProbability);
        Assert.True(compacted.BytesPerState < exact.BytesPerState);
    }

    [Fact]
    public void OmissionProbability_TlcEstimate_GrowsWithTheSquareOfTheStates()
    {
        var small = ModelChecker.OmissionProbability(1_000_000, 7_000_000);
        var large = ModelChecker.OmissionProbability(10_000_000, 70_000_000);

        Assert.InRange(small / (1e6 * 6e6 / Math.Pow(2, 64)), 0.999999, 1.000001);
        Assert.InRange(large / small, 99.99, 100.01);
    }

    [Fact]
    public void Add_StatesOfOneHash_KeptApartByAnExactStoreAndMergedByACompactedOne()
    {
        // Two different states filed under one hash: the exact store compares the states, the compacted one only
        // the fingerprint, which is the omission the compacted result reports.
        var a = default(ModelState);
        var b = default(ModelState);
        a.SetWord(0, 1);
        b.SetWord(0, 2);
        using var exact = new StateStore(1, StoreKind.Exact);
        using var compacted = new StateStore(1, StoreKind.HashCompaction);

        exact.Add(a.ReadOnlySpan(1), 42, -1, false);
        compacted.Add(a.ReadOnlySpan(1), 42, -1, false);

        Assert.True(exact.Add(b.ReadOnlySpan(1), 42, 0, false).Added);
        Assert.False(compacted.Add(b.ReadOnlySpan(1), 42, 0, false).Added);
    }

    [Fact]
    public void Add_ManyStates_EachFoundAgainAfterTheTableAndChunksGrow()
    {
        using var store = new StateStore(2, StoreKind.Exact, initialCapacity: 1024);
        var s = default(ModelState);
        for (var i = 0; i < 200_000; i++)
        {
            s.SetWord(0, (ulong)i);
            s.SetWord(1, (ulong)i * 7);
            Assert.True(store.Add(in s, i - 1).Added);
        }

        for (var i = 0; i < 200_000; i += 997)
        {
            s.SetWord(0, (ulong)i);
            s.SetWord(1, (ulong)i * 7);
            Assert.Equal(i, store.Find(in s, store.HashOf(in s)));
            Assert.Equal(i - 1, store.Parent(i));
        }

        Assert.Equal(200_000, store.Count);
    }

    private static List<string> Traces(CheckResult r) =>
        [.. r.Violations.Select(v => $"{v.Property.Name()}: {v.ToScenario().Format()}")];
}
