using Harness.Impl.Resources;
using Harness.Impl.Storage;

namespace Harness.Impl.Agents;

/// <summary>Reads and writes the checkpoint files through the file-system port.</summary>
internal sealed class CheckpointStore(IFileSystem fileSystem, bool durable)
{
    /// <summary>The set in <paramref name="path"/>, or null when the file does not exist; throws <see cref="CorruptCheckpointException"/> otherwise.</summary>
    public ResourceSet? Read(string path)
    {
        if (!fileSystem.FileExists(path))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = fileSystem.ReadFile(path);
        }
        catch (IOException e)
        {
            throw new CorruptCheckpointException(path, $"it cannot be read ({e.Message})", e);
        }

        return CheckpointCodec.Decode(bytes, path);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="set"/> atomically: write a temporary file in the same directory
    /// and rename it over the destination, so a crash leaves the old file or the new one, never a torn one.
    /// </summary>
    public void Write(string path, ResourceSet set)
    {
        var temporary = path + AgentLayout.TemporarySuffix;
        fileSystem.WriteFile(temporary, CheckpointCodec.Encode(set));
        if (durable)
        {
            // fsync 1: the data must be on disk before the rename publishes it, or a power loss that keeps the rename
            // leaves an empty checkpoint (MESOS-9507).
            fileSystem.FsyncFile(temporary);
        }

        fileSystem.Rename(temporary, path);
        if (durable)
        {
            // fsync 2: the rename itself must be durable, or a power loss brings back the previous file (MESOS-9281);
            // for the target it must be durable before any volume directory changes, so recovery finds it.
            fileSystem.FsyncDirectory(WorkPath.Parent(path));
        }
    }

    /// <summary>Commits the target: renames it over the checkpoint.</summary>
    public void CommitTarget()
    {
        fileSystem.Rename(AgentLayout.TargetFile, AgentLayout.InfoFile);
        if (durable)
        {
            // fsync of the commit: without it a power loss brings back the previous checkpoint next to the target. Recovery
            // would redo the target, but the committed checkpoint would have gone back in time (atomic-checkpoint).
            fileSystem.FsyncDirectory(AgentLayout.MetaDirectory);
        }
    }
}
