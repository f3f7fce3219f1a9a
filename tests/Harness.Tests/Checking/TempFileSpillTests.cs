using Harness.Checking.ModelChecking;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

public sealed class TempFileSpillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-spill-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Log_AppendedBlocks_ReadBackAtAnyOffset()
    {
        using var spill = new TempFileSpill(_dir);
        using var log = spill.Create("bytes");
        var written = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();

        log.Append(written.AsSpan(0, 1000));
        log.Append(written.AsSpan(1000));
        var read = new byte[1500];
        log.Read(750, read);

        Assert.Equal(written.AsSpan(750, 1500).ToArray(), read);
        Assert.Equal(3000, spill.Bytes);
        Assert.Throws<EndOfStreamException>(() => log.Read(2500, new byte[1000]));
    }

    [Fact]
    public void Check_SpilledToFiles_SameResultAsInMemoryAndNothingLeftBehind()
    {
        var bounds = new Bounds { Agents = 2, Operations = 2 };
        var memory = ModelChecker.Check(Design.Target, bounds);

        CheckResult spilled;
        string directory;
        using (var spill = new TempFileSpill(_dir, blockBytes: 512))
        {
            directory = spill.Directory;
            spilled = ModelChecker.Check(Design.Target, bounds, new CheckOptions { Spill = spill });

            Assert.True(spill.Bytes > 5L * (memory.States - 512), "the parent links and converged flags went to the files");
            if (!OperatingSystem.IsWindows())
            {
                // Unlinked as soon as opened: a killed run leaves nothing behind but the directory.
                Assert.Empty(Directory.EnumerateFiles(directory));
            }
        }

        Assert.Equal((memory.States, memory.Transitions), (spilled.States, spilled.Transitions));
        Assert.Equal(
            memory.Violations.Select(v => v.ToScenario().Format()),
            spilled.Violations.Select(v => v.ToScenario().Format()));
        Assert.False(Directory.Exists(directory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }
}
