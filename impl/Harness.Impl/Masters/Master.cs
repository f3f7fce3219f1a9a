using Harness.Impl.Messaging;
using Harness.Impl.Resources;

namespace Harness.Impl.Masters;

/// <summary>
/// The master's side of checkpointed resources. It applies an operation to its own view of the agent at once
/// (speculatively, no acknowledgement) and sends the agent the whole view through the transport. Every accepted CREATE
/// gets a fresh incarnation (1, 2, ... per agent); the master sends it only when built with <c>sendIncarnations</c>
/// (the target-incarnation design) and otherwise sends 0, so the incarnation is a ghost only the harness reads
/// through <see cref="ViewWithIncarnations"/> and <see cref="IncarnationOf"/>.
/// </summary>
/// <remarks>
/// A master can fail over (<see cref="FailOver"/>): the new master keeps only what a master keeps in its durable registry
/// (each agent's capacity and incarnation counter) and rebuilds each agent's view from the set the agent reports when it
/// next registers, as a Mesos master rebuilds checkpointed resources from re-registering agents.
/// </remarks>
public sealed class Master
{
    private readonly ITransport transport;
    private readonly long defaultCapacity;
    private readonly Dictionary<string, RegistryEntry> registry;
    private readonly Dictionary<string, AgentRecord> agents = new(StringComparer.Ordinal);

    /// <summary>Creates a master that gives every agent <paramref name="diskCapacityPerAgent"/> units of disk.</summary>
    public Master(ITransport transport, long diskCapacityPerAgent, bool sendIncarnations)
        : this(transport, diskCapacityPerAgent, sendIncarnations, new Dictionary<string, RegistryEntry>(StringComparer.Ordinal))
    {
    }

