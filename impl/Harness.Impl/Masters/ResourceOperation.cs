using System.Globalization;

namespace Harness.Impl.Masters;

/// <summary>An operation a framework asks the master to apply to an agent's checkpointed resources.</summary>
public abstract record ResourceOperation(string Role);

/// <summary>RESERVE: <paramref name="Amount"/> unreserved units become reserved for <paramref name="Role"/>.</summary>
public sealed record ReserveOperation(string Role, long Amount) : ResourceOperation(Role)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RESERVE {Role} {Amount}");
}

/// <summary>UNRESERVE: <paramref name="Amount"/> reserved units of <paramref name="Role"/>, not used by volumes, become unreserved.</summary>
public sealed record UnreserveOperation(string Role, long Amount) : ResourceOperation(Role)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"UNRESERVE {Role} {Amount}");
}

/// <summary>CREATE: a persistent volume <paramref name="Role"/>/<paramref name="Id"/> of <paramref name="Size"/> reserved units.</summary>
public sealed record CreateOperation(string Role, string Id, long Size) : ResourceOperation(Role)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"CREATE {Role}/{Id} {Size}");
}

/// <summary>DESTROY: the persistent volume <paramref name="Role"/>/<paramref name="Id"/>.</summary>
public sealed record DestroyOperation(string Role, string Id) : ResourceOperation(Role)
{
    /// <inheritdoc/>
    public override string ToString() => $"DESTROY {Role}/{Id}";
}

/// <summary>What the master did with an operation or a task launch.</summary>
public enum OperationStatus
{
    /// <summary>Applied to the view and sent to the agent.</summary>
    Accepted = 0,

    /// <summary>Invalid; nothing changed.</summary>
    Rejected = 1,

    /// <summary>The master believes the agent disconnected; nothing changed.</summary>
    Dropped = 2,
}

/// <summary>The outcome of <see cref="Master.Apply"/> or <see cref="Master.LaunchTask"/>, with the reason when not accepted.</summary>
public readonly record struct OperationResult(OperationStatus Status, string? Error)
{
    /// <summary>The operation was applied.</summary>
    public static OperationResult Accepted { get; } = new(OperationStatus.Accepted, null);

    /// <summary>True when the operation was applied.</summary>
    public bool IsAccepted => Status == OperationStatus.Accepted;

    /// <summary>An invalid operation.</summary>
    public static OperationResult Rejected(string error) => new(OperationStatus.Rejected, error);

    /// <summary>An operation for an agent believed disconnected.</summary>
    public static OperationResult Dropped(string agentId) => new(OperationStatus.Dropped, $"Agent {agentId} is not connected: operation dropped");
}
