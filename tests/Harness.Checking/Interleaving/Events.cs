using Harness.Impl.Masters;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Microsoft.Coyote.Actors;
using MonitorEvent = Microsoft.Coyote.Specifications.Monitor.Event;

namespace Harness.Checking.Interleaving;

// Events between the actors. They are classes rather than records because Coyote's Event is a class.

/// <summary>Hands an actor the cluster it belongs to and the actors it talks to.</summary>
public class ActorSetup(Cluster cluster) : Event
{
    /// <summary>The shared cluster.</summary>
    public Cluster Cluster { get; } = cluster;
}

/// <summary>A framework asks the master to apply <see cref="Operation"/> to an agent.</summary>
public sealed class OperationRequest(ActorId framework, ResourceOperation operation) : Event
{
    /// <summary>Who gets the <see cref="OperationDone"/> reply.</summary>
    public ActorId Framework { get; } = framework;

    /// <summary>The operation.</summary>
    public ResourceOperation Operation { get; } = operation;
}

/// <summary>A framework asks the master to launch a task on volume <see cref="Role"/>/<see cref="Id"/>.</summary>
public sealed class TaskRequest(ActorId framework, string role, string id) : Event
{
    /// <summary>Who gets the <see cref="OperationDone"/> reply.</summary>
    public ActorId Framework { get; } = framework;

    /// <summary>The volume's role.</summary>
    public string Role { get; } = role;

    /// <summary>The volume's persistence id.</summary>
    public string Id { get; } = id;
}

/// <summary>The master's answer to a framework, with the volumes it now holds (a framework learns them from offers in Mesos).</summary>
public sealed class OperationDone(OperationResult result, ResourceSet view) : Event
{
    /// <summary>What the master did.</summary>
    public OperationResult Result { get; } = result;

    /// <summary>The master's view after the operation.</summary>
    public ResourceSet View { get; } = view;
}

/// <summary>The master offers the agent's resources: a framework starts acting on its first offer.</summary>
public sealed class ResourcesOffered(ResourceSet view) : Event
{
    /// <summary>The master's view.</summary>
    public ResourceSet View { get; } = view;
}

/// <summary>The agent (re)registers over connection <see cref="Epoch"/> with the set it recovered.</summary>
public sealed class RegisterAgent(ResourceSet reported, int epoch) : Event
{
    /// <summary>The agent's set.</summary>
    public ResourceSet Reported { get; } = reported;

    /// <summary>The agent's connection number; a registration of an older connection is stale.</summary>
    public int Epoch { get; } = epoch;
}

/// <summary>The master accepted the registration of connection <see cref="Epoch"/>.</summary>
public sealed class AgentRegistered(int epoch) : Event
{
    /// <summary>The registered connection.</summary>
    public int Epoch { get; } = epoch;
}

/// <summary>The master notices that the agent's connection is dead.</summary>
public sealed class NoticeDisconnect : Event;

/// <summary>The connection has a message for the agent to take.</summary>
public sealed class Pump : Event;

/// <summary>The agent process starts (again) from its disk.</summary>
public sealed class RestartAgent : Event;

/// <summary>The agent re-registers after connection <see cref="Epoch"/> replaced a broken one.</summary>
public sealed class ReconnectAgent(int epoch) : Event
{
    /// <summary>The connection to register.</summary>
    public int Epoch { get; } = epoch;
}

/// <summary>The fault injector crashes the agent now, with a power loss of <see cref="Mode"/> when <see cref="PowerLoss"/>.</summary>
public sealed class InjectCrash(bool powerLoss, PowerLossMode mode) : Event
{
    /// <summary>True for a power loss.</summary>
    public bool PowerLoss { get; } = powerLoss;

    /// <summary>What the power loss keeps.</summary>
    public PowerLossMode Mode { get; } = mode;
}

/// <summary>The fault injector breaks the agent's connection.</summary>
public sealed class InjectBreakLink : Event;

/// <summary>The fault injector fails the master over.</summary>
public sealed class InjectFailover : Event;

/// <summary>An actor's own "keep going" signal.</summary>
public sealed class Tick : Event;

// The event for the convergence monitor.

/// <summary>The cluster has converged, or no longer has, since the convergence monitor last heard.</summary>
public sealed class ConvergenceChanged(bool converged) : MonitorEvent
{
    /// <summary>Whether the cluster has converged.</summary>
    public bool Converged { get; } = converged;
}
