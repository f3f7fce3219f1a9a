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

    [Fact]
    public void Add_ManyStates_TableGrowsByAQuarterSoItsLoadStaysAboveOneHalf()
    {
        // A table that doubles at a load of one half drops to a quarter; segments that grow by a quarter at three
        // quarters stay between 0.6 and 0.75 each.
        using var store = new StateStore(1, StoreKind.Exact, initialCapacity: 1024);
        var s = default(ModelState);
        var lowest = 1.0;
        for (var i = 0; i < 300_000; i++)
        {
            s.SetWord(0, (ulong)i);
            store.Add(in s, i - 1);
            if (i > 20_000)
            {
                lowest = Math.Min(lowest, store.Load);
            }
        }

        Assert.InRange(lowest, 0.55, 0.75);
        Assert.InRange(store.Load, 0.55, 0.75);
    }

    [Fact]
    public void Add_Spilled_ParentsAndConvergedReadBackFromTheLogs()
    {
        var spill = new MemorySpill();
        using (var store = new StateStore(1, StoreKind.Exact, spill: spill))
        {
            var s = default(ModelState);
            for (var i = 0; i < 100_000; i++)
            {
                s.SetWord(0, (ulong)i);
                store.Add(in s, i - 1, converged: i % 3 == 0);
            }

            // Backward and forward, across the blocks written to the log and the one still in memory.
            for (var i = 99_999; i >= 0; i -= 7)
            {
                Assert.Equal((i - 1, i % 3 == 0), (store.Parent(i), store.IsConverged(i)));
            }

            Assert.Equal(99_998, store.Parent(99_999));
            Assert.Equal(0, store.Parent(1));
            Assert.True(store.Memory.Spilled >= 100_000 * 4, "most parent links are in the log");
            Assert.Equal(2 * 256, store.Memory.Parents);
        }

        Assert.Equal(["parents", "converged"], spill.Names);
        Assert.True(spill.AllDisposed);
    }

    [Theory]
    [InlineData(Design.KeepGoing, StoreKind.Exact)]
    [InlineData(Design.PartialExit, StoreKind.Exact)]
    [InlineData(Design.Target, StoreKind.HashCompaction)]
    [InlineData(Design.TargetIncarnation, StoreKind.Exact)]
    public void Check_Spilled_SameVerdictsStatesAndTracesAsInMemory(Design design, StoreKind kind)
    {
        var bounds = new Bounds { Agents = 2, Operations = 2 };
        var spill = new MemorySpill();

        var memory = ModelChecker.Check(design, bounds, new CheckOptions { Store = kind });
        var spilled = ModelChecker.Check(design, bounds, new CheckOptions { Store = kind, Spill = spill });

        Assert.Equal((memory.States, memory.Transitions, memory.Depth), (spilled.States, spilled.Transitions, spilled.Depth));
        Assert.Equal(Traces(memory), Traces(spilled));
        Assert.Equal(["parents", "converged", "edge-counts", "edge-targets"], spill.Names);
        Assert.True(spill.AllDisposed);
        Assert.True(spill.Bytes > 5L * (memory.States - 256), "the parent links and converged flags went to the logs");
        Assert.True(spilled.PeakMemory.Spilled > 0);
        Assert.True(spilled.PeakMemory.Parents < memory.PeakMemory.Parents);
    }

    private static List<string> Traces(CheckResult r) =>
        [.. r.Violations.Select(v => $"{v.Property.Name()}: {v.ToScenario().Format()}")];

    /// <summary>A spill space in memory that remembers what was asked of it.</summary>
    private sealed class MemorySpill : ISpillSpace
    {
        private readonly List<Log> _logs = [];

        public List<string> Names => [.. _logs.Select(l => l.Name)];

        public bool AllDisposed => _logs.All(l => l.Disposed);

        // Small blocks, so that the small bounds of the tests fill many.
        public int BlockBytes => 256;

        public long Bytes => _logs.Sum(l => l.Bytes.Count);

        public ISpillLog Create(string name)
        {
            var log = new Log(name);
            _logs.Add(log);
            return log;
        }

        private sealed class Log(string name) : ISpillLog
        {
            public string Name { get; } = name;

            public List<byte> Bytes { get; } = [];

            public bool Disposed { get; private set; }

            public void Append(ReadOnlySpan<byte> bytes) => Bytes.AddRange(bytes);

            public void Read(long offset, Span<byte> into) =>
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Bytes).Slice((int)offset, into.Length).CopyTo(into);

            public void Dispose() => Disposed = true;
        }
    }
}
