using System.Diagnostics.CodeAnalysis;

namespace Harness.Impl.Messaging;

/// <summary>
/// An in-memory transport the harness drives: one FIFO queue per agent. Nothing is delivered on its own: the harness
/// calls <see cref="TryDeliverNext"/> and hands the message to the agent, so every interleaving is its choice.
/// <see cref="Break"/> models a broken link or a dead agent: queued messages are lost, and so is every message sent
/// before the next <see cref="Connect"/> (which the master performs when the agent re-registers).
/// </summary>
public sealed class QueuedTransport : ITransport
{
    private readonly Dictionary<string, Connection> connections = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public void Connect(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        var connection = Get(agentId);
        connection.Lost += connection.Queue.Count;
        connection.Queue.Clear();
        connection.Alive = true;
    }

    /// <inheritdoc/>
    public void Send(string agentId, AgentMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var connection = Get(agentId);
        if (connection.Alive)
        {
            connection.Queue.Enqueue(message);
        }
        else
        {
            connection.Lost++;
        }
    }

    /// <summary>Kills the agent's connection: messages in flight are lost, later sends are lost until <see cref="Connect"/>.</summary>
    public void Break(string agentId)
    {
        var connection = Get(agentId);
        connection.Lost += connection.Queue.Count;
        connection.Queue.Clear();
        connection.Alive = false;
    }

    /// <summary>Takes the oldest message in flight to <paramref name="agentId"/>, if any.</summary>
    public bool TryDeliverNext(string agentId, [NotNullWhen(true)] out AgentMessage? message) =>
        Get(agentId).Queue.TryDequeue(out message);

    /// <summary>The messages in flight to <paramref name="agentId"/>, oldest first (a copy).</summary>
    public IReadOnlyList<AgentMessage> InFlight(string agentId) => Get(agentId).Queue.ToArray();

    /// <summary>How many messages are in flight to <paramref name="agentId"/>.</summary>
    public int InFlightCount(string agentId) => Get(agentId).Queue.Count;

    /// <summary>True while the agent's connection is alive.</summary>
    public bool IsAlive(string agentId) => Get(agentId).Alive;

    /// <summary>How many messages to <paramref name="agentId"/> were lost so far.</summary>
    public int LostCount(string agentId) => Get(agentId).Lost;

    private Connection Get(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        if (!connections.TryGetValue(agentId, out var connection))
        {
            connection = new Connection();
            connections[agentId] = connection;
        }

        return connection;
    }

    private sealed class Connection
    {
        public Queue<AgentMessage> Queue { get; } = new();

        public bool Alive { get; set; }

        public int Lost { get; set; }
    }
}
