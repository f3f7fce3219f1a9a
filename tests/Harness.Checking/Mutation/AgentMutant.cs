using System.Runtime.CompilerServices;
using Harness.Impl.Agents;
using Harness.Impl.Messaging;
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

    /// <summary>Every mutant by its id (the corpus's id of the same mistake as a patch).</summary>
    public static IReadOnlyDictionary<string, AgentMutant> ById { get; } = new Dictionary<string, AgentMutant>(StringComparer.Ordinal)
    {
        ["skip-volume-removal"] = SkipVolumeRemoval,
        ["register-before-finishing-target"] = RegisterBeforeFinishingTarget,
        ["skip-directory-fsync"] = SkipDirectoryFsync,
        ["delta-against-target"] = DeltaAgainstTarget,
        ["ignore-rmdir-failure"] = IgnoreRmdirFailure,
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

    private sealed class SkipVolumeRemovalMutant : AgentMutant
    {
        public override IFileSystem WrapDisk(IFileSystem disk) => new VolumeRemovalSkippingFileSystem(disk);
    }

    private sealed class RegisterBeforeFinishingTargetMutant : AgentMutant
    {
        // The processes that registered with a target still pending, and the I/O to finish it on.
        private readonly ConditionalWeakTable<Agent, IFileSystem> unfinished = [];

        public override Agent Start(AgentDesign design, IFileSystem io)
        {
            if (!design.UsesTarget || !io.FileExists(AgentLayout.TargetFile))
            {
                return Agent.Start(design, io);
            }

            var hiding = new TargetHidingFileSystem(io);
            var process = Agent.Start(design, hiding);
            hiding.Hiding = false;
            unfinished.Add(process, io);
            return process;
        }

        public override AgentReply Handle(ImplAgent agent, AgentMessage message)
        {
            ArgumentNullException.ThrowIfNull(agent);
            var process = agent.Process!;
            if (unfinished.TryGetValue(process, out var io))
            {
                unfinished.Remove(process);
                // A second start on the same disk finishes the target, as the first one should have before registering.
                process = agent.Process = Agent.Start(process.Design, io);
            }

            return process.Handle(message);
        }
    }

    private sealed class TargetHidingFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
    {
        public bool Hiding { get; set; } = true;

        public override bool FileExists(string path) =>
            !(Hiding && string.Equals(path, AgentLayout.TargetFile, StringComparison.Ordinal)) && Inner.FileExists(path);
    }

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
