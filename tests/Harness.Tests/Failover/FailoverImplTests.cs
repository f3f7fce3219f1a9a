using Harness.Checking;
using Harness.Impl.Masters;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Failover;

/// <summary>The master's failover in the implementation, and a real-disk replay on a work directory an earlier run left.</summary>
public sealed class FailoverImplTests : IDisposable
{
    private const string Agent = "a1";
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-failover-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FailOver_FirstRegistration_AdoptsTheReportedSet(bool sendIncarnations)
    {
        var transport = new QueuedTransport();
        var master = new Master(transport, 10, sendIncarnations);
        master.Register(Agent, ResourceSet.Empty);
        master.Apply(Agent, new ReserveOperation("r1", 2));
        master.Apply(Agent, new CreateOperation("r1", "v1", 1));
        var reported = master.View(Agent);

        var next = master.FailOver();

        Assert.False(next.IsConnected(Agent));
        Assert.Equal(OperationStatus.Dropped, next.Apply(Agent, new ReserveOperation("r1", 1)).Status);
        next.Register(Agent, reported);
        Assert.Equal(reported, next.View(Agent));
        Assert.Equal(1, next.IncarnationOf(Agent, "r1", "v1"));
        Assert.False(next.IsAdopting(Agent));
    }

    [Fact]
    public void FailOver_IncarnationCounterSurvives_NextCreateIsFresh()
    {
        var transport = new QueuedTransport();
        var master = new Master(transport, 10, sendIncarnations: true);
        master.Register(Agent, ResourceSet.Empty);
        master.Apply(Agent, new ReserveOperation("r1", 2));
        master.Apply(Agent, new CreateOperation("r1", "v1", 1));

        var next = master.FailOver();
        next.Register(Agent, ResourceSet.Empty.WithReservationChange("r1", 2));
        next.Apply(Agent, new CreateOperation("r1", "v1", 1));

        Assert.Equal(2, next.IncarnationOf(Agent, "r1", "v1"));
    }

    [Fact]
    public void FailOver_VolumeTheOldMasterDidNotHold_GetsAFreshGhostIncarnation()
    {
        var transport = new QueuedTransport();
        var master = new Master(transport, 10, sendIncarnations: false);
        master.Register(Agent, ResourceSet.Empty);
        master.Apply(Agent, new ReserveOperation("r1", 2));
        master.Apply(Agent, new CreateOperation("r1", "v1", 1));
        var stillOnTheAgent = master.View(Agent);
        master.Apply(Agent, new DestroyOperation("r1", "v1"));

        var next = master.FailOver();
        next.Register(Agent, stillOnTheAgent);

        Assert.Equal(2, next.IncarnationOf(Agent, "r1", "v1"));
    }

    /// <summary>
    /// The first run leaves volumes with task data in the work directory; the second replay starts on it. A master that
    /// started with an empty view would send it, and the agent would remove every recovered volume with its data.
    /// </summary>
    [Theory]
    [InlineData(Design.KeepGoing)]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Replay_RealDiskLeftByAnEarlierRun_KeepsEveryVolumeAndItsData(Design design)
    {
        var work = Path.Combine(_dir, "work");
        Run(design, work, """
            reserve r1 size=2
            reserve r2 size=1 @a2
            create r1/v1 size=1
            create r1/v2 size=1
            create r2/v1 size=1 @a2
            deliver
            deliver
            deliver
            deliver @a2
            deliver @a2
            use r1/v1
            use r1/v2
            use r2/v1 @a2
            """);
        var before = Snapshot(work);
        Assert.Equal(3, before.Count(e => e.Contains("/data = ", StringComparison.Ordinal)));

        var report = Run(design, work, """
            deliver
            deliver @a2
            reserve r3 size=1
            deliver
            """);

        Assert.Empty(report.ImplViolations);
        Assert.Equal(before.Where(IsVolume), Snapshot(work).Where(IsVolume));
    }

    private static LockstepReport Run(Design design, string work, string text)
    {
        var runner = new LockstepRunner(design, Scenario.Parse(text, "failover-test"), new LockstepOptions
        {
            Implementation = new ImplOptions { Disk = DiskKind.Real, WorkDirectory = work, Narrate = false },
        });
        runner.Start();
        return runner.Run();
    }

    private static bool IsVolume(string entry) => entry.Contains("/volumes/", StringComparison.Ordinal);

    // Every directory and file under the work directory, with each file's content.
    private static List<string> Snapshot(string work) =>
    [
        .. Directory.EnumerateFileSystemEntries(work, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(work, p).Replace('\\', '/'))
            .Select(p => File.Exists(Path.Combine(work, p)) ? $"{p} = {File.ReadAllText(Path.Combine(work, p))}" : p)
            .Order(StringComparer.Ordinal),
    ];
}
