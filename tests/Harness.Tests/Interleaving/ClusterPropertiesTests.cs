using Harness.Checking.Interleaving;
using Harness.Impl.Resources;
using Xunit;

namespace Harness.Tests.Interleaving;

public sealed class ClusterPropertiesTests
{
    [Fact]
    public void CheckFreshVolume_DataOfAnotherIncarnation_NamesTheViolation()
    {
        Assert.Null(ClusterProperties.CheckFreshVolume("r1", "v1", 2, null));
        Assert.Null(ClusterProperties.CheckFreshVolume("r1", "v1", 2, "2"));
        Assert.StartsWith("fresh-volume violated", ClusterProperties.CheckFreshVolume("r1", "v1", 2, "1"), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckNoDataLoss_RemovingDataTheMasterHolds_NamesTheViolation()
    {
        var view = ResourceSet.Empty.WithReservationChange("r1", 1).WithVolume(new Volume("r1", "v1", 1, 3));

        Assert.Null(ClusterProperties.CheckNoDataLoss(view, "r1", "v1", "2"));
        Assert.Null(ClusterProperties.CheckNoDataLoss(ResourceSet.Empty, "r1", "v1", "3"));
        Assert.StartsWith("no-data-loss violated", ClusterProperties.CheckNoDataLoss(view, "r1", "v1", "3"), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAtomicCheckpoint_EmptyFile_NamesTheViolation()
    {
        Assert.Null(ClusterProperties.CheckAtomicCheckpoint(null));
        Assert.Null(ClusterProperties.CheckAtomicCheckpoint(CheckpointCodec.Encode(ResourceSet.Empty)));
        Assert.StartsWith("atomic-checkpoint violated", ClusterProperties.CheckAtomicCheckpoint([]), StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAtomicCheckpoint_ContentChangesInTheSameBuffer_EachContentGetsItsOwnVerdict()
    {
        // Readings are remembered by content: a buffer rewritten in place must not get the verdict of what it held before.
        var buffer = CheckpointCodec.Encode(ResourceSet.Empty.WithReservationChange("r1", 1));
        var valid = buffer.ToArray();

        Assert.Null(ClusterProperties.CheckAtomicCheckpoint(buffer));
        buffer[0] = (byte)'x';
        Assert.StartsWith("atomic-checkpoint violated", ClusterProperties.CheckAtomicCheckpoint(buffer), StringComparison.Ordinal);
        valid.CopyTo(buffer, 0);
        Assert.Null(ClusterProperties.CheckAtomicCheckpoint(buffer));
    }

    [Fact]
    public void CheckRecoverBeforeRegister_DirectoryNotInCheckpointOrPendingTarget_NamesTheViolation()
    {
        var info = CheckpointCodec.Encode(ResourceSet.Empty);

        Assert.Null(ClusterProperties.CheckRecoverBeforeRegister(new DiskObservation(info, false, [])));
        Assert.StartsWith("recover-before-register violated", ClusterProperties.CheckRecoverBeforeRegister(new DiskObservation(info, false, ["r1/v1"])), StringComparison.Ordinal);
        Assert.StartsWith("recover-before-register violated", ClusterProperties.CheckRecoverBeforeRegister(new DiskObservation(info, true, [])), StringComparison.Ordinal);
    }

    [Fact]
    public void FaultKindNames_FormatThenParse_RoundTrips()
    {
        foreach (var kinds in new[] { FaultKinds.All, FaultKinds.None, FaultKinds.Rmdir | FaultKinds.LateNotice, FaultKinds.Io | FaultKinds.Crash, FaultKinds.PowerLoss | FaultKinds.Writeback })
        {
            Assert.Equal(kinds, FaultKindNames.Parse(FaultKindNames.Format(kinds)));
        }

        Assert.Throws<FormatException>(() => FaultKindNames.Parse("rmdir,nope"));
        Assert.Equal("power-loss,writeback", FaultKindNames.Format(FaultKinds.PowerLoss | FaultKinds.Writeback));
    }

    [Fact]
    public void ToArguments_FaultOdds_WrittenOnlyWhenNotTheDefault()
    {
        Assert.DoesNotContain("--fault-odds", new InterleavingOptions().ToArguments(), StringComparison.Ordinal);
        Assert.Contains(" --fault-budget 2 --fault-odds 16 ", new InterleavingOptions { FaultOdds = 16 }.ToArguments(), StringComparison.Ordinal);
    }
}
