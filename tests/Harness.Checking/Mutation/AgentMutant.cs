using System.Runtime.CompilerServices;
using Harness.Impl.Agents;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Impl.Storage;

namespace Harness.Checking.Mutation;

/// <summary>
/// A deliberately wrong agent built around the real one, for the harness's own tests: the implementation carries no
/// switch for its mistakes, so each mistake is a decorator of the agent's disk or of its start and message handling that
/// <see cref="ImplCluster"/> uses instead of the plain <see cref="Agent"/>. The same mistakes exist as patches in the
/// mutant corpus (<c>mutants/</c>), where every checker, Coyote included, runs on the patched build.
/// </summary>
public abstract class AgentMutant
{
    /// <summary>The correct agent: nothing is changed.</summary>
    public static AgentMutant None { get; } = new NoMutant();

    /// <summary>The agent's disk pretends to remove volume directories and keeps them, as an agent that skipped its rmdir would.</summary>
    public static AgentMutant SkipVolumeRemoval { get; } = new SkipVolumeRemovalMutant();

    /// <summary>Recovery registers first and finishes the pending target only when the first message arrives.</summary>
    public static AgentMutant RegisterBeforeFinishingTarget { get; } = new RegisterBeforeFinishingTargetMutant();

    /// <summary>The agent skips every directory fsync except those that make a task's data durable.</summary>
    public static AgentMutant SkipDirectoryFsync { get; } = new SkipDirectoryFsyncMutant();

    /// <summary>Recovery computes the volume delta from the target to itself (nothing to do) and only commits the target.</summary>
    public static AgentMutant DeltaAgainstTarget { get; } = new DeltaAgainstTargetMutant();

    /// <summary>The target designs log a failed rmdir and go on instead of exiting.</summary>
    public static AgentMutant IgnoreRmdirFailure { get; } = new IgnoreRmdirFailureMutant();

    /// <summary>
    /// The agent trusts the names a message carries (it relies on the master's check) and acts on them: a CREATE becomes a
    /// mkdir, a task launch on a name it should refuse does not start instead of being rejected.
    /// </summary>
    public static AgentMutant TrustsNames { get; } = new TrustsNamesMutant();

    /// <summary>
    /// The agent's checkpoint writer keeps the reservations of the first role only (a loop that stops after one role):
    /// memory is right, the file is not. With one role nothing is wrong, so only a search over two roles can see it.
    /// </summary>
    public static AgentMutant CheckpointFirstRoleOnly { get; } = new CheckpointFirstRoleOnlyMutant();

    /// <summary>Every mutant by its id (the corpus's id of the same mistake as a patch).</summary>
    public static IReadOnlyDictionary<string, AgentMutant> ById { get; } = new Dictionary<string, AgentMutant>(StringComparer.Ordinal)
    {
        ["skip-volume-removal"] = SkipVolumeRemoval,
        ["register-before-finishing-target"] = RegisterBeforeFinishingTarget,
        ["skip-directory-fsync"] = SkipDirectoryFsync,
        ["delta-against-target"] = DeltaAgainstTarget,
        ["ignore-rmdir-failure"] = IgnoreRmdirFailure,
        ["agent-skips-validation"] = TrustsNames,
    };

    /// <summary>Wraps the agent's disk below the fault injector: what the disk itself does.</summary>
    public virtual IFileSystem WrapDisk(IFileSystem disk) => disk;

    /// <summary>Wraps the I/O the agent process issues, above the step observer and the fault injector (so injected errors reach it).</summary>
    public virtual IFileSystem WrapAgentIo(AgentDesign design, IFileSystem io) => io;

    /// <summary>Starts one life of the agent on <paramref name="io"/> (what <see cref="Agent.Start"/> does for the correct agent).</summary>
    public virtual Agent Start(AgentDesign design, IFileSystem io) => Agent.Start(design, io);

