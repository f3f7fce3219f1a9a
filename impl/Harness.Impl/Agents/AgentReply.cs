using System.Collections.Immutable;
using System.Globalization;

namespace Harness.Impl.Agents;

/// <summary>What the agent did with a message it handled without exiting.</summary>
public abstract record AgentReply;

/// <summary>The outcome of a <c>CheckpointResources</c> message.</summary>
public enum CheckpointOutcome
{
    /// <summary>The set equals the one in memory (by the design's identity): nothing happened.</summary>
    Unchanged = 0,

    /// <summary>The directories and the committed checkpoint now match the set, and so does memory.</summary>
    Applied = 1,

    /// <summary>keep-going only: a mkdir or rmdir failed; memory and checkpoint keep the old set and the agent keeps running.</summary>
    KeptOld = 2,

    /// <summary>The message holds an invalid name or amount: refused before any I/O.</summary>
    Rejected = 3,
}

/// <summary>The reply to a <c>CheckpointResources</c> message.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Error">Why, for <see cref="CheckpointOutcome.KeptOld"/> and <see cref="CheckpointOutcome.Rejected"/>.</param>
/// <param name="Warnings">Harmless surprises, such as removing a volume directory that did not exist.</param>
public sealed record CheckpointReply(CheckpointOutcome Outcome, string? Error, ImmutableArray<string> Warnings) : AgentReply;

/// <summary>The outcome of a task launch.</summary>
public enum TaskOutcome
{
    /// <summary>The task saw the volume's data and wrote its own, durably.</summary>
    Ran = 0,

    /// <summary>The volume directory is missing: the task did not start and nothing changed.</summary>
    FailedToStart = 1,

    /// <summary>The task started but an I/O step failed.</summary>
    Failed = 2,

    /// <summary>The launch names an invalid role or id: refused before any I/O.</summary>
    Rejected = 3,
}

/// <summary>The reply to a task launch.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="SeenData">The contents of the volume's data file when the task started, or null if there was none.</param>
/// <param name="Error">Why, when the task did not run.</param>
public sealed record TaskReply(TaskOutcome Outcome, string? SeenData, string? Error) : AgentReply
{
    /// <summary>The incarnation that wrote the data the task saw, or null when it saw none (or unreadable data).</summary>
    public long? SeenIncarnation =>
        long.TryParse(SeenData, NumberStyles.None, CultureInfo.InvariantCulture, out var incarnation) ? incarnation : null;
}

/// <summary>
/// The agent exited, as its design demands after a failure: its memory and inbox are gone. Start a new
/// <see cref="Agent"/> from the disk (and break its connection, which died with it).
/// </summary>
public sealed class AgentExitedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public AgentExitedException()
        : base("Agent exited")
    {
    }

    /// <summary>Creates the exception with the reason for the exit.</summary>
    public AgentExitedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and the failure that caused it.</summary>
    public AgentExitedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
