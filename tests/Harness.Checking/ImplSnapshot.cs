using System.Collections.Immutable;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Model;

namespace Harness.Checking;

/// <summary>What a checkpoint file read back from disk holds.</summary>
public enum CheckpointReadKind
{
    /// <summary>The file does not exist.</summary>
    Absent = 0,

    /// <summary>The file exists but the agent's codec refuses it.</summary>
    Unparseable = 1,

    /// <summary>The file decodes to a set.</summary>
    Set = 2,
}

/// <summary>A checkpoint file as read back from disk: absent, unparseable, or the set it decodes to.</summary>
/// <param name="Kind">What the file holds.</param>
/// <param name="Set">The decoded set when <paramref name="Kind"/> is <see cref="CheckpointReadKind.Set"/>; otherwise null.</param>
public readonly record struct CheckpointRead(CheckpointReadKind Kind, ResourceSet? Set)
{
    /// <summary>A missing file.</summary>
    public static CheckpointRead Absent => default;

    /// <summary>A file the codec refuses.</summary>
    public static CheckpointRead Unparseable => new(CheckpointReadKind.Unparseable, null);

    /// <summary>A file that decodes to <paramref name="set"/>.</summary>
    public static CheckpointRead Of(ResourceSet set) => new(CheckpointReadKind.Set, set);

    /// <summary>The observation's text: <c>absent</c>, <c>unparseable</c> or the set (see <see cref="SetText"/>).</summary>
    public string Text(bool incarnations) => Kind switch
    {
        CheckpointReadKind.Absent => AgentObservation.Absent,
        CheckpointReadKind.Unparseable => AgentObservation.Unparseable,
        _ => SetText.Of(Set!, incarnations),
    };

    /// <summary>Whether two reads have the same text (what <see cref="Observation"/> compares), without writing it when they plainly agree.</summary>
    public bool SameText(CheckpointRead other, bool incarnations) =>
        Kind == other.Kind && (Kind != CheckpointReadKind.Set || SetText.SameText(Set!, other.Set!, incarnations));
}

/// <summary>A volume directory that exists on an agent's disk, with the incarnation of the task data inside (0: none).</summary>
public readonly record struct VolumeDirectory(string Role, string Id, long Data);

/// <summary>
/// One agent of the implementation as captured after a line, held structurally: the immutable sets themselves (the
/// master's view, the messages in flight, the agent's memory, the checkpoint files as read back and decoded) and the
/// volume directories found on disk. <see cref="ToObservation"/> writes it in the <see cref="AgentObservation"/> text.
/// </summary>
public sealed class ImplAgentSnapshot
{
    internal ImplAgentSnapshot(
        string agent, ResourceSet masterView, bool masterConnected, IReadOnlyList<AgentMessage> inFlight, AgentStatus status,
        ResourceSet? memory, CheckpointRead info, CheckpointRead target, VolumeDirectory[] volumes)
    {
        Agent = agent;
        MasterView = masterView;
        MasterConnected = masterConnected;
        InFlight = inFlight;
        Status = status;
        Memory = memory;
        Info = info;
        Target = target;
        Volumes = volumes;
    }

    /// <summary>The agent's name.</summary>
    public string Agent { get; }

    /// <summary>The master's view with every incarnation.</summary>
    public ResourceSet MasterView { get; }

    /// <summary>Whether the master believes the agent connected.</summary>
    public bool MasterConnected { get; }

    /// <summary>The messages in flight to the agent, oldest first.</summary>
    public IReadOnlyList<AgentMessage> InFlight { get; }

    /// <summary>The process status the driver tracks.</summary>
    public AgentStatus Status { get; }

    /// <summary>The agent's in-memory set while it is up; null otherwise.</summary>
    public ResourceSet? Memory { get; }

    /// <summary><c>resources.info</c> as read back from disk.</summary>
    public CheckpointRead Info { get; }

    /// <summary><c>resources.target</c> as read back from disk.</summary>
    public CheckpointRead Target { get; }

    /// <summary>The volume directories on disk, in listing order.</summary>
    public IReadOnlyList<VolumeDirectory> Volumes { get; }

    /// <summary>The agent in the observation's text, with agent-side sets carrying incarnations when <paramref name="incarnations"/>.</summary>
    public AgentObservation ToObservation(bool incarnations)
    {
        var inFlight = ImmutableArray.CreateBuilder<string>(InFlight.Count);
        foreach (var m in InFlight)
        {
            inFlight.Add(m is CheckpointResourcesMessage c ? SetText.Of(c.Resources, incarnations) : m.ToString());
        }

        var volumes = new string[Volumes.Count];
        for (var i = 0; i < volumes.Length; i++)
        {
            volumes[i] = Observation.VolumeEntry(Volumes[i].Role, Volumes[i].Id, Volumes[i].Data);
        }

        Array.Sort(volumes, StringComparer.Ordinal);
        return new AgentObservation(
            Agent,
            SetText.Of(MasterView, incarnations: true),
            MasterConnected,
            inFlight.MoveToImmutable(),
            Status,
            Memory is null ? null : SetText.Of(Memory, incarnations),
            Info.Text(incarnations),
            Target.Text(incarnations),
            [.. volumes]);
    }
}

/// <summary>
/// The whole implementation as captured after a line (see <see cref="ImplAgentSnapshot"/>). Capturing holds references to
/// immutable sets and writes no text; <see cref="ToObservation"/> writes the <see cref="Observation"/> when asked, the
/// same text the implementation's state gave at capture time.
/// </summary>
public sealed class ImplSnapshot
{
    private Observation? observation;

    internal ImplSnapshot(ImplAgentSnapshot[] agents, bool agentIncarnations)
    {
        Agents = agents;
        AgentIncarnations = agentIncarnations;
    }

    /// <summary>Every agent, in scenario order.</summary>
    public IReadOnlyList<ImplAgentSnapshot> Agents { get; }

    /// <summary>Whether what the agent side holds is written with incarnations (target-incarnation).</summary>
    public bool AgentIncarnations { get; }

    /// <summary>The snapshot as an <see cref="Observation"/> (written once, then remembered).</summary>
    public Observation ToObservation()
    {
        if (observation is null)
        {
            var agents = ImmutableArray.CreateBuilder<AgentObservation>(Agents.Count);
            foreach (var agent in Agents)
            {
                agents.Add(agent.ToObservation(AgentIncarnations));
            }

            observation = new Observation(agents.MoveToImmutable());
        }

        return observation;
    }
}
