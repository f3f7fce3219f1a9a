using System.Globalization;
using Harness.Impl.Agents;
using Harness.Impl.Storage;
using Harness.Model;

namespace Harness.Checking;

/// <summary>
/// Sits between the agent and its <see cref="FaultInjectingFileSystem"/> and sees the agent's file-system operations as
/// the model's logical steps (<c>mkdir r/v</c>, <c>rmdir r/v</c>, <c>write info</c>, <c>write target</c>, <c>rename
/// target</c>), so that a scenario's armed faults fire at the same step as in the model. A step starts with its first
/// operation (the mkdir, the rmdir, the write of the temporary file, the rename of the target) and takes every fsync and
/// the rename of its temporary file after it; an armed crash or power loss "after" a step fires just before the next
/// operation that is not part of the step, or when the agent's call returns, because the model treats a step as atomic.
/// It also checks no-data-loss at each removal the agent really performs.
/// </summary>
internal sealed class LogicalStepFileSystem : FileSystemDecorator
{
    private readonly FaultInjectingFileSystem inner;
    private (StepSpec Step, ScenarioCommand Arm)? pending;

    public LogicalStepFileSystem(FaultInjectingFileSystem inner)
        : base(inner) => this.inner = inner;

    /// <summary>Faults armed by the scenario, in arming order; a fired one is removed.</summary>
    public List<ScenarioCommand> Armed { get; } = [];

    /// <summary>True during a delivery or a restart: the only calls whose steps armed faults may hit.</summary>
    public bool Active { get; set; }

    /// <summary>The crash or power loss that stopped the agent (set when it fires).</summary>
    public ScenarioCommand? Fired { get; private set; }

    /// <summary>Where events are narrated.</summary>
    public List<string>? Events { get; set; }

    /// <summary>The master's incarnation of a volume (null: it holds none), for no-data-loss.</summary>
    public Func<string, string, long?> MasterIncarnation { get; set; } = (_, _) => null;

    /// <summary>What an armed <c>writeback after STEP</c> does when it fires (the simulated disk's writeback); null on the real disk.</summary>
    public Action? WritebackNow { get; init; }

    /// <summary>Violations found at a removal.</summary>
    public List<ImplViolation> Violations { get; } = [];

    /// <summary>Ends a delivery or restart: a crash or power loss armed after its last step fires now; returns what fired.</summary>
    public ScenarioCommand? Finish()
    {
        if (pending is { } p)
        {
            pending = null;
            if (!Writeback(p.Arm))
            {
                Fired = p.Arm;
            }
        }

        var fired = Fired;
        Fired = null;
        Active = false;
        return fired;
    }

    public override void CreateDirectory(string path)
    {
        Begin(FsOp.Mkdir, path, null);
        inner.CreateDirectory(path);
    }

    public override bool DeleteDirectory(string path)
    {
        Begin(FsOp.Rmdir, path, null);
        var volume = VolumeOf(path);
        long data = 0;
        if (volume is not null)
        {
            data = DataIncarnation(inner, path);
        }

        var existed = inner.DeleteDirectory(path);
        if (existed && volume is { } v && data != 0 && MasterIncarnation(v.Role, v.Id) == data)
        {
            Violations.Add(new ImplViolation(
                PropertyId.NoDataLoss,
                string.Create(CultureInfo.InvariantCulture, $"the agent removed {path} holding data of incarnation {data}, which the master still holds")));
        }

        return existed;
    }

    public override void WriteFile(string path, ReadOnlySpan<byte> contents)
    {
        Begin(FsOp.Write, path, null);
        inner.WriteFile(path, contents);
    }

    public override void FsyncFile(string path)
    {
        Begin(FsOp.Fsync, path, null);
        inner.FsyncFile(path);
    }

    public override void Rename(string source, string destination)
    {
        Begin(FsOp.Rename, source, destination);
        inner.Rename(source, destination);
    }

    public override void FsyncDirectory(string path)
    {
        Begin(FsOp.Fsync, path, null);
        inner.FsyncDirectory(path);
    }

    /// <summary>The volume a path names exactly (<c>volumes/roles/ROLE/ID</c>), or null.</summary>
    public static (string Role, string Id)? VolumeOf(string path)
    {
        var prefix = AgentLayout.VolumesRoot + "/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        // Exactly two more segments, as path[prefix.Length..].Split('/') would give them.
        var slash = path.IndexOf('/', prefix.Length);
        return slash < 0 || path.IndexOf('/', slash + 1) >= 0 ? null : (path[prefix.Length..slash], path[(slash + 1)..]);
    }

