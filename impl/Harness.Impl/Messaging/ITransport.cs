namespace Harness.Impl.Messaging;

/// <summary>The master's side of its connections to agents.</summary>
public interface ITransport
{
    /// <summary>Opens a fresh connection to <paramref name="agentId"/>, dropping whatever the previous one still carried.</summary>
    void Connect(string agentId);

    /// <summary>Sends on the agent's connection, after every earlier message; lost if the connection is dead.</summary>
    void Send(string agentId, AgentMessage message);
}
