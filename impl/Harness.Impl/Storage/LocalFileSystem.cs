using System.Runtime.InteropServices;

namespace Harness.Impl.Storage;

/// <summary>
/// The real adapter: the port on the local disk, rooted at a work directory. It is the only production file allowed
/// to use System.IO's file and directory APIs. Preconditions are checked explicitly so that it fails in the same cases,
/// with the same exception kinds, as <see cref="SimulatedFileSystem"/>.
/// </summary>
public sealed class LocalFileSystem : IFileSystem
{
    private readonly string rootWithSeparator;

    /// <summary>Uses the existing directory <paramref name="workDirectory"/> as the work directory.</summary>
    public LocalFileSystem(string workDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(workDirectory);
        WorkDirectory = Path.GetFullPath(workDirectory);
        if (!Directory.Exists(WorkDirectory))
        {
            throw new DirectoryNotFoundException($"Work directory '{WorkDirectory}' does not exist");
        }

        rootWithSeparator = Path.TrimEndingDirectorySeparator(WorkDirectory) + Path.DirectorySeparatorChar;
    }

    /// <summary>The absolute work directory.</summary>
    public string WorkDirectory { get; }

    /// <inheritdoc/>
    public void CreateDirectory(string path)
    {
        var full = Resolve(path);
        if (File.Exists(full))
        {
            throw new IOException($"Cannot create directory '{path}': it is a file");
        }

        Directory.CreateDirectory(full);
    }

    /// <inheritdoc/>
    public bool DeleteDirectory(string path)
    {
        var full = ResolveNotRoot(path, "remove");
        if (File.Exists(full))
        {
            throw new IOException($"Cannot remove directory '{path}': it is a file");
        }

        if (!Directory.Exists(full))
        {
            return false;
        }

        Directory.Delete(full, recursive: true);
        return true;
    }

    /// <inheritdoc/>
    public void WriteFile(string path, ReadOnlySpan<byte> contents)
    {
        var full = ResolveNotRoot(path, "write");
        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new DirectoryNotFoundException($"Cannot write '{path}': its directory does not exist");
        }

        if (Directory.Exists(full))
        {
            throw new IOException($"Cannot write '{path}': it is a directory");
        }

        using var handle = File.OpenHandle(full, FileMode.Create, FileAccess.Write);
        RandomAccess.Write(handle, contents, fileOffset: 0);
    }

    /// <inheritdoc/>
    public void FsyncFile(string path)
    {
        var full = RequireFile(path, "fsync");
        using var handle = File.OpenHandle(full, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(handle);
    }

    /// <inheritdoc/>
    public void Rename(string source, string destination)
    {
        var (from, to) = (source, destination);
        var fullFrom = ResolveNotRoot(from, "rename");
        var fullTo = ResolveNotRoot(to, "rename");
        if (!File.Exists(fullFrom))
        {
            throw new FileNotFoundException($"Cannot rename '{from}': no such file");
        }

        if (!Directory.Exists(Path.GetDirectoryName(fullTo)))
        {
            throw new DirectoryNotFoundException($"Cannot rename to '{to}': its directory does not exist");
        }

        if (Directory.Exists(fullTo))
        {
            throw new IOException($"Cannot rename to '{to}': it is a directory");
        }

        if (fullFrom == fullTo)
        {
            return;
        }

        // File.Move with overwrite is rename(2) on Unix: the destination is replaced atomically.
        File.Move(fullFrom, fullTo, overwrite: true);
    }

    /// <inheritdoc/>
    public void FsyncDirectory(string path)
    {
        var full = Resolve(path);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Cannot fsync directory '{path}': it does not exist");
        }

        NativeDirectorySync.Fsync(full);
    }

    /// <inheritdoc/>
    public bool FileExists(string path) => File.Exists(Resolve(path));

    /// <inheritdoc/>
    public bool DirectoryExists(string path) => Directory.Exists(Resolve(path));

    /// <inheritdoc/>
    public IReadOnlyList<string> ListDirectories(string path) =>
        Directory.GetDirectories(RequireDirectory(path)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string path) =>
        Directory.GetFiles(RequireDirectory(path)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <inheritdoc/>
    public byte[] ReadFile(string path) => File.ReadAllBytes(RequireFile(path, "read"));

    private string RequireDirectory(string path)
    {
        var full = Resolve(path);
        return Directory.Exists(full) ? full : throw new DirectoryNotFoundException($"Cannot list '{path}': no such directory");
    }

    private string RequireFile(string path, string verb)
    {
        var full = ResolveNotRoot(path, verb);
        if (Directory.Exists(full))
        {
            throw new IOException($"Cannot {verb} '{path}': it is a directory");
        }

        return File.Exists(full) ? full : throw new FileNotFoundException($"Cannot {verb} '{path}': no such file");
    }

    private string ResolveNotRoot(string path, string verb)
    {
        var full = Resolve(path);
        return path.Length == 0 ? throw new IOException($"Cannot {verb} the work directory itself") : full;
    }

    private string Resolve(string path)
    {
        WorkPath.EnsureConfined(path);
        if (path.Length == 0)
        {
            return WorkDirectory;
        }

        var full = Path.GetFullPath(Path.Combine(WorkDirectory, path));
        // Belt and braces over EnsureConfined: the resolved path must still lie under the work directory.
        if (!full.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            throw new PathOutsideWorkDirectoryException($"Path '{path}' resolves outside the work directory");
        }

        return full;
    }

    /// <summary>
    /// fsync(2) of a directory, which .NET has no API for. Three libc calls do not justify a package (Tmds.LibC would
    /// bring hundreds of bindings for these three).
    /// </summary>
    private static class NativeDirectorySync
    {
        private const int ORdOnly = 0;

        // O_DIRECTORY differs between Linux architectures: 0x4000 on ARM, 0x10000 on x86 and x64.
        private static readonly int ODirectory =
            RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x4000 : 0x10000;

        public static void Fsync(string fullPath)
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("Directory fsync is implemented for Linux only");
            }

            // The path goes as NUL-terminated UTF-8 bytes: a blittable array needs no marshalling code and no unsafe block.
            var fd = Open(System.Text.Encoding.UTF8.GetBytes(fullPath + "\0"), ORdOnly | ODirectory);
            if (fd < 0)
            {
                throw new IOException($"open('{fullPath}') for fsync failed: errno {Marshal.GetLastPInvokeError()}");
            }

            try
            {
                if (FsyncFd(fd) != 0)
                {
                    throw new IOException($"fsync('{fullPath}') failed: errno {Marshal.GetLastPInvokeError()}");
                }
            }
            finally
            {
                _ = Close(fd);
            }
        }

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int Open(byte[] path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        private static extern int FsyncFd(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        private static extern int Close(int fd);
    }
}