    /// <summary>Hands <paramref name="message"/> to the agent's current process, which the mutant may replace first.</summary>
    public virtual AgentReply Handle(ImplAgent agent, AgentMessage message)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Process!.Handle(message);
    }

    private sealed class NoMutant : AgentMutant;

    private sealed class TrustsNamesMutant : AgentMutant
    {
        public override AgentReply Handle(ImplAgent agent, AgentMessage message)
        {
            ArgumentNullException.ThrowIfNull(agent);
            switch (message)
            {
                case CheckpointResourcesMessage checkpoint when checkpoint.Resources.Problems().Count > 0:
                    // What an agent without its own check does with such a set: every new volume becomes a directory.
                    foreach (var volume in checkpoint.Resources.Volumes)
                    {
                        if (agent.Process!.Resources.FindVolume(volume.Role, volume.Id) is null)
                        {
                            agent.AgentIo.CreateDirectory(WorkPath.Combine(AgentLayout.VolumesRoot, volume.Role, volume.Id));
                        }
                    }

                    return new CheckpointReply(CheckpointOutcome.Applied, null, []);
                case RunTaskMessage task when ResourceNames.Check(task.Role, "role") is not null || ResourceNames.Check(task.Id, "persistence id") is not null:
                    return new TaskReply(TaskOutcome.FailedToStart, null, "no such volume directory");
                default:
                    return base.Handle(agent, message);
            }
        }
    }

    private sealed class SkipVolumeRemovalMutant : AgentMutant
    {
        public override IFileSystem WrapDisk(IFileSystem disk) => new VolumeRemovalSkippingFileSystem(disk);
    }

    private sealed class RegisterBeforeFinishingTargetMutant : AgentMutant
    {
        // The processes that registered with a target still pending, the I/O to finish it on and the target as it was read.
        private readonly ConditionalWeakTable<Agent, Unfinished> unfinished = [];

        public override Agent Start(AgentDesign design, IFileSystem io)
        {
            if (!design.UsesTarget || !io.FileExists(AgentLayout.TargetFile))
            {
                return Agent.Start(design, io);
            }

            var target = io.ReadFile(AgentLayout.TargetFile);
            // A target that does not parse stops the start, as in the correct agent: the mistake is only in the order.
            _ = CheckpointCodec.Decode(target, AgentLayout.TargetFile);
            var hiding = new TargetFileSystem(io, null);
            var process = Agent.Start(design, hiding);
            hiding.Starting = false;
            unfinished.Add(process, new Unfinished(io, target));
            return process;
        }

        public override AgentReply Handle(ImplAgent agent, AgentMessage message)
        {
            ArgumentNullException.ThrowIfNull(agent);
            var process = agent.Process!;
            if (unfinished.TryGetValue(process, out var pending))
            {
                unfinished.Remove(process);
                // The target recovery runs now, on the target read at start (as a process that kept it in memory would),
                // by a second start on the same disk; that start's own read of the target sees those bytes.
                var replaying = new TargetFileSystem(pending.Io, pending.Target);
                process = agent.Process = Agent.Start(process.Design, replaying);
                replaying.Starting = false;
            }

            return process.Handle(message);
        }

        private sealed record Unfinished(IFileSystem Io, byte[] Target);
    }

    // While starting: hides resources.target (content null) or shows it with the given content; afterwards passes through.
    private sealed class TargetFileSystem(IFileSystem inner, byte[]? content) : FileSystemDecorator(inner)
    {
        public bool Starting { get; set; } = true;

        public override bool FileExists(string path) =>
            Starting && IsTarget(path) ? content is not null : Inner.FileExists(path);

        public override byte[] ReadFile(string path) =>
            Starting && IsTarget(path) && content is not null ? content : Inner.ReadFile(path);

        private static bool IsTarget(string path) => string.Equals(path, AgentLayout.TargetFile, StringComparison.Ordinal);
    }

    // Wider than the patch of the same id: it also skips the fsyncs of the checkpoint directory's path at start, which only
    // makes the mistake easier to see.
    private sealed class SkipDirectoryFsyncMutant : AgentMutant
    {
        public override IFileSystem WrapAgentIo(AgentDesign design, IFileSystem io) => new DirectoryFsyncSkippingFileSystem(io);

        public override AgentReply Handle(ImplAgent agent, AgentMessage message)
        {
            ArgumentNullException.ThrowIfNull(agent);
            var io = agent.AgentIo as DirectoryFsyncSkippingFileSystem;
            if (io is null || message is not RunTaskMessage)
            {
                return agent.Process!.Handle(message);
            }

            // A task's data stays durable: the mistake is in the checkpoint and volume steps only.
            io.Skipping = false;
            try
            {
                return agent.Process!.Handle(message);
            }
            finally
            {
                io.Skipping = true;
            }
        }
    }

    private sealed class DirectoryFsyncSkippingFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        public bool Skipping { get; set; } = true;

        public override void FsyncDirectory(string path)
        {
            if (!Skipping)
            {
                Inner.FsyncDirectory(path);
            }
        }
    }

    private sealed class DeltaAgainstTargetMutant : AgentMutant
    {
        public override Agent Start(AgentDesign design, IFileSystem io)
        {
            if (design.UsesTarget && io.FileExists(AgentLayout.TargetFile))
            {
                // The delta from the target to itself is empty: nothing is created or removed, the target is just committed.
                try
                {
                    io.Rename(AgentLayout.TargetFile, AgentLayout.InfoFile);
                    if (design.IsDurable)
                    {
                        io.FsyncDirectory(AgentLayout.MetaDirectory);
                    }
                }
                catch (IOException e)
                {
                    throw new AgentExitedException($"Failed to commit the pending target, exiting: {e.Message}", e);
                }
            }

            return Agent.Start(design, io);
        }
    }

    private sealed class CheckpointFirstRoleOnlyMutant : AgentMutant
    {
        public override IFileSystem WrapAgentIo(AgentDesign design, IFileSystem io) => new FirstRoleCheckpointFileSystem(io);
    }

    private sealed class FirstRoleCheckpointFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        public override void WriteFile(string path, ReadOnlySpan<byte> contents)
        {
            if (path != AgentLayout.InfoFile + AgentLayout.TemporarySuffix && path != AgentLayout.TargetFile + AgentLayout.TemporarySuffix)
            {
                Inner.WriteFile(path, contents);
                return;
            }

            var set = CheckpointCodec.Decode(contents.ToArray(), path);
            var first = set.Reservations.Take(1);
            Inner.WriteFile(path, CheckpointCodec.Encode(ResourceSet.Create(first, set.Volumes)));
        }
    }

    private sealed class IgnoreRmdirFailureMutant : AgentMutant
    {
        public override IFileSystem WrapAgentIo(AgentDesign design, IFileSystem io) =>
            design.UsesTarget ? new RmdirFailureIgnoringFileSystem(io) : io;
    }

    private sealed class RmdirFailureIgnoringFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        public override bool DeleteDirectory(string path)
        {
            try
            {
                return Inner.DeleteDirectory(path);
            }
            catch (IOException)
            {
                // Logged and ignored: the agent goes on as if the directory were gone.
                return true;
            }
        }
    }
}
