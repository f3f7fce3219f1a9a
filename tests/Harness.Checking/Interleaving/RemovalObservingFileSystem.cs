using System.Text;
using Harness.Impl.Agents;
using Harness.Impl.Storage;

namespace Harness.Checking.Interleaving;

/// <summary>
/// A file-system decorator that shows the harness each volume directory, with its task data, just before the agent removes
/// it: after the removal the evidence for no-data-loss is gone. Everything else passes straight through.
/// </summary>
public sealed class RemovalObservingFileSystem(IFileSystem inner, Action<string, string, string?> beforeVolumeRemoval) : IFileSystem
{
    /// <inheritdoc/>
    public void CreateDirectory(string path) => inner.CreateDirectory(path);

    /// <inheritdoc/>
    public bool DeleteDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/');
        var volumesRoot = AgentLayout.VolumesRoot.Split('/');
        if (segments.Length == volumesRoot.Length + 2 && segments.Take(volumesRoot.Length).SequenceEqual(volumesRoot, StringComparer.Ordinal)
            && inner.DirectoryExists(path))
        {
            var dataFile = WorkPath.Combine(path, AgentLayout.TaskDataFileName);
            var data = inner.FileExists(dataFile) ? Encoding.UTF8.GetString(inner.ReadFile(dataFile)) : null;
            beforeVolumeRemoval(segments[^2], segments[^1], data);
        }

        return inner.DeleteDirectory(path);
    }

    /// <inheritdoc/>
    public void WriteFile(string path, ReadOnlySpan<byte> contents) => inner.WriteFile(path, contents);

    /// <inheritdoc/>
    public void FsyncFile(string path) => inner.FsyncFile(path);

    /// <inheritdoc/>
    public void Rename(string source, string destination) => inner.Rename(source, destination);

    /// <inheritdoc/>
    public void FsyncDirectory(string path) => inner.FsyncDirectory(path);

    /// <inheritdoc/>
    public bool FileExists(string path) => inner.FileExists(path);

    /// <inheritdoc/>
    public bool DirectoryExists(string path) => inner.DirectoryExists(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListDirectories(string path) => inner.ListDirectories(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string path) => inner.ListFiles(path);

    /// <inheritdoc/>
    public byte[] ReadFile(string path) => inner.ReadFile(path);
}
