namespace Harness.Model;

/// <summary>What happens in one step of the model.</summary>
public enum ActionKind : byte
{
    /// <summary>The master accepts RESERVE.</summary>
    Reserve,

    /// <summary>The master accepts UNRESERVE.</summary>
    Unreserve,

    /// <summary>The master accepts CREATE.</summary>
    Create,

    /// <summary>The master accepts DESTROY.</summary>
    Destroy,

    /// <summary>A task uses a volume on the agent.</summary>
    Use,

    /// <summary>The agent processes the next message.</summary>
    Deliver,

    /// <summary>The agent starts from disk, recovers and registers.</summary>
    Restart,

    /// <summary>The agent re-registers after its connection broke.</summary>
    Reconnect,

    /// <summary>The connection breaks; the agent stays up.</summary>
    BreakLink,

    /// <summary>The master notices the agent's connection is dead.</summary>
    MasterNotices,

    /// <summary>The agent crashes while idle.</summary>
    Crash,

    /// <summary>The agent's machine loses power while the agent is idle or down.</summary>
    PowerLoss,

    /// <summary>The operating system makes everything written so far durable.</summary>
    Writeback,

    /// <summary>The master fails over: it forgets its views and connections and adopts what each agent reports when it registers.</summary>
    Failover,
}

/// <summary>A fault attached to a step that runs agent I/O (delivery or restart), or the mode of a power loss.</summary>
public enum Fault : byte
{
    /// <summary>No fault.</summary>
    None,

    /// <summary>The I/O step at <see cref="ModelAction.Step"/> fails.</summary>
    Fail,

    /// <summary>The agent crashes right after the I/O step at <see cref="ModelAction.Step"/>.</summary>
    Crash,

    /// <summary>Power loss that drops everything not durable.</summary>
    PowerLoss,

    /// <summary>Power loss that keeps directory entries but drops unsynced file data.</summary>
    PowerLossKeepMetadata,

    /// <summary>The operating system writes back everything right after the I/O step at <see cref="ModelAction.Step"/>; the agent goes on.</summary>
    Writeback,
}

/// <summary>One agent I/O step.</summary>
public enum StepKind : byte
{
    /// <summary>Write <c>resources.info</c> (temporary file and rename).</summary>
    WriteInfo,

    /// <summary>Write <c>resources.target</c> (temporary file and rename).</summary>
    WriteTarget,

    /// <summary>Create a volume directory.</summary>
    Mkdir,

    /// <summary>Remove a volume directory.</summary>
    Rmdir,

    /// <summary>Rename <c>resources.target</c> over <c>resources.info</c>.</summary>
    RenameTarget,
}

/// <summary>One agent I/O step, with the volume slot for mkdir and rmdir.</summary>
public readonly record struct IoStep(StepKind Kind, int Slot = 0);

/// <summary>
/// One transition of the model. Framework operations use <see cref="Role"/>, <see cref="Slot"/> and
/// <see cref="Size"/>; a delivery or restart may carry a <see cref="Fault"/> at an I/O step.
/// </summary>
public readonly record struct ModelAction(
    ActionKind Kind,
    int Agent = 0,
    int Role = 0,
    int Slot = 0,
    int Size = 1,
    Fault Fault = Fault.None,
    int Step = 0)
{
    /// <summary>Whether this transition is one that happens without faults or new operations.</summary>
    public bool IsProgress => Kind switch
    {
        ActionKind.Deliver or ActionKind.Restart => Fault == Fault.None,
        ActionKind.Reconnect or ActionKind.MasterNotices => true,
        _ => false,
    };
}
