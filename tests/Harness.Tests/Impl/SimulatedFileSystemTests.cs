using System.Text;
using Harness.Impl.Storage;
using Xunit;

namespace Harness.Tests.Impl;

public class SimulatedFileSystemTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(SimulatedFileSystem fs, string path) => Encoding.UTF8.GetString(fs.ReadFile(path));

    /// <summary>d/ durable with "old" in d/f; then a new file written to d/tmp and renamed over d/f, nothing synced.</summary>
    private static SimulatedFileSystem RenamedOverWithoutSync()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectory("d");
        fs.WriteFile("d/f", Bytes("old"));
        fs.FsyncFile("d/f");
        fs.FsyncDirectory("d");
        fs.FsyncDirectory("");
        fs.WriteFile("d/tmp", Bytes("new"));
        fs.Rename("d/tmp", "d/f");
        return fs;
    }

    [Fact]
    public void Crash_UnsyncedRename_KeepsEverything()
    {
        var fs = RenamedOverWithoutSync();

        fs.Crash();

        Assert.Equal("new", Text(fs, "d/f"));
        Assert.False(fs.FileExists("d/tmp"));
    }

    [Fact]
    public void PowerLossDrop_UnsyncedRename_BringsBackOldFile()
    {
        var fs = RenamedOverWithoutSync();

        fs.PowerLoss(PowerLossMode.Drop);

        // The temporary file's entry was never synced either, so it is gone too.
        Assert.Equal("old", Text(fs, "d/f"));
        Assert.False(fs.FileExists("d/tmp"));
    }

    [Fact]
    public void PowerLossKeepMetadata_UnsyncedRename_ReadsBackEmpty()
    {
        var fs = RenamedOverWithoutSync();

        fs.PowerLoss(PowerLossMode.KeepMetadata);

        Assert.Equal("", Text(fs, "d/f"));
        Assert.False(fs.FileExists("d/tmp"));
    }

    [Fact]
    public void Writeback_ThenPowerLoss_KeepsEverything()
    {
        var fs = RenamedOverWithoutSync();

        fs.Writeback();
        fs.PowerLoss(PowerLossMode.Drop);

        Assert.Equal("new", Text(fs, "d/f"));
        Assert.False(fs.FileExists("d/tmp"));
    }

    [Fact]
    public void PowerLossDrop_FileAndDirectorySynced_Survives()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectory("d");
        fs.WriteFile("d/tmp", Bytes("new"));
        fs.FsyncFile("d/tmp");
        fs.Rename("d/tmp", "d/f");
        fs.FsyncDirectory("d");
        fs.FsyncDirectory("");

        fs.PowerLoss(PowerLossMode.Drop);

        Assert.Equal("new", Text(fs, "d/f"));
        Assert.Equal(["d", "f d/f 6E6577"], FileSystemTree.Capture(fs).Select(l => l.Replace("d d", "d", StringComparison.Ordinal)));
    }

    [Fact]
    public void PowerLossDrop_MkdirWithoutParentSync_Vanishes()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectory("a/b");
        fs.FsyncDirectory("a");

        fs.PowerLoss(PowerLossMode.Drop);

        // The root's entry for "a" was never synced, so "a" (and "b" with it) is gone.
        Assert.False(fs.DirectoryExists("a"));
    }

    [Fact]
    public void PowerLossDrop_RmdirWithoutParentSync_BringsDirectoryBackWithData()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectory("v");
        fs.WriteFile("v/data", Bytes("1"));
        fs.FsyncFile("v/data");
        fs.FsyncDirectory("v");
        fs.FsyncDirectory("");
        Assert.True(fs.DeleteDirectory("v"));

        fs.PowerLoss(PowerLossMode.Drop);

        Assert.Equal("1", Text(fs, "v/data"));
    }

    [Fact]
    public void PowerLossKeepMetadata_RmdirWithoutParentSync_StaysRemoved()
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectory("v");
        fs.FsyncDirectory("");
        fs.DeleteDirectory("v");

        fs.PowerLoss(PowerLossMode.KeepMetadata);

        Assert.False(fs.DirectoryExists("v"));
    }

    [Fact]
    public void PowerLossDrop_OverwriteWithoutSync_RevertsToLastSyncedData()
    {
        var fs = new SimulatedFileSystem();
        fs.WriteFile("f", Bytes("one"));
        fs.FsyncFile("f");
        fs.FsyncDirectory("");
        fs.WriteFile("f", Bytes("two"));

        fs.PowerLoss(PowerLossMode.Drop);

        Assert.Equal("one", Text(fs, "f"));
    }

    [Fact]
    public void DeleteDirectory_Missing_ReturnsFalse()
    {
        var fs = new SimulatedFileSystem();

        Assert.False(fs.DeleteDirectory("nope"));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/../..")]
    [InlineData("/etc")]
    [InlineData("a//b")]
    [InlineData("./a")]
    public void CreateDirectory_PathLeavingWorkDirectory_Throws(string path)
    {
        var fs = new SimulatedFileSystem();

        Assert.Throws<PathOutsideWorkDirectoryException>(() => fs.CreateDirectory(path));
        Assert.Empty(FileSystemTree.Capture(fs));
    }
}

public class FaultInjectingFileSystemTests
{
    [Fact]
    public void FailNext_MatchingOp_ThrowsOnceWithoutActing()
    {
        var fs = new FaultInjectingFileSystem(new SimulatedFileSystem());
        fs.FailNext(FsOp.Mkdir, s => s.Path == "b");

        fs.CreateDirectory("a");
        Assert.Throws<IOException>(() => fs.CreateDirectory("b"));
        fs.CreateDirectory("c");

        Assert.Equal(["a", "c"], fs.ListDirectories(""));
    }

    [Fact]
    public void CrashAfterNext_MatchingOp_ActsThenThrows()
    {
        var fs = new FaultInjectingFileSystem(new SimulatedFileSystem());
        var seen = new List<FsStep>();
        fs.StepObserver = seen.Add;
        fs.CrashAfterNext(FsOp.Rename);
        fs.WriteFile("t", [1]);

        var crash = Assert.Throws<SimulatedCrashException>(() => fs.Rename("t", "f"));

        Assert.True(fs.FileExists("f"));
        Assert.Equal(2, crash.Step!.Value.Number);
        Assert.Equal(["#1 write t", "#2 rename t -> f"], seen.Select(s => s.ToString()));
    }

    [Fact]
    public void CrashAfterStep_GivenNumber_CrashesRightAfterIt()
    {
        var fs = new FaultInjectingFileSystem(new SimulatedFileSystem());
        fs.CrashAfterStep(2);

        fs.CreateDirectory("a");
        Assert.Throws<SimulatedCrashException>(() => fs.CreateDirectory("b"));

        Assert.True(fs.DirectoryExists("b"));
    }
}
