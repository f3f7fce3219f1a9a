using System.Globalization;
using Harness.Impl.Resources;

namespace Harness.Impl.Messaging;

/// <summary>A message from the master to an agent; messages to one agent travel in order on one connection.</summary>
public abstract record AgentMessage;

/// <summary>The master's whole view of the agent's checkpointed resources (not a delta).</summary>
public sealed record CheckpointResourcesMessage(ResourceSet Resources) : AgentMessage
{
    /// <inheritdoc/>
    public override string ToString() => $"CheckpointResources{Resources}";
}

/// <summary>Launch a task that uses volume <paramref name="Role"/>/<paramref name="Id"/>, writing data of <paramref name="Incarnation"/>.</summary>
public sealed record RunTaskMessage(string Role, string Id, long Incarnation) : AgentMessage
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RunTask({Role}/{Id}#{Incarnation})");
}
