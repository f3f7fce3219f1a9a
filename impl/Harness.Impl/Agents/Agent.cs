using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Impl.Storage;

namespace Harness.Impl.Agents;

/// <summary>
/// The agent's handling of checkpointed resources, in one of four <see cref="AgentDesign"/>s, with all I/O through an
/// <see cref="IFileSystem"/>. One instance is one life of the agent process:
/// <list type="number">
/// <item><see cref="Start"/> recovers from the disk (finishing a pending target in the target designs) and returns the
/// agent; register <see cref="Resources"/> with the master.</item>
/// <item>Hand it each delivered message with <see cref="Handle"/>.</item>
/// <item>When a call throws <see cref="AgentExitedException"/> (the design exits) or <see cref="SimulatedCrashException"/>
/// (the harness crashed it), the instance is dead: call <see cref="Start"/> again on the same disk.
/// <see cref="CorruptCheckpointException"/> from <see cref="Start"/> means the agent refuses to start and changed nothing.</item>
/// </list>
/// To stop at a chosen I/O step, wrap the disk in a <see cref="FaultInjectingFileSystem"/>.
/// </summary>
public sealed class Agent
{
    private readonly IFileSystem fileSystem;
    private readonly CheckpointStore store;
    private bool dead;

    private Agent(AgentDesign design, IFileSystem fileSystem, ResourceSet committed)
    {
        Design = design;
        this.fileSystem = fileSystem;
        store = new CheckpointStore(fileSystem, design.IsDurable);
        Resources = committed;
    }

    /// <summary>The design this agent follows.</summary>
    public AgentDesign Design { get; }

    /// <summary>The checkpointed set in memory: after <see cref="Start"/>, the set to register with.</summary>
    public ResourceSet Resources { get; private set; }

    /// <summary>False once a call has thrown: the process is gone and a new instance must be started.</summary>
    public bool IsRunning => !dead;

    /// <summary>Warnings from recovery, such as a volume directory that was already gone.</summary>
    public ImmutableArray<string> RecoveryWarnings { get; private set; } = [];

    /// <summary>
    /// Starts an agent on <paramref name="fileSystem"/>: reads <c>resources.info</c> (absent means empty) and, in the target
    /// designs, <c>resources.target</c>; both must parse completely or this throws <see cref="CorruptCheckpointException"/>
    /// before touching the disk. Then it makes sure the checkpoint directory exists and, when a target is pending, applies
    /// the delta from the committed set to it with the design's step order and commits it; any failure there throws
    /// <see cref="AgentExitedException"/>. Stale temporary files are left alone: they are overwritten by the next write,
    /// and removing them would be a disk change on a path where the semantics allow none.
    /// </summary>
    public static Agent Start(AgentDesign design, IFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var store = new CheckpointStore(fileSystem, design.IsDurable);
        var committed = store.Read(AgentLayout.InfoFile) ?? ResourceSet.Empty;
        var target = design.UsesTarget ? store.Read(AgentLayout.TargetFile) : null;

        var agent = new Agent(design, fileSystem, committed);
        agent.RunOrDie(() =>
        {
            agent.PrepareMetaDirectory();
            if (target is not null)
            {
                var delta = VolumeDelta.Between(committed, target, design.Identity);
                var warnings = new List<string>();
                agent.ApplyTargetDelta(delta, warnings, recovering: true);
                ExitOnIoError("commit the pending target", agent.store.CommitTarget);
                agent.Resources = target;
                agent.RecoveryWarnings = [.. warnings];
            }

            return 0;
        });
        return agent;
    }

    /// <summary>Handles one delivered message: <see cref="CheckpointResources"/> or <see cref="RunTask"/>.</summary>
    public AgentReply Handle(AgentMessage message)
    {
        return message switch
        {
            CheckpointResourcesMessage checkpoint => CheckpointResources(checkpoint.Resources),
            RunTaskMessage task => RunTask(task.Role, task.Id, task.Incarnation),
            _ => throw new ArgumentException($"Unknown message {message}", nameof(message)),
        };
    }

    /// <summary>
    /// Makes the directories and the committed checkpoint match <paramref name="desired"/>, with the steps and failure
    /// behaviour of the design. A set with an invalid name or amount is rejected before any I/O.
    /// </summary>
    public CheckpointReply CheckpointResources(ResourceSet desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        EnsureRunning();
        // The master validates too, but a message that bypassed it must not become a path.
        var problems = desired.Problems();
        if (problems.Count > 0)
        {
            return new CheckpointReply(CheckpointOutcome.Rejected, string.Join("; ", problems), []);
        }

        if (desired.SameAs(Resources, Design.Identity))
        {
            return new CheckpointReply(CheckpointOutcome.Unchanged, null, []);
        }

        var delta = VolumeDelta.Between(Resources, desired, Design.Identity);
        return RunOrDie(() => Design switch
        {
            AgentDesign.KeepGoing => KeepGoing(desired, delta),
            AgentDesign.PartialExit => PartialExit(desired, delta),
            _ => WithTarget(desired, delta),
        });
    }

