using System.Text;
using Harness.Impl.Agents;
using Harness.Impl.Masters;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Xunit;

namespace Harness.Tests.Impl;

public class AgentTests
{
    private const string Role = "r1";

    public static TheoryData<AgentDesign> Designs() => new(AgentDesigns.All);

    private static Cluster WithVolume(AgentDesign design, string id = "v1")
    {
        var cluster = new Cluster(design);
        cluster.DeliverAll();
        cluster.AcceptAndApply(new ReserveOperation(Role, 10));
        cluster.AcceptAndApply(new CreateOperation(Role, id, 4));
        return cluster;
    }

    private static string VolumeDir(string id = "v1") => AgentLayout.VolumeDirectory(Role, id);

    [Theory]
    [MemberData(nameof(Designs))]
    public void CheckpointResources_Create_MakesDirectoryAndCommitsCheckpoint(AgentDesign design)
    {
        var cluster = WithVolume(design);

        Assert.True(cluster.Disk.DirectoryExists(VolumeDir()));
        Assert.Equal(cluster.Master.View(Cluster.AgentId), cluster.ReadCheckpoint(AgentLayout.InfoFile));
        Assert.Equal(cluster.Master.View(Cluster.AgentId), cluster.Agent.Resources);
        Assert.False(cluster.Disk.FileExists(AgentLayout.TargetFile));
    }

    [Fact]
    public void CheckpointResources_FailedRmdirInKeepGoing_KeepsOldAndKeepsRunning()
    {
        var cluster = WithVolume(AgentDesign.KeepGoing);
        var old = cluster.Agent.Resources;
        cluster.Faults.FailNext(FsOp.Rmdir);

        cluster.Accept(new DestroyOperation(Role, "v1"));
        var reply = Assert.IsType<CheckpointReply>(cluster.DeliverNext());

        Assert.Equal(CheckpointOutcome.KeptOld, reply.Outcome);
        Assert.True(cluster.Agent.IsRunning);
        Assert.Equal(old, cluster.Agent.Resources);
        Assert.Equal(old, cluster.ReadCheckpoint(AgentLayout.InfoFile));
        Assert.True(cluster.Disk.DirectoryExists(VolumeDir()));
    }

    [Fact]
    public void CheckpointResources_FailedMkdirInKeepGoing_KeepsOldAndKeepsRunning()
    {
        var cluster = WithVolume(AgentDesign.KeepGoing);
        var old = cluster.Agent.Resources;
        cluster.Faults.FailNext(FsOp.Mkdir);

        cluster.Accept(new CreateOperation(Role, "v2", 2));
        var reply = Assert.IsType<CheckpointReply>(cluster.DeliverNext());

        Assert.Equal(CheckpointOutcome.KeptOld, reply.Outcome);
        Assert.Equal(old, cluster.Agent.Resources);
        Assert.Equal(old, cluster.ReadCheckpoint(AgentLayout.InfoFile));
        Assert.False(cluster.Disk.DirectoryExists(VolumeDir("v2")));
    }

    [Theory]
    [InlineData(AgentDesign.PartialExit, FsOp.Rmdir)]
    [InlineData(AgentDesign.PartialExit, FsOp.Mkdir)]
    [InlineData(AgentDesign.Target, FsOp.Rmdir)]
    [InlineData(AgentDesign.Target, FsOp.Mkdir)]
    [InlineData(AgentDesign.TargetIncarnation, FsOp.Rmdir)]
    [InlineData(AgentDesign.TargetIncarnation, FsOp.Mkdir)]
    public void CheckpointResources_FailedVolumeStepInExitingDesigns_ExitsAndKeepsCommittedCheckpoint(AgentDesign design, FsOp failing)
    {
        var cluster = WithVolume(design);
        var old = cluster.ReadCheckpoint(AgentLayout.InfoFile);
        cluster.Faults.FailNext(failing);

        cluster.Accept(failing == FsOp.Rmdir ? new DestroyOperation(Role, "v1") : new CreateOperation(Role, "v2", 2));
        Assert.Throws<AgentExitedException>(() => cluster.DeliverNext());

        Assert.False(cluster.Agent.IsRunning);
        Assert.Equal(old, cluster.ReadCheckpoint(AgentLayout.InfoFile));
        Assert.Equal(design.UsesTarget, cluster.Disk.FileExists(AgentLayout.TargetFile));
    }

