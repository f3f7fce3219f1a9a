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

// Events for the monitors.

/// <summary>A task ran on <see cref="Role"/>/<see cref="Id"/> launched with <see cref="Launched"/> and saw <see cref="SeenData"/>.</summary>
public sealed class TaskObserved(string role, string id, long launched, string? seenData) : MonitorEvent
{
    /// <summary>The volume's role.</summary>
    public string Role { get; } = role;

    /// <summary>The volume's persistence id.</summary>
    public string Id { get; } = id;

    /// <summary>The incarnation the master launched the task on.</summary>
    public long Launched { get; } = launched;

    /// <summary>What the task found in the volume, or null.</summary>
    public string? SeenData { get; } = seenData;
}

/// <summary>
/// The agent is about to remove volume <see cref="Role"/>/<see cref="Id"/> holding <see cref="Data"/>, while the master's
/// view is <see cref="MasterView"/>: the monitor reads the master's view at the removal itself, whatever changed it
/// (operations, registrations, failover), instead of a copy it keeps up to date.
/// </summary>
public sealed class VolumeRemoving(string role, string id, string? data, ResourceSet masterView) : MonitorEvent
{
    /// <summary>The master's view with every incarnation at the moment of the removal.</summary>
    public ResourceSet MasterView { get; } = masterView;

    /// <summary>The volume's role.</summary>
    public string Role { get; } = role;

    /// <summary>The volume's persistence id.</summary>
    public string Id { get; } = id;

    /// <summary>The task data in the directory, or null.</summary>
    public string? Data { get; } = data;
}

/// <summary>A task wrote data of <see cref="Incarnation"/> into <see cref="Role"/>/<see cref="Id"/> and made it durable (it fsyncs it).</summary>
public sealed class TaskDataWritten(string role, string id, long incarnation) : MonitorEvent
{
    /// <summary>The volume's role.</summary>
    public string Role { get; } = role;

    /// <summary>The volume's persistence id.</summary>
    public string Id { get; } = id;

    /// <summary>The incarnation of the data written.</summary>
    public long Incarnation { get; } = incarnation;
}

/// <summary>The agent recovered and registers: its volume directories with their data, and the master's view then.</summary>
public sealed class AgentRecovered(IReadOnlyList<VolumeDirectory> volumes, ResourceSet masterView) : MonitorEvent
{
    /// <summary>The volume directories on disk with the incarnation of their data (0: none).</summary>
    public IReadOnlyList<VolumeDirectory> Volumes { get; } = volumes;

    /// <summary>The master's view with every incarnation.</summary>
    public ResourceSet MasterView { get; } = masterView;
}

/// <summary>
/// A master that failed over adopted the agent's report as its view (<see cref="MasterView"/>) at the agent's
/// registration, replacing the view of the master it took over from (<see cref="OldView"/>); the agent's volume
/// directories then are <see cref="Volumes"/>. While the new master is adopting it has no view of its own, so this is
/// where the monitors learn it, and where the agent's registration is checked.
/// </summary>
public sealed class ViewAdopted(IReadOnlyList<VolumeDirectory> volumes, ResourceSet oldView, ResourceSet masterView) : MonitorEvent
{
    /// <summary>The volume directories on disk with the incarnation of their data (0: none).</summary>
    public IReadOnlyList<VolumeDirectory> Volumes { get; } = volumes;

    /// <summary>The view of the master that failed over, with every incarnation.</summary>
    public ResourceSet OldView { get; } = oldView;

    /// <summary>The adopted view with every incarnation.</summary>
    public ResourceSet MasterView { get; } = masterView;
}

/// <summary>
/// The committed checkpoint after a rename, a crash or a power loss (<see cref="When"/> says which). After a rename it is
/// a set the agent committed (<see cref="Commits"/>); at any other moment it must be one of those.
/// </summary>
public sealed class CheckpointObserved(string when, byte[]? info, bool commits) : MonitorEvent
{
    /// <summary>True when the observation follows a rename: what resources.info holds then was committed by the agent.</summary>
    public bool Commits { get; } = commits;

    /// <summary>The moment of the observation.</summary>
    public string When { get; } = when;

    /// <summary>The bytes of resources.info, or null when absent.</summary>
    public byte[]? Info { get; } = info;
}

/// <summary>The agent's disk at the moment it (re)registers.</summary>
public sealed class RegistrationObserved(DiskObservation disk) : MonitorEvent
{
    /// <summary>The disk.</summary>
    public DiskObservation Disk { get; } = disk;
}

/// <summary>The cluster has converged, or no longer has, since the convergence monitor last heard.</summary>
public sealed class ConvergenceChanged(bool converged) : MonitorEvent
{
    /// <summary>Whether the cluster has converged.</summary>
    public bool Converged { get; } = converged;
}
