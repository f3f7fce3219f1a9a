using System.Text;
using Harness.Impl.Agents;
using Harness.Impl.Storage;

namespace Harness.Checking.Interleaving;

/// <summary>
/// A file-system decorator that shows the harness each volume directory, with its task data, just before the agent removes
/// it: after the removal the evidence for no-data-loss is gone. Everything else passes straight through.
/// </summary>
public sealed class RemovalObservingFileSystem(IFileSystem inner, Action<string, string, string?> beforeVolumeRemoval) : FileSystemDecorator(inner)
{
    /// <inheritdoc/>
    public override bool DeleteDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/');
        var volumesRoot = AgentLayout.VolumesRoot.Split('/');
        if (segments.Length == volumesRoot.Length + 2 && segments.Take(volumesRoot.Length).SequenceEqual(volumesRoot, StringComparer.Ordinal)
            && Inner.DirectoryExists(path))
        {
            var dataFile = WorkPath.Combine(path, AgentLayout.TaskDataFileName);
            var data = Inner.FileExists(dataFile) ? Encoding.UTF8.GetString(Inner.ReadFile(dataFile)) : null;
            beforeVolumeRemoval(segments[^2], segments[^1], data);
        }

        return Inner.DeleteDirectory(path);
    }
}