    /// <summary>
    /// Runs a task on volume <paramref name="role"/>/<paramref name="id"/>: if the directory is missing the task fails to
    /// start and nothing changes; otherwise it reads the data file, then writes <paramref name="incarnation"/> there and
    /// makes it durable (file, volume directory and each directory up to the work directory).
    /// </summary>
    public TaskReply RunTask(string role, string id, long incarnation)
    {
        EnsureRunning();
        var error = ResourceNames.Check(role, "role") ?? ResourceNames.Check(id, "persistence id");
        if (error is not null)
        {
            return new TaskReply(TaskOutcome.Rejected, null, error);
        }

        var volume = AgentLayout.VolumeDirectory(role, id);
        if (!fileSystem.DirectoryExists(volume))
        {
            return new TaskReply(TaskOutcome.FailedToStart, null, $"Volume directory '{volume}' does not exist");
        }

        return RunOrDie(() =>
        {
            var dataFile = AgentLayout.TaskDataFile(role, id);
            string? seen = null;
            try
            {
                if (fileSystem.FileExists(dataFile))
                {
                    seen = Encoding.UTF8.GetString(fileSystem.ReadFile(dataFile));
                }

                fileSystem.WriteFile(dataFile, Encoding.UTF8.GetBytes(incarnation.ToString(CultureInfo.InvariantCulture)));
                fileSystem.FsyncFile(dataFile);
                // The data must survive a power loss, so the whole path to it must too: each directory's entry for the
                // next one down, deepest first so no durable entry points at a directory whose own entries are not.
                foreach (var directory in WorkPath.SelfAndAncestors(volume).Reverse().Append(WorkPath.Root))
                {
                    fileSystem.FsyncDirectory(directory);
                }
            }
            catch (IOException e)
            {
                return new TaskReply(TaskOutcome.Failed, seen, e.Message);
            }

            return new TaskReply(TaskOutcome.Ran, seen, null);
        });
    }

    private CheckpointReply KeepGoing(ResourceSet desired, VolumeDelta delta)
    {
        var warnings = new List<string>();
        try
        {
            foreach (var volume in delta.Creates)
            {
                fileSystem.CreateDirectory(VolumePath(volume));
            }

            foreach (var volume in delta.Destroys)
            {
                RemoveVolume(volume, warnings);
            }
        }
        catch (IOException e)
        {
            // Mesos before the fix: log, keep the old checkpoint and memory, keep running. This is window W1's opening.
            return new CheckpointReply(CheckpointOutcome.KeptOld, e.Message, [.. warnings]);
        }

        ExitOnIoError("write the checkpoint", () => store.Write(AgentLayout.InfoFile, desired));
        Resources = desired;
        return new CheckpointReply(CheckpointOutcome.Applied, null, [.. warnings]);
    }

    private CheckpointReply PartialExit(ResourceSet desired, VolumeDelta delta)
    {
        var warnings = new List<string>();
        var reached = Resources.Volumes;
        try
        {
            foreach (var volume in delta.Creates)
            {
                fileSystem.CreateDirectory(VolumePath(volume));
                reached = reached.Add(volume);
            }

            foreach (var volume in delta.Destroys)
            {
                RemoveVolume(volume, warnings);
                reached = reached.Remove(volume);
            }
        }
        catch (IOException e)
        {
            // The patch under review: checkpoint old plus the volume operations that succeeded, keeping old's
            // reservations (they have no disk step of their own), then exit so re-registration brings the master's view.
            var partial = Resources.WithVolumes(reached);
            try
            {
                store.Write(AgentLayout.InfoFile, partial);
            }
            catch (IOException writeError)
            {
                throw new AgentExitedException($"Volume operation failed ({e.Message}) and so did the partial checkpoint ({writeError.Message})", e);
            }

            throw new AgentExitedException($"Volume operation failed, checkpointed {partial} and exiting: {e.Message}", e);
        }

        ExitOnIoError("write the checkpoint", () => store.Write(AgentLayout.InfoFile, desired));
        Resources = desired;
        return new CheckpointReply(CheckpointOutcome.Applied, null, [.. warnings]);
    }

