using Harness.Checking;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Harness.Impl.Storage;
using Xunit;

namespace Harness.Tests.Interleaving;

/// <summary>
/// The Coyote observers see for themselves: each test runs a deliberately wrong agent (a file-system decorator beside the
/// tests, not in impl) that one closed gap catches, and asserts on that check's own text, which the observers did not
/// have before (the atomic-checkpoint check only parsed resources.info; no-data-loss only looked at removals, with a
/// copy of the master's view kept from accepted operations alone).
/// </summary>
public sealed class ObserverGapTests
{
    // An agent that writes its checkpoint in place instead of through a temporary file and a rename: after a crash,
    // resources.info parses (the old check passed it) but holds a set no rename committed.
    [Fact]
    public void Explore_CheckpointWrittenInPlace_AtomicCheckpointSeesAnUncommittedSet()
    {
        var options = new InterleavingOptions
        {
            Design = AgentDesign.PartialExit,
            Faults = FaultKinds.Crash,
            Refinement = false,
            Properties = new HashSet<string>(StringComparer.Ordinal) { ClusterProperties.AtomicCheckpoint },
            AgentDisk = disk => new InPlaceCheckpointFileSystem(disk),
        };

        var result = InterleavingExplorer.Explore(options, new ExplorationSettings { Seed = 2, Iterations = 50 });

        Assert.True(result.BugFound, InterleavingExplorer.Summary(result));
        Assert.Contains("atomic-checkpoint violated: meta/resources/resources.info holds {", result.BugText, StringComparison.Ordinal);
        Assert.Contains("which no rename of the agent committed (after a crash)", result.BugText, StringComparison.Ordinal);
    }

    // Data a task made durable must survive every restart while the master holds the volume in that incarnation: a loss
    // without a removal (a power loss taking back what an fsync left out should have kept) is invisible to the removal
    // check and to recover-before-register, whose directory is still there.
    [Fact]
    public void CheckDataSurvived_DirectoryKeptDataGone_ReportsTheLoss()
    {
        var view = Harness.Impl.Resources.ResourceSet.Create([new("r1", 1)], [new Harness.Impl.Resources.Volume("r1", "v1", 1, 2)]);

        var lost = ClusterProperties.CheckDataSurvived(view, "r1", "v1", 2, [new VolumeDirectory("r1", "v1", 0)]);
        var gone = ClusterProperties.CheckDataSurvived(view, "r1", "v1", 2, []);
        var kept = ClusterProperties.CheckDataSurvived(view, "r1", "v1", 2, [new VolumeDirectory("r1", "v1", 2)]);
        var released = ClusterProperties.CheckDataSurvived(view, "r1", "v1", 1, [new VolumeDirectory("r1", "v1", 0)]);

        Assert.Equal("no-data-loss violated: r1/v1 lost the durable data of incarnation 2 across a restart (it holds no data), while the master still holds it", lost);
        Assert.StartsWith("no-data-loss violated: r1/v1 lost its directory", gone, StringComparison.Ordinal);
        Assert.Null(kept);
        Assert.Null(released);
    }

    // A durable agent whose disk leaves out the fsync of the volume directory that a task makes after writing its data
    // (mutants/skip-directory-fsync.patch leaves out its kin in the agent's updates): the task reports its data durable, a
    // power loss takes the data file's entry back, and the directory survives. Among the property checks only the
    // durable-data check at registration sees it (found at execution 71); without that property the same exploration,
    // every other check on, finds nothing in 100 executions.
    [Fact]
    public void Explore_VolumeDirectoryFsyncLeftOut_OnlyTheDurableDataCheckSeesTheLoss()
    {
        var options = new InterleavingOptions
        {
            Design = AgentDesign.TargetIncarnation,
            Faults = FaultKinds.PowerLoss,
            OperationsPerFramework = 6,
            RareInputOdds = 0,
            // Rare power losses, so that one still comes after a task ran (at the default odds the budget goes first).
            FaultOdds = 16,
            // Refinement sees the loss too (the model's directory holds the data); the point here is the property checks.
            Refinement = false,
            AgentDisk = disk => new VolumeFsyncLeftOutFileSystem(disk),
        };
        var settings = new ExplorationSettings { Seed = 1, Iterations = 100 };

        var caught = InterleavingExplorer.Explore(options, settings);
        var without = InterleavingExplorer.Explore(
            options with { Properties = ClusterProperties.All.Where(p => p != ClusterProperties.NoDataLoss).ToHashSet(StringComparer.Ordinal) },
            settings);
        var correct = InterleavingExplorer.Explore(options with { AgentDisk = null }, settings);

        Assert.True(caught.BugFound, InterleavingExplorer.Summary(caught));
        Assert.Contains("no-data-loss violated: r1/v1 lost the durable data of incarnation", caught.BugText, StringComparison.Ordinal);
        Assert.False(without.BugFound, without.BugText);
        Assert.Equal(100, without.Iterations);
        // The agent that makes the fsync holds over the same schedules: the loss is the left-out fsync's.
        Assert.False(correct.BugFound, correct.BugText);
    }

    private sealed class VolumeFsyncLeftOutFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        private static readonly string Volume = AgentLayout.VolumeDirectory("r1", "v1");

        public override void FsyncDirectory(string path)
        {
            if (path != Volume)
            {
                Inner.FsyncDirectory(path);
            }
        }
    }

    private sealed class InPlaceCheckpointFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        private const string Temporary = AgentLayout.InfoFile + AgentLayout.TemporarySuffix;

        public override void WriteFile(string path, ReadOnlySpan<byte> contents) =>
            Inner.WriteFile(path == Temporary ? AgentLayout.InfoFile : path, contents);

        public override void FsyncFile(string path) => Inner.FsyncFile(path == Temporary ? AgentLayout.InfoFile : path);

        public override void Rename(string source, string destination)
        {
            if (source != Temporary)
            {
                Inner.Rename(source, destination);
            }
        }
    }

}
