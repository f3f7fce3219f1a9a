namespace Harness.Impl.Agents;

/// <summary>
/// Test-only: deliberate mistakes the agent can be built with, so that tests can show the harness catches each one.
/// The default (<see cref="None"/>) is the correct agent; nothing outside the tests may set a flag.
/// </summary>
public sealed record AgentFaultsForTesting
{
    /// <summary>The correct agent: no mistake.</summary>
    public static AgentFaultsForTesting None { get; } = new();

    /// <summary>Recovery registers first and finishes the pending target only when the first message arrives.</summary>
    public bool RegisterBeforeFinishingTarget { get; init; }

    /// <summary>The durable design skips every directory fsync (after a checkpoint rename, a mkdir or an rmdir).</summary>
    public bool SkipDirectoryFsync { get; init; }

    /// <summary>Recovery computes the volume delta from the target to itself instead of from the committed checkpoint.</summary>
    public bool DeltaAgainstTarget { get; init; }

    /// <summary>The target designs log a failed rmdir and go on instead of exiting.</summary>
    public bool IgnoreRmdirFailure { get; init; }

    /// <summary>The agent trusts the names in a message (it relies on the master's check) and acts on them.</summary>
    public bool SkipNameValidation { get; init; }
}
