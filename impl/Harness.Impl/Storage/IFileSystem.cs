namespace Harness.Impl.Storage;

/// <summary>
/// The file-system port of the agent. Every path is relative to the agent's work directory, uses '/' between
/// segments, and "" is the work directory itself; <see cref="WorkPath.EnsureConfined"/> refuses anything else,
/// so the agent cannot name a file outside its work directory. Failures are <see cref="IOException"/>s.
/// </summary>
public interface IFileSystem
{
    /// <summary>Creates the directory and any missing ancestor (mkdir -p). An existing directory is kept with its contents.</summary>
    void CreateDirectory(string path);

    /// <summary>Removes the directory and everything below it. Returns false, doing nothing, when it does not exist.</summary>
    bool DeleteDirectory(string path);

    /// <summary>Creates or truncates the file and writes <paramref name="contents"/> (not durable until <see cref="FsyncFile"/>).</summary>
    void WriteFile(string path, ReadOnlySpan<byte> contents);

    /// <summary>Makes the file's data durable.</summary>
    void FsyncFile(string path);

    /// <summary>Atomically renames the file <paramref name="source"/> to <paramref name="destination"/>, replacing a file there.</summary>
    void Rename(string source, string destination);

    /// <summary>Makes the directory's entries (creations, removals, renames in it) durable.</summary>
    void FsyncDirectory(string path);

    /// <summary>True when a regular file exists at <paramref name="path"/>.</summary>
    bool FileExists(string path);

    /// <summary>True when a directory exists at <paramref name="path"/>.</summary>
    bool DirectoryExists(string path);

    /// <summary>The names of the subdirectories of <paramref name="path"/>, ordinally sorted.</summary>
    IReadOnlyList<string> ListDirectories(string path);

    /// <summary>The names of the regular files in <paramref name="path"/>, ordinally sorted.</summary>
    IReadOnlyList<string> ListFiles(string path);

    /// <summary>The whole contents of the file.</summary>
    byte[] ReadFile(string path);
}
