using Harness.Impl.Storage;

namespace Harness.Checking;

/// <summary>
/// A file system that passes every operation to another one; the harness's disks that watch or alter a few operations
/// derive from it and override only those.
/// </summary>
public abstract class FileSystemDecorator(IFileSystem inner) : IFileSystem
{
    /// <summary>The file system operations go to.</summary>
    protected IFileSystem Inner { get; } = inner;

    /// <inheritdoc/>
    public virtual void CreateDirectory(string path) => Inner.CreateDirectory(path);

    /// <inheritdoc/>
    public virtual bool DeleteDirectory(string path) => Inner.DeleteDirectory(path);

    /// <inheritdoc/>
    public virtual void WriteFile(string path, ReadOnlySpan<byte> contents) => Inner.WriteFile(path, contents);

    /// <inheritdoc/>
    public virtual void FsyncFile(string path) => Inner.FsyncFile(path);

    /// <inheritdoc/>
    public virtual void Rename(string source, string destination) => Inner.Rename(source, destination);

    /// <inheritdoc/>
    public virtual void FsyncDirectory(string path) => Inner.FsyncDirectory(path);

    /// <inheritdoc/>
    public virtual bool FileExists(string path) => Inner.FileExists(path);

    /// <inheritdoc/>
    public virtual bool DirectoryExists(string path) => Inner.DirectoryExists(path);

    /// <inheritdoc/>
    public virtual IReadOnlyList<string> ListDirectories(string path) => Inner.ListDirectories(path);

    /// <inheritdoc/>
    public virtual IReadOnlyList<string> ListFiles(string path) => Inner.ListFiles(path);

    /// <inheritdoc/>
    public virtual byte[] ReadFile(string path) => Inner.ReadFile(path);
}