    [Theory]
    [InlineData(AgentDesign.Target)]
    [InlineData(AgentDesign.TargetIncarnation)]
    public void Start_PendingTarget_FinishesItBeforeRegistering(AgentDesign design)
    {
        var cluster = WithVolume(design);
        cluster.Faults.FailNext(FsOp.Rmdir);
        cluster.Accept(new DestroyOperation(Role, "v1"));
        Assert.Throws<AgentExitedException>(() => cluster.DeliverNext());
        var target = cluster.ReadCheckpoint(AgentLayout.TargetFile);

        cluster.Restart();

        Assert.Equal(target, cluster.Agent.Resources);
        Assert.Equal(target, cluster.ReadCheckpoint(AgentLayout.InfoFile));
        Assert.False(cluster.Disk.FileExists(AgentLayout.TargetFile));
        Assert.False(cluster.Disk.DirectoryExists(VolumeDir()));
    }

    [Theory]
    [InlineData(AgentDesign.Target)]
    [InlineData(AgentDesign.TargetIncarnation)]
    public void Start_PendingTargetWithFailingStep_ExitsAgainAndKeepsTarget(AgentDesign design)
    {
        var cluster = WithVolume(design);
        cluster.Faults.FailNext(FsOp.Rmdir, untilCleared: true);
        cluster.Accept(new DestroyOperation(Role, "v1"));
        Assert.Throws<AgentExitedException>(() => cluster.DeliverNext());

        Assert.Throws<AgentExitedException>(cluster.Restart);

        Assert.True(cluster.Disk.FileExists(AgentLayout.TargetFile));
        Assert.NotNull(cluster.ReadCheckpoint(AgentLayout.InfoFile)!.FindVolume(Role, "v1"));
    }

    [Theory]
    [InlineData(AgentDesign.Target)]
    [InlineData(AgentDesign.TargetIncarnation)]
    public void Start_CrashAtEveryStepOfAnUpdate_RecoversToOldOrNewSet(AgentDesign design)
    {
        var probe = WithVolume(design);
        var before = probe.Faults.StepCount;
        probe.AcceptAndApply(new CreateOperation(Role, "v2", 2));
        var steps = probe.Faults.StepCount - before;
        Assert.True(steps >= 4);

        for (var step = 1; step <= steps; step++)
        {
            var cluster = WithVolume(design);
            var old = cluster.Agent.Resources;
            cluster.Faults.CrashAfterStep(cluster.Faults.StepCount + step);
            cluster.Accept(new CreateOperation(Role, "v2", 2));
            var desired = cluster.Master.View(Cluster.AgentId);
            Assert.Throws<SimulatedCrashException>(() => cluster.DeliverNext());
            cluster.Faults.ClearFaults();

            cluster.Restart();

            var committed = cluster.ReadCheckpoint(AgentLayout.InfoFile);
            Assert.True(committed == old || committed == desired, $"crash after step {step}: {committed}");
            Assert.Equal(committed, cluster.Agent.Resources);
            Assert.Equal(committed!.FindVolume(Role, "v2") is not null, cluster.Disk.DirectoryExists(VolumeDir("v2")));
            Assert.False(cluster.Disk.FileExists(AgentLayout.TargetFile));
        }
    }

    [Fact]
    public void CheckpointResources_FailedRmdirInPartialExit_WritesOldReservationsWithSucceededVolumeOps()
    {
        var cluster = WithVolume(AgentDesign.PartialExit);
        var agent = cluster.Agent;
        // One message that both creates v2 and destroys v1 and changes the reservation, as after lost messages.
        var desired = Sets.Of((Role, 7), new Volume(Role, "v2", 3, 0));
        cluster.Faults.FailNext(FsOp.Rmdir);

        Assert.Throws<AgentExitedException>(() => agent.CheckpointResources(desired));

        var partial = cluster.ReadCheckpoint(AgentLayout.InfoFile);
        Assert.Equal(Sets.Of((Role, 10), new Volume(Role, "v1", 4, 0), new Volume(Role, "v2", 3, 0)), partial);
        Assert.True(cluster.Disk.DirectoryExists(VolumeDir("v1")));
        Assert.True(cluster.Disk.DirectoryExists(VolumeDir("v2")));
    }