    private Master(ITransport transport, long diskCapacityPerAgent, bool sendIncarnations, Dictionary<string, RegistryEntry> registry)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentOutOfRangeException.ThrowIfNegative(diskCapacityPerAgent);
        this.transport = transport;
        defaultCapacity = diskCapacityPerAgent;
        SendsIncarnations = sendIncarnations;
        this.registry = registry;
    }

    /// <summary>
    /// The master process restarts (a failover): returns the new master. It shares the transport, whose connections the
    /// caller drops, and the durable registry; everything else (views, connections, last reports) is lost. Operations for
    /// an agent are dropped until it registers; at that first registration the new master adopts the reported set as its
    /// view. Where messages carry incarnations the reported ones are kept. Where they do not, the ghost incarnation of a
    /// volume the old master held is kept (the registry records it for the harness only, as the ghost it always was) and a
    /// volume the old master did not hold gets a fresh one.
    /// </summary>
    public Master FailOver()
    {
        var next = new Master(transport, defaultCapacity, SendsIncarnations, registry);
        foreach (var (id, entry) in registry)
        {
            next.agents[id] = new AgentRecord(entry) { Adopting = true };
        }

        return next;
    }

    /// <summary>True when the agent has not registered with this master since it failed over, so its view is not yet known.</summary>
    public bool IsAdopting(string agentId) => agents.TryGetValue(agentId, out var agent) && agent.Adopting;

    /// <summary>True when messages carry the incarnations (target-incarnation); otherwise they carry 0.</summary>
    public bool SendsIncarnations { get; }

    /// <summary>
    /// (Re)registration of <paramref name="agentId"/>: marks it connected, opens a fresh connection (dropping what the
    /// old one carried) and sends the master's own view. The master keeps its view; <paramref name="reported"/> is
    /// what the agent recovered, which Mesos only logs. An unknown agent is added with an empty view.
    /// </summary>
    public void Register(string agentId, ResourceSet reported)
    {
        ArgumentNullException.ThrowIfNull(reported);
        var agent = GetOrAdd(agentId);
        if (agent.Adopting)
        {
            agent.View = Adopt(agent, reported);
            agent.Adopting = false;
        }

        agent.Connected = true;
        agent.LastReported = reported;
        transport.Connect(agentId);
        transport.Send(agentId, new CheckpointResourcesMessage(View(agentId)));
    }

    /// <summary>
    /// Declares <paramref name="agentId"/> with its own disk capacity before it first registers (otherwise it gets the
    /// default). Throws when the agent is already known, because a capacity never changes.
    /// </summary>
    public void AddAgent(string agentId, long capacity)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (registry.ContainsKey(agentId))
        {
            throw new InvalidOperationException($"Agent {agentId} is already known");
        }

        var entry = new RegistryEntry(capacity);
        registry[agentId] = entry;
        agents[agentId] = new AgentRecord(entry);
    }

    /// <summary>The master notices the agent's connection is dead; operations for it are dropped until it re-registers.</summary>
    public void NoticeDisconnect(string agentId) => GetOrAdd(agentId).Connected = false;

    /// <summary>True when the master believes <paramref name="agentId"/> connected.</summary>
    public bool IsConnected(string agentId) => agents.TryGetValue(agentId, out var agent) && agent.Connected;

    /// <summary>The view as the master sends it (incarnations stripped unless <see cref="SendsIncarnations"/>).</summary>
    public ResourceSet View(string agentId)
    {
        var view = ViewWithIncarnations(agentId);
        return SendsIncarnations ? view : view.WithoutIncarnations();
    }

    /// <summary>
    /// The view with every volume's incarnation, ghost or not. Before an agent's first registration after a failover this
    /// is the old master's view as the registry's ghost keeps it: the new master has none, and operations are dropped.
    /// </summary>
    public ResourceSet ViewWithIncarnations(string agentId) =>
        agents.TryGetValue(agentId, out var agent) ? (agent.Adopting ? agent.Entry.Ghost : agent.View) : ResourceSet.Empty;

    /// <summary>The incarnation of the master's volume <paramref name="role"/>/<paramref name="id"/>, or null if it holds none.</summary>
    public long? IncarnationOf(string agentId, string role, string id) =>
        ViewWithIncarnations(agentId).FindVolume(role, id)?.Incarnation;

    /// <summary>The set the agent reported at its last registration, or null before the first.</summary>
    public ResourceSet? LastReported(string agentId) =>
        agents.TryGetValue(agentId, out var agent) ? agent.LastReported : null;

    /// <summary>The agent's disk capacity in units.</summary>
    public long Capacity(string agentId) => GetOrAdd(agentId).Capacity;

    /// <summary>
    /// Validates <paramref name="operation"/> against the view of <paramref name="agentId"/>; when valid, applies it and
    /// sends <see cref="CheckpointResourcesMessage"/> with the whole view (lost if the connection is dead).
    /// </summary>
    public OperationResult Apply(string agentId, ResourceOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!IsConnected(agentId))
        {
            return OperationResult.Dropped(agentId);
        }

        var agent = agents[agentId];
        var error = Check(agent, operation);
        if (error is not null)
        {
            return OperationResult.Rejected(error);
        }

        agent.View = operation switch
        {
            ReserveOperation r => agent.View.WithReservationChange(r.Role, r.Amount),
            UnreserveOperation u => agent.View.WithReservationChange(u.Role, -u.Amount),
            CreateOperation c => agent.View.WithVolume(new Volume(c.Role, c.Id, c.Size, ++agent.Entry.LastIncarnation)),
            DestroyOperation d => agent.View.WithoutVolume(agent.View.FindVolume(d.Role, d.Id)!.Value),
            _ => throw new ArgumentException($"Unknown operation {operation}", nameof(operation)),
        };
        transport.Send(agentId, new CheckpointResourcesMessage(View(agentId)));
        return OperationResult.Accepted;
    }

    /// <summary>
    /// Launches a task on the master's current volume <paramref name="role"/>/<paramref name="id"/>: sends
    /// <see cref="RunTaskMessage"/> with the volume's real incarnation (the data the task writes is tagged with it, so a
    /// later task can tell old data from new) on the same ordered connection as checkpoint messages.
    /// </summary>
    public OperationResult LaunchTask(string agentId, string role, string id)
    {
        if (!IsConnected(agentId))
        {
            return OperationResult.Dropped(agentId);
        }

        var volume = agents[agentId].View.FindVolume(role, id);
        if (volume is null)
        {
            return OperationResult.Rejected($"Persistent volumes not found: {role}/{id}");
        }

        transport.Send(agentId, new RunTaskMessage(role, id, volume.Value.Incarnation));
        return OperationResult.Accepted;
    }

    private static string? Check(AgentRecord agent, ResourceOperation operation)
    {
        var nameError = ResourceNames.Check(operation.Role, "role");
        if (nameError is not null)
        {
            return nameError;
        }

        var view = agent.View;
        switch (operation)
        {
            case ReserveOperation r:
                var unreserved = agent.Capacity - view.TotalReserved;
                if (r.Amount <= 0)
                {
                    return $"Invalid RESERVE: the amount must be positive, got {r.Amount}";
                }

                return r.Amount > unreserved
                    ? $"Insufficient unreserved disk: RESERVE {r.Amount} for role '{r.Role}' but only {unreserved} unreserved"
                    : null;

            case UnreserveOperation u:
                if (u.Amount <= 0)
                {
                    return $"Invalid UNRESERVE: the amount must be positive, got {u.Amount}";
                }

                if (u.Amount > view.Reserved(u.Role))
                {
                    return $"Insufficient reserved disk: UNRESERVE {u.Amount} for role '{u.Role}' but only {view.Reserved(u.Role)} reserved";
                }

                return u.Amount > view.FreeReserved(u.Role)
                    ? $"Volume must be destroyed before unreserving: role '{u.Role}' has {view.FreeReserved(u.Role)} reserved units not used by volumes"
                    : null;

            case CreateOperation c:
                var idError = ResourceNames.Check(c.Id, "persistence id");
                if (idError is not null)
                {
                    return idError;
                }

                if (c.Size <= 0)
                {
                    return $"Invalid CREATE: the size must be positive, got {c.Size}";
                }

                if (view.FindVolume(c.Role, c.Id) is not null)
                {
                    return $"Persistence ID is not unique: {c.Role}/{c.Id}";
                }

                return c.Size > view.FreeReserved(c.Role)
                    ? $"Insufficient reserved disk: CREATE {c.Role}/{c.Id} needs {c.Size} but role '{c.Role}' has {view.FreeReserved(c.Role)} free reserved units"
                    : null;

            case DestroyOperation d:
                return ResourceNames.Check(d.Id, "persistence id")
                    ?? (view.FindVolume(d.Role, d.Id) is null ? $"Persistent volumes not found: {d.Role}/{d.Id}" : null);

            default:
                return $"Unknown operation {operation}";
        }
    }

    private ResourceSet Adopt(AgentRecord agent, ResourceSet reported)
    {
        if (SendsIncarnations)
        {
            return reported;
        }

        var ghost = agent.Entry.Ghost;
        var volumes = reported.Volumes.Select(v =>
            v with { Incarnation = ghost.FindVolume(v.Role, v.Id)?.Incarnation ?? ++agent.Entry.LastIncarnation });
        return reported.WithVolumes([.. volumes]);
    }

    private AgentRecord GetOrAdd(string agentId)
    {
        ArgumentNullException.ThrowIfNull(agentId);
        if (!agents.TryGetValue(agentId, out var agent))
        {
            if (!registry.TryGetValue(agentId, out var entry))
            {
                entry = new RegistryEntry(defaultCapacity);
                registry[agentId] = entry;
            }

            agent = new AgentRecord(entry);
            agents[agentId] = agent;
        }

        return agent;
    }

    // What survives a failover: what a master keeps in its durable registry, plus the ghost of the last view for the
    // designs whose messages carry no incarnations (read by the harness and by adoption only, never validated against).
    private sealed class RegistryEntry(long capacity)
    {
        public long Capacity { get; } = capacity;

        public long LastIncarnation { get; set; }

        public ResourceSet Ghost { get; set; } = ResourceSet.Empty;
    }

    private sealed class AgentRecord(RegistryEntry entry)
    {
        private ResourceSet view = ResourceSet.Empty;

        public RegistryEntry Entry { get; } = entry;

        public long Capacity => Entry.Capacity;

        public ResourceSet View
        {
            get => view;
            set
            {
                view = value;
                Entry.Ghost = value;
            }
        }

        public bool Connected { get; set; }

        public bool Adopting { get; set; }

        public ResourceSet? LastReported { get; set; }
    }
}