    private CheckpointReply WithTarget(ResourceSet desired, VolumeDelta delta)
    {
        var warnings = new List<string>();
        ExitOnIoError("write the target", () => store.Write(AgentLayout.TargetFile, desired));
        ApplyTargetDelta(delta, warnings, recovering: false);
        ExitOnIoError("commit the target", store.CommitTarget);
        Resources = desired;
        return new CheckpointReply(CheckpointOutcome.Applied, null, [.. warnings]);
    }

    /// <summary>
    /// The volume steps of the target designs: creates then destroys (target), or destroys then creates (a changed
    /// incarnation needs the old directory gone first), each followed by the fsyncs that make it durable
    /// (target-incarnation). Any I/O error exits.
    /// </summary>
    private void ApplyTargetDelta(VolumeDelta delta, List<string> warnings, bool recovering)
    {
        if (!Design.IsDurable)
        {
            ExitOnIoError("apply the volume delta", () =>
            {
                foreach (var volume in delta.Creates)
                {
                    fileSystem.CreateDirectory(VolumePath(volume));
                }

                foreach (var volume in delta.Destroys)
                {
                    RemoveVolume(volume, warnings);
                }
            });
            return;
        }

        // Each mkdir or rmdir is followed at once by the fsync of the directories whose entries it changed, so every
        // volume step is durable when it ends: a power loss between two steps finds the disk as the steps so far left it.
        ExitOnIoError("apply the volume delta", () =>
        {
            foreach (var volume in delta.Destroys)
            {
                var path = VolumePath(volume);
                RemoveVolume(volume, warnings);
                // Even when the directory was already gone: an earlier life may have removed it and crashed before the fsync.
                if (fileSystem.DirectoryExists(WorkPath.Parent(path)))
                {
                    fileSystem.FsyncDirectory(WorkPath.Parent(path));
                }
            }

            foreach (var volume in delta.Creates)
            {
                var path = VolumePath(volume);
                var levels = WorkPath.SelfAndAncestors(path);
                // In recovery an earlier life may have created any level and crashed before its fsync, so every level's
                // parent is synced; in an update only the levels this mkdir creates need it (the rest were made durable
                // by the update that created them, or else a target is pending and recovery syncs them).
                var created = recovering ? levels : [.. levels.Where(l => !fileSystem.DirectoryExists(l))];
                fileSystem.CreateDirectory(path);
                // Deepest first, so no durable entry points at a directory whose own entries are not yet durable.
                for (var i = created.Count - 1; i >= 0; i--)
                {
                    fileSystem.FsyncDirectory(WorkPath.Parent(created[i]));
                }
            }
        });
    }

    private void RemoveVolume(Volume volume, List<string> warnings)
    {
        var path = VolumePath(volume);
        if (!fileSystem.DeleteDirectory(path))
        {
            warnings.Add($"Volume directory '{path}' was already gone");
        }
    }

    private void PrepareMetaDirectory()
    {
        if (!Design.IsDurable)
        {
            if (!fileSystem.DirectoryExists(AgentLayout.MetaDirectory))
            {
                ExitOnIoError("create the checkpoint directory", () => fileSystem.CreateDirectory(AgentLayout.MetaDirectory));
            }

            return;
        }

        ExitOnIoError("create the checkpoint directory", () =>
        {
            if (!fileSystem.DirectoryExists(AgentLayout.MetaDirectory))
            {
                fileSystem.CreateDirectory(AgentLayout.MetaDirectory);
            }

            // Whether or not this life created them, the entries leading to the checkpoints must be durable before a
            // checkpoint relies on them: an earlier life may have created them and crashed before syncing.
            // The last one makes a commit durable that an earlier life renamed but crashed before syncing.
            fileSystem.FsyncDirectory(WorkPath.Root);
            fileSystem.FsyncDirectory(WorkPath.Parent(AgentLayout.MetaDirectory));
            fileSystem.FsyncDirectory(AgentLayout.MetaDirectory);
        });
    }

    private static string VolumePath(Volume volume) => AgentLayout.VolumeDirectory(volume.Role, volume.Id);

    private static void ExitOnIoError(string what, Action step)
    {
        try
        {
            step();
        }
        catch (IOException e)
        {
            throw new AgentExitedException($"Failed to {what}, exiting: {e.Message}", e);
        }
    }

    private T RunOrDie<T>(Func<T> body)
    {
        // Whatever escapes (an exit, a simulated crash, a bug) ends this life of the agent. Marked on the way out rather
        // than caught and thrown again, so the exception passes on untouched and unwinding happens once.
        var returned = false;
        try
        {
            var result = body();
            returned = true;
            return result;
        }
        finally
        {
            if (!returned)
            {
                dead = true;
            }
        }
    }

    private void EnsureRunning()
    {
        if (dead)
        {
            throw new InvalidOperationException("This agent has exited or crashed; start a new one from the disk");
        }
    }
}