    /// <summary>
    /// Whether an operation is where a logical step takes effect: the mkdir or rmdir of a volume directory, or the rename
    /// that puts a checkpoint file in place. In the designs without fsync a step is complete there.
    /// </summary>
    public static bool IsCommitPoint(FsOp op, string path, string? destination) => op switch
    {
        FsOp.Mkdir or FsOp.Rmdir => VolumeOf(path) is not null,
        FsOp.Rename => destination == AgentLayout.InfoFile || destination == AgentLayout.TargetFile,
        _ => false,
    };

    /// <summary>The incarnation of the task data in a volume directory (0: none or unreadable).</summary>
    public static long DataIncarnation(IFileSystem fileSystem, string volumePath)
    {
        var file = WorkPath.Combine(volumePath, AgentLayout.TaskDataFileName);
        if (!fileSystem.FileExists(file))
        {
            return 0;
        }

        // Digits only (NumberStyles.None), read as UTF-8: anything else, invalid UTF-8 included, is unreadable.
        return long.TryParse(fileSystem.ReadFile(file), NumberStyles.None, CultureInfo.InvariantCulture, out var incarnation) ? incarnation : 0;
    }

    // An armed writeback fires by making the disk durable; the agent does not notice. Returns false for any other fault.
    private bool Writeback(ScenarioCommand arm)
    {
        if (arm.Kind != CommandKind.Writeback)
        {
            return false;
        }

        WritebackNow?.Invoke();
        Events?.Add($"impl: the operating system writes back everything after '{arm.Step}'");
        return true;
    }

    private static StepSpec? Classify(FsOp op, string path, string? destination) => op switch
    {
        FsOp.Mkdir when VolumeOf(path) is { } v => new StepSpec(StepKind.Mkdir, v.Role, v.Id),
        FsOp.Rmdir when VolumeOf(path) is { } v => new StepSpec(StepKind.Rmdir, v.Role, v.Id),
        FsOp.Write when path == AgentLayout.InfoFile + AgentLayout.TemporarySuffix => new StepSpec(StepKind.WriteInfo),
        FsOp.Write when path == AgentLayout.TargetFile + AgentLayout.TemporarySuffix => new StepSpec(StepKind.WriteTarget),
        FsOp.Rename when path == AgentLayout.TargetFile && destination == AgentLayout.InfoFile => new StepSpec(StepKind.RenameTarget),
        _ => null,
    };

    private static bool Continues(StepSpec step, FsOp op, string path) =>
        op == FsOp.Fsync ||
        (op == FsOp.Rename && step.Kind is StepKind.WriteInfo or StepKind.WriteTarget &&
         path == (step.Kind == StepKind.WriteInfo ? AgentLayout.InfoFile : AgentLayout.TargetFile) + AgentLayout.TemporarySuffix);

    private void Begin(FsOp op, string path, string? destination)
    {
        if (pending is { } p && !Continues(p.Step, op, path))
        {
            // The step the fault waits for has ended: write back and go on, or stop the agent before it does anything more.
            pending = null;
            if (!Writeback(p.Arm))
            {
                Fired = p.Arm;
                throw new SimulatedCrashException($"'{p.Arm}' fires after the step");
            }
        }

        if (!Active || Armed.Count == 0 || Classify(op, path, destination) is not { } step)
        {
            return;
        }

        // The earliest step some armed fault names fires; the fault armed first wins a tie (as in the model).
        ScenarioCommand? arm = null;
        foreach (var a in Armed)
        {
            if (a.Step == step)
            {
                arm = a;
                break;
            }
        }

        if (arm is null)
        {
            return;
        }

        Armed.Remove(arm);
        if (arm.Kind == CommandKind.Fail)
        {
            Events?.Add($"impl: '{step}' fails (injected I/O error)");
            inner.FailNext(op, s => s.Path == path);
        }
        else
        {
            pending = (step, arm);
        }
    }
}

/// <summary>
/// A deliberately wrong disk for testing the harness itself: it pretends to remove volume directories and keeps them,
/// as an agent that skipped its rmdir would. Lockstep must report the divergence.
/// </summary>
internal sealed class VolumeRemovalSkippingFileSystem(IFileSystem inner) : FileSystemDecorator(inner)
{
    public override bool DeleteDirectory(string path) =>
        LogicalStepFileSystem.VolumeOf(path) is not null ? Inner.DirectoryExists(path) : Inner.DeleteDirectory(path);
}
