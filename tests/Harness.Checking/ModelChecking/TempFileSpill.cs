using Harness.Model;
using Microsoft.Win32.SafeHandles;

namespace Harness.Checking.ModelChecking;

/// <summary>
/// A spill space of temporary files for the model checker: one directory (<c>harness-spill-*</c>, in the system's
/// temporary directory or the one given), one file per log. On Linux and macOS each file is unlinked as soon as it is
/// opened, so nothing is left behind however the process ends (the space is freed when the file is closed); on
/// Windows the system deletes it when it is closed. The directory goes when the space is disposed.
/// </summary>
public sealed class TempFileSpill : ISpillSpace, IDisposable
{
    private readonly List<FileLog> _logs = [];

    /// <summary>
    /// Creates the directory in <paramref name="parent"/>, or in the system's temporary directory when null. Logs append
    /// <paramref name="blockBytes"/> bytes at a time.
    /// </summary>
    public TempFileSpill(string? parent = null, int blockBytes = 1 << 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, 1);
        BlockBytes = blockBytes;
        Directory = parent is null
            ? System.IO.Directory.CreateTempSubdirectory("harness-spill-").FullName
            : System.IO.Directory.CreateDirectory(Path.Combine(parent, $"harness-spill-{Guid.NewGuid():N}")).FullName;
    }

    /// <inheritdoc />
    public int BlockBytes { get; }

    /// <summary>The directory that holds the files.</summary>
    public string Directory { get; }

    /// <summary>Bytes appended to every log so far, also to logs already disposed.</summary>
    public long Bytes => _logs.Sum(l => l.Length);

    /// <inheritdoc />
    public ISpillLog Create(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var log = new FileLog(Path.Combine(Directory, name + ".bin"));
        _logs.Add(log);
        return log;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var log in _logs)
        {
            log.Dispose();
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>One log: a file written at its end and read at any offset, gone when closed.</summary>
    private sealed class FileLog : ISpillLog
    {
        private readonly string _path;
        private readonly SafeFileHandle _handle;

        public FileLog(string path)
        {
            _path = path;
            var windows = OperatingSystem.IsWindows();
            _handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, windows ? FileOptions.DeleteOnClose : FileOptions.None);
            if (!windows)
            {
                File.Delete(path);
            }
        }

        public long Length { get; private set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            RandomAccess.Write(_handle, bytes, Length);
            Length += bytes.Length;
        }

        public void Read(long offset, Span<byte> into)
        {
            var done = 0;
            while (done < into.Length)
            {
                var n = RandomAccess.Read(_handle, into[done..], offset + done);
                if (n == 0)
                {
                    throw new EndOfStreamException($"the spill file {_path} ends before offset {offset + into.Length}");
                }

                done += n;
            }
        }

        public void Dispose() => _handle.Dispose();
    }
}