    [Fact]
    public void CheckpointResources_FailedMkdirInPartialExit_WritesOnlyCreatesThatSucceeded()
    {
        var cluster = WithVolume(AgentDesign.PartialExit);
        var desired = Sets.Of((Role, 10), new Volume(Role, "v2", 2, 0), new Volume(Role, "v3", 2, 0));
        cluster.Faults.FailNext(FsOp.Mkdir, s => s.Path.EndsWith("/v3", StringComparison.Ordinal));

        Assert.Throws<AgentExitedException>(() => cluster.Agent.CheckpointResources(desired));

        Assert.Equal(
            Sets.Of((Role, 10), new Volume(Role, "v1", 4, 0), new Volume(Role, "v2", 2, 0)),
            cluster.ReadCheckpoint(AgentLayout.InfoFile));
    }

    [Fact]
    public void RunTask_KeepGoingAfterFailedDestroyAndSameIdCreate_SeesOldIncarnationData()
    {
        var cluster = WithVolume(AgentDesign.KeepGoing);
        Assert.Equal(TaskOutcome.Ran, cluster.RunTask(Role, "v1").Outcome);
        cluster.Faults.FailNext(FsOp.Rmdir);
        cluster.Accept(new DestroyOperation(Role, "v1"));
        Assert.Equal(CheckpointOutcome.KeptOld, Assert.IsType<CheckpointReply>(cluster.DeliverNext()).Outcome);

        cluster.Accept(new CreateOperation(Role, "v1", 4));
        Assert.Equal(CheckpointOutcome.Unchanged, Assert.IsType<CheckpointReply>(cluster.DeliverNext()).Outcome);
        var task = cluster.RunTask(Role, "v1");

        // Window W1: the "new" volume (incarnation 2) holds incarnation 1's data.
        Assert.Equal(2, cluster.Master.IncarnationOf(Cluster.AgentId, Role, "v1"));
        Assert.Equal(1, task.SeenIncarnation);
    }

    [Fact]
    public void RunTask_TargetIncarnationAfterFailedDestroyAndSameIdCreate_SeesNoOldData()
    {
        var cluster = WithVolume(AgentDesign.TargetIncarnation);
        Assert.Equal(TaskOutcome.Ran, cluster.RunTask(Role, "v1").Outcome);
        cluster.Faults.FailNext(FsOp.Rmdir);
        cluster.Accept(new DestroyOperation(Role, "v1"));
        Assert.Throws<AgentExitedException>(() => cluster.DeliverNext());
        // The master has not noticed the exit: it accepts the CREATE and its message is lost.
        cluster.Accept(new CreateOperation(Role, "v1", 4));

        cluster.Restart();
        cluster.DeliverAll();
        var task = cluster.RunTask(Role, "v1");

        Assert.Equal(TaskOutcome.Ran, task.Outcome);
        Assert.Null(task.SeenData);
        Assert.Equal(cluster.Master.View(Cluster.AgentId), cluster.Agent.Resources);
    }

    [Fact]
    public void CheckpointResources_TargetIncarnationSameIdNewIncarnation_ReplacesTheVolume()
    {
        // A DESTROY and a re-CREATE of one id folded into one update (the first message lost): only the incarnation
        // differs, and the agent must see a change, remove the old directory and make a new one.
        var cluster = WithVolume(AgentDesign.TargetIncarnation);
        Assert.Equal(TaskOutcome.Ran, cluster.RunTask(Role, "v1").Outcome);
        var old = Assert.Single(cluster.Agent.Resources.Volumes);
        var replaced = cluster.Agent.Resources.WithoutVolume(old).WithVolume(old with { Incarnation = old.Incarnation + 1 });

        var reply = Assert.IsType<CheckpointReply>(cluster.Agent.Handle(new CheckpointResourcesMessage(replaced)));

        Assert.Equal(CheckpointOutcome.Applied, reply.Outcome);
        Assert.Equal(replaced, cluster.Agent.Resources);
        Assert.False(cluster.Disk.FileExists(AgentLayout.TaskDataFile(Role, "v1")));
    }

