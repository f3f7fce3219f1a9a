using Harness.Impl.Storage;

namespace Harness.Checking;

/// <summary>
/// A file system whose every operation goes to a disk that can be exchanged for another, so that a running agent can be
/// moved onto a copy of its work directory: the real-disk replay drives the agents to rest on a copy and leaves the
/// user's directory showing the scenario's outcome.
/// </summary>
internal sealed class RetargetableFileSystem(IFileSystem target) : IFileSystem
{
    /// <summary>The disk operations go to now.</summary>
    public IFileSystem Target { get; set; } = target;

    public void CreateDirectory(string path) => Target.CreateDirectory(path);

    public bool DeleteDirectory(string path) => Target.DeleteDirectory(path);

    public void WriteFile(string path, ReadOnlySpan<byte> contents) => Target.WriteFile(path, contents);

    public void FsyncFile(string path) => Target.FsyncFile(path);

    public void Rename(string source, string destination) => Target.Rename(source, destination);

    public void FsyncDirectory(string path) => Target.FsyncDirectory(path);

    public bool FileExists(string path) => Target.FileExists(path);

    public bool DirectoryExists(string path) => Target.DirectoryExists(path);

    public IReadOnlyList<string> ListDirectories(string path) => Target.ListDirectories(path);

    public IReadOnlyList<string> ListFiles(string path) => Target.ListFiles(path);

    public byte[] ReadFile(string path) => Target.ReadFile(path);
}