    [Fact]
    public void RunTask_MissingVolumeDirectory_FailsToStartAndChangesNothing()
    {
        var cluster = new Cluster(AgentDesign.KeepGoing);
        var before = FileSystemTree.Capture(cluster.Disk);

        var reply = cluster.Agent.RunTask(Role, "v9", 1);

        Assert.Equal(TaskOutcome.FailedToStart, reply.Outcome);
        Assert.Equal(before, FileSystemTree.Capture(cluster.Disk));
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void CheckpointResources_SameSetAgain_IsUnchangedWithoutIo(AgentDesign design)
    {
        var cluster = WithVolume(design);
        var steps = cluster.Faults.StepCount;

        var reply = cluster.Agent.CheckpointResources(cluster.Master.View(Cluster.AgentId));

        Assert.Equal(CheckpointOutcome.Unchanged, reply.Outcome);
        Assert.Equal(steps, cluster.Faults.StepCount);
    }

    [Fact]
    public void CheckpointResources_TargetIncarnationCreateUnderExistingRole_FsyncsFourTimes()
    {
        var cluster = WithVolume(AgentDesign.TargetIncarnation);
        var steps = new List<FsStep>();
        cluster.Faults.StepObserver = steps.Add;

        cluster.AcceptAndApply(new CreateOperation(Role, "v2", 2));

        Assert.Equal(
            [
                "write meta/resources/resources.target.tmp",
                "fsync meta/resources/resources.target.tmp",
                "rename meta/resources/resources.target.tmp",
                "fsync meta/resources",
                "mkdir volumes/roles/r1/v2",
                "fsync volumes/roles/r1",
                "rename meta/resources/resources.target",
                "fsync meta/resources",
            ],
            steps.Select(s => $"{s.Op.ToString().ToLowerInvariant()} {s.Path}"));
    }

    [Fact]
    public void CheckpointResources_TargetIncarnationDestroyAndCreate_FsyncsEachVolumeStepBeforeTheNext()
    {
        var cluster = WithVolume(AgentDesign.TargetIncarnation);
        cluster.Accept(new DestroyOperation(Role, "v1"));
        cluster.Accept(new CreateOperation(Role, "v2", 2));
        var steps = new List<FsStep>();
        cluster.Faults.StepObserver = steps.Add;

        // Only the last view is applied, so one update both removes v1 and creates v2.
        var reply = cluster.Agent.CheckpointResources(cluster.Master.View(Cluster.AgentId));

        Assert.Equal(CheckpointOutcome.Applied, reply.Outcome);
        Assert.Equal(
            [
                "write meta/resources/resources.target.tmp",
                "fsync meta/resources/resources.target.tmp",
                "rename meta/resources/resources.target.tmp",
                "fsync meta/resources",
                "rmdir volumes/roles/r1/v1",
                "fsync volumes/roles/r1",
                "mkdir volumes/roles/r1/v2",
                "fsync volumes/roles/r1",
                "rename meta/resources/resources.target",
                "fsync meta/resources",
            ],
            steps.Select(s => $"{s.Op.ToString().ToLowerInvariant()} {s.Path}"));
    }

    [Theory]
    [InlineData(AgentDesign.KeepGoing)]
    [InlineData(AgentDesign.PartialExit)]
    [InlineData(AgentDesign.Target)]
    public void Start_MesosDesigns_CreateTheCheckpointDirectoryWithoutFsync(AgentDesign design)
    {
        var steps = new List<FsStep>();
        var faults = new FaultInjectingFileSystem(new SimulatedFileSystem()) { StepObserver = steps.Add };

        Agent.Start(design, faults);

        Assert.Equal([FsOp.Mkdir], steps.Select(s => s.Op));
    }

    [Theory]
    [InlineData(AgentDesign.KeepGoing)]
    [InlineData(AgentDesign.PartialExit)]
    [InlineData(AgentDesign.Target)]
    public void CheckpointResources_MesosDesigns_NeverFsync(AgentDesign design)
    {
        var steps = new List<FsStep>();
        var cluster = WithVolume(design);
        cluster.Faults.StepObserver = steps.Add;

        cluster.AcceptAndApply(new CreateOperation(Role, "v2", 2));
        cluster.AcceptAndApply(new DestroyOperation(Role, "v1"));

        Assert.NotEmpty(steps);
        Assert.DoesNotContain(steps, s => s.Op == FsOp.Fsync);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void CheckpointResources_HostileIdBypassingMaster_RejectedBeforeAnyIo(AgentDesign design)
    {
        var cluster = WithVolume(design);
        var steps = cluster.Faults.StepCount;
        var before = FileSystemTree.Capture(cluster.Disk);
        var hostile = Sets.Of((Role, 10), new Volume(Role, "../../../escape", 1, 0));

        var reply = cluster.Agent.CheckpointResources(hostile);

        Assert.Equal(CheckpointOutcome.Rejected, reply.Outcome);
        Assert.Contains("persistence id", reply.Error, StringComparison.Ordinal);
        Assert.Equal(steps, cluster.Faults.StepCount);
        Assert.Equal(before, FileSystemTree.Capture(cluster.Disk));
        Assert.True(cluster.Agent.IsRunning);
    }

    [Theory]
    [MemberData(nameof(Designs))]
    public void CheckpointResources_HostileNamesOnRealDisk_NothingOutsideWorkDirectory(AgentDesign design)
    {
        using var temp = new TempDirectory();
        var work = temp.CreateSubdirectory("work");
        var agent = Agent.Start(design, new LocalFileSystem(work));
        var hostile = new[] { "..", ".", "a/b", "../outside", "x\0y", "tab\there", "", new string('n', 256) };

        foreach (var name in hostile)
        {
            var asId = agent.CheckpointResources(Sets.Of((Role, 10), new Volume(Role, name, 1, 0)));
            var asRole = agent.CheckpointResources(Sets.Of((name, 10), new Volume(name, "v1", 1, 0)));
            var task = agent.RunTask(Role, name, 1);

            Assert.Equal(CheckpointOutcome.Rejected, asId.Outcome);
            Assert.Equal(CheckpointOutcome.Rejected, asRole.Outcome);
            Assert.Equal(TaskOutcome.Rejected, task.Outcome);
        }

        Assert.Equal(["work"], Directory.GetFileSystemEntries(temp.Path).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(work, "volumes")));
    }

    public static TheoryData<AgentDesign, string, string> CorruptCases()
    {
        var data = new TheoryData<AgentDesign, string, string>();
        var contents = new Dictionary<string, string>
        {
            ["empty"] = "",
            ["truncated"] = """{"version":1,"reservations":[{"role":"r1","amount":10}],"volu""",
            ["garbage"] = "\u0001\u0002 not json at all",
            ["unknown-version"] = """{"version":2,"reservations":[],"volumes":[]}""",
            ["hostile-name"] = """{"version":1,"reservations":[{"role":"r1","amount":10}],"volumes":[{"role":"r1","id":"../x","size":1,"incarnation":0}]}""",
            ["trailing-garbage"] = """{"version":1,"reservations":[],"volumes":[]}xx""",
        };
        foreach (var design in AgentDesigns.All)
        {
            foreach (var (name, text) in contents)
            {
                data.Add(design, name, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorruptCases))]
    public void Start_CorruptCheckpointOnRealDisk_RefusesNamingFileAndChangesNothing(AgentDesign design, string name, string contents)
    {
        using var temp = new TempDirectory();
        var work = temp.CreateSubdirectory("work");
        Directory.CreateDirectory(Path.Combine(work, "meta", "resources"));
        Directory.CreateDirectory(Path.Combine(work, "volumes", "roles", "r1", "v1"));
        File.WriteAllText(Path.Combine(work, "meta", "resources", "resources.info"), contents);
        File.WriteAllText(Path.Combine(work, "meta", "resources", "resources.info.tmp"), "stale");
        var before = Snapshot(work);

        var error = Assert.Throws<CorruptCheckpointException>(() => Agent.Start(design, new LocalFileSystem(work)));

        Assert.Equal(AgentLayout.InfoFile, error.FilePath);
        Assert.Contains(AgentLayout.InfoFile, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(work));
        Assert.NotEmpty(name);
    }

    [Theory]
    [InlineData(AgentDesign.Target)]
    [InlineData(AgentDesign.TargetIncarnation)]
    public void Start_CorruptTarget_RefusesNamingTargetAndChangesNothing(AgentDesign design)
    {
        var cluster = WithVolume(design);
        cluster.Disk.WriteFile(AgentLayout.TargetFile, Encoding.UTF8.GetBytes("""{"version":1,"reserv"""));
        var steps = cluster.Faults.StepCount;
        var before = FileSystemTree.Capture(cluster.Disk);

        var error = Assert.Throws<CorruptCheckpointException>(() => Agent.Start(design, cluster.Faults));

        Assert.Equal(AgentLayout.TargetFile, error.FilePath);
        Assert.Equal(steps, cluster.Faults.StepCount);
        Assert.Equal(before, FileSystemTree.Capture(cluster.Disk));
    }

    [Fact]
    public void Start_TargetIncarnationAfterPowerLoss_CommittedCheckpointSurvives()
    {
        var disk = new SimulatedFileSystem();
        var cluster = new Cluster(AgentDesign.TargetIncarnation, disk: disk);
        cluster.DeliverAll();
        cluster.AcceptAndApply(new ReserveOperation(Role, 10));
        cluster.AcceptAndApply(new CreateOperation(Role, "v1", 4));
        var committed = cluster.Agent.Resources;

        disk.PowerLoss(PowerLossMode.Drop);
        var agent = Agent.Start(AgentDesign.TargetIncarnation, disk);

        Assert.Equal(committed, agent.Resources);
        Assert.True(disk.DirectoryExists(VolumeDir()));
    }

    [Theory]
    [InlineData(PowerLossMode.Drop)]
    [InlineData(PowerLossMode.KeepMetadata)]
    public void RunTask_TargetIncarnationThenPowerLoss_TheTasksDataSurvives(PowerLossMode mode)
    {
        // A task's data is durable when the task reports: the file's data, and every directory entry on its path.
        var disk = new SimulatedFileSystem();
        var cluster = new Cluster(AgentDesign.TargetIncarnation, disk: disk);
        cluster.DeliverAll();
        cluster.AcceptAndApply(new ReserveOperation(Role, 10));
        cluster.AcceptAndApply(new CreateOperation(Role, "v1", 4));
        var incarnation = cluster.Master.IncarnationOf(Cluster.AgentId, Role, "v1");
        Assert.Equal(TaskOutcome.Ran, cluster.RunTask(Role, "v1").Outcome);

        disk.PowerLoss(mode);
        cluster.Restart();
        cluster.DeliverAll();

        Assert.Equal(incarnation, cluster.RunTask(Role, "v1").SeenIncarnation);
    }

    [Fact]
    public void Start_KeepGoingAfterPowerLoss_LosesUnsyncedCheckpoint()
    {
        var disk = new SimulatedFileSystem();
        var cluster = new Cluster(AgentDesign.KeepGoing, disk: disk);
        cluster.DeliverAll();
        cluster.AcceptAndApply(new ReserveOperation(Role, 10));

        disk.PowerLoss(PowerLossMode.Drop);
        var agent = Agent.Start(AgentDesign.KeepGoing, disk);

        // Window W4: nothing was fsynced, so the checkpoint is gone.
        Assert.Equal(ResourceSet.Empty, agent.Resources);
    }

    [Fact]
    public void Start_KeepGoingAfterKeepMetadataPowerLoss_RefusesEmptyCheckpoint()
    {
        var disk = new SimulatedFileSystem();
        var cluster = new Cluster(AgentDesign.KeepGoing, disk: disk);
        cluster.DeliverAll();
        cluster.AcceptAndApply(new ReserveOperation(Role, 10));

        disk.PowerLoss(PowerLossMode.KeepMetadata);

        // MESOS-9507: the renamed checkpoint reads back empty; this agent refuses it rather than reading an empty set.
        var error = Assert.Throws<CorruptCheckpointException>(() => Agent.Start(AgentDesign.KeepGoing, disk));
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handle_AfterExit_Throws()
    {
        var cluster = WithVolume(AgentDesign.Target);
        cluster.Faults.FailNext(FsOp.Write);
        cluster.Accept(new DestroyOperation(Role, "v1"));
        Assert.Throws<AgentExitedException>(() => cluster.DeliverNext());

        Assert.Throws<InvalidOperationException>(() => cluster.Agent.CheckpointResources(ResourceSet.Empty));
    }

    private static List<string> Snapshot(string root) =>
        Directory.GetFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p)
                ? $"f {Path.GetRelativePath(root, p)} {Convert.ToHexString(File.ReadAllBytes(p))} {File.GetLastWriteTimeUtc(p).Ticks}"
                : $"d {Path.GetRelativePath(root, p)} {Directory.GetLastWriteTimeUtc(p).Ticks}")
            .ToList();
}

public class AgentDesignsTests
{
    [Theory]
    [InlineData("keep-going", AgentDesign.KeepGoing)]
    [InlineData("partial-exit", AgentDesign.PartialExit)]
    [InlineData("target", AgentDesign.Target)]
    [InlineData("target-incarnation", AgentDesign.TargetIncarnation)]
    public void Parse_KnownName_ReturnsDesignAndRoundTrips(string name, AgentDesign expected)
    {
        var design = AgentDesign.Parse(name);

        Assert.Equal(expected, design);
        Assert.Equal(name, design.Name());
    }

    [Fact]
    public void Parse_UnknownName_ListsValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => AgentDesign.Parse("targett"));

        Assert.Contains("keep-going, partial-exit, target, target-incarnation", error.Message, StringComparison.Ordinal);
    }
}
