using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Harness.Model;

namespace Harness.Checking;

/// <summary>
/// What one agent looks like, in the model's vocabulary and by names: the abstraction under which the model and the
/// implementation must agree after every scenario line. Sets are written by <see cref="SetText"/>; what the agent side
/// holds (messages, memory, files) carries incarnations only in target-incarnation, where they exist for the agent.
/// </summary>
/// <param name="Agent">The agent's name, <c>a1</c>, <c>a2</c>, ...</param>
/// <param name="MasterView">The master's view with every incarnation, ghost or not.</param>
/// <param name="MasterConnected">Whether the master believes the agent connected.</param>
/// <param name="InFlight">The checkpoint messages in flight to the agent, oldest first.</param>
/// <param name="Status">The agent process: down, connected, disconnected or stuck.</param>
/// <param name="Memory">The agent's in-memory set while it is up; null otherwise.</param>
/// <param name="Info"><c>resources.info</c> read back from disk: <c>absent</c>, <c>unparseable</c> or a set.</param>
/// <param name="Target"><c>resources.target</c> read back from disk, in the same terms.</param>
/// <param name="Volumes">The volume directories that exist, each <c>role/id:i</c> with i the incarnation of the task data inside (0: none).</param>
public sealed record AgentObservation(
    string Agent,
    string MasterView,
    bool MasterConnected,
    ImmutableArray<string> InFlight,
    AgentStatus Status,
    string? Memory,
    string Info,
    string Target,
    ImmutableArray<string> Volumes)
{
    /// <summary>What a checkpoint file that exists but does not parse reads as.</summary>
    public const string Unparseable = "unparseable";

    /// <summary>What a missing checkpoint file reads as.</summary>
    public const string Absent = "absent";

    /// <summary>One line per field, for printing two observations side by side.</summary>
    public IReadOnlyList<(string Field, string Value)> Fields() =>
    [
        ("master view", MasterView),
        ("master believes connected", MasterConnected ? "yes" : "no"),
        ("in flight", "[" + string.Join(", ", InFlight) + "]"),
        ("status", Status.ToString().ToLowerInvariant()),
        ("memory", Memory ?? "-"),
        ("resources.info", Info),
        ("resources.target", Target),
        ("volume directories", "{" + string.Join(' ', Volumes) + "}"),
    ];

    /// <inheritdoc/>
    public bool Equals(AgentObservation? other) =>
        other is not null && Agent == other.Agent && MasterView == other.MasterView && MasterConnected == other.MasterConnected &&
        InFlight.SequenceEqual(other.InFlight) && Status == other.Status && Memory == other.Memory && Info == other.Info &&
        Target == other.Target && Volumes.SequenceEqual(other.Volumes);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Agent, MasterView, Status, Memory, Info, Target);
}

/// <summary>Every agent's <see cref="AgentObservation"/>: one comparable picture of the whole system.</summary>
public sealed record Observation(ImmutableArray<AgentObservation> Agents)
{
    /// <summary>Observes the model's state, by the names of its scenario.</summary>
    public static Observation OfModel(Semantics semantics, in ModelState s)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        var l = semantics.Layout;
        var agentIncarnations = semantics.Design.UsesIncarnations();
        var agents = ImmutableArray.CreateBuilder<AgentObservation>();
        for (var a = 0; a < l.Agents; a++)
        {
            var status = (AgentStatus)s.GetInt(l.Status[a]);
            var inFlight = new List<string>();
            for (var i = 0; i < s.GetInt(l.ChannelLength[a]); i++)
            {
                inFlight.Add(SetText.Of(semantics, s.Get(l.Channel[a, i]), agentIncarnations));
            }

            var volumes = new List<string>();
            for (var slot = 0; slot < l.Slots; slot++)
            {
                if (s.GetBool(l.DirNow[a, slot]))
                {
                    volumes.Add(VolumeEntry(semantics.Names.Role(l.RoleOf(slot)), semantics.Names.Id(slot), s.GetInt(l.DataNow[a, slot])));
                }
            }

            agents.Add(new AgentObservation(
                AgentName(a),
                SetText.Of(semantics, s.Get(l.MasterView[a]), incarnations: true),
                s.GetBool(l.MasterConnected[a]),
                [.. inFlight],
                status,
                status is AgentStatus.Connected or AgentStatus.Disconnected ? SetText.Of(semantics, s.Get(l.Memory[a]), agentIncarnations) : null,
                File(semantics, s.GetFile(l.Info[a, 0]), agentIncarnations),
                File(semantics, s.GetFile(l.Target[a, 0]), agentIncarnations),
                [.. volumes.Order(StringComparer.Ordinal)]));
        }

        return new Observation(agents.ToImmutable());
    }

    /// <summary>The name of agent number <paramref name="index"/> (0-based): <c>a1</c>, <c>a2</c>, ...</summary>
    public static string AgentName(int index) => string.Create(CultureInfo.InvariantCulture, $"a{index + 1}");

    /// <summary>A volume directory entry: <c>role/id:incarnation</c>.</summary>
    public static string VolumeEntry(string role, string id, long dataIncarnation) =>
        string.Create(CultureInfo.InvariantCulture, $"{role}/{id}:{dataIncarnation}");

    /// <summary>The fields in which <paramref name="other"/> differs, each as "agent field: left X, right Y".</summary>
    public IReadOnlyList<string> Diff(Observation other, string left = "model", string right = "impl")
    {
        ArgumentNullException.ThrowIfNull(other);
        var lines = new List<string>();
        if (Agents.Length != other.Agents.Length)
        {
            lines.Add($"agents: {left} {Agents.Length}, {right} {other.Agents.Length}");
            return lines;
        }

        for (var i = 0; i < Agents.Length; i++)
        {
            var mine = Agents[i].Fields();
            var theirs = other.Agents[i].Fields();
            for (var f = 0; f < mine.Count; f++)
            {
                if (mine[f].Value != theirs[f].Value)
                {
                    lines.Add($"{Agents[i].Agent} {mine[f].Field}: {left} {mine[f].Value}, {right} {theirs[f].Value}");
                }
            }
        }

        return lines;
    }

    /// <summary>Two observations side by side, one field a line, differing lines marked with '!'.</summary>
    public IReadOnlyList<string> SideBySide(Observation other, string left = "model", string right = "impl")
    {
        ArgumentNullException.ThrowIfNull(other);
        var lines = new List<string> { $"  {"",-30} {left,-36} {right}" };
        foreach (var (mine, theirs) in Agents.Zip(other.Agents))
        {
            foreach (var (a, b) in mine.Fields().Zip(theirs.Fields()))
            {
                var mark = a.Value == b.Value ? ' ' : '!';
                lines.Add($"{mark} {mine.Agent + " " + a.Field,-30} {a.Value,-36} {b.Value}");
            }
        }

        return lines;
    }

    /// <inheritdoc/>
    public bool Equals(Observation? other) => other is not null && Agents.SequenceEqual(other.Agents);

    /// <inheritdoc/>
    public override int GetHashCode() => Agents.Length;

    /// <inheritdoc/>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var agent in Agents)
        {
            sb.Append(agent.Agent).Append(": ").AppendJoin("; ", agent.Fields().Select(f => $"{f.Field} {f.Value}")).Append('\n');
        }

        return sb.ToString();
    }

    private static string File(Semantics semantics, FileContent content, bool incarnations) => content.Kind switch
    {
        FileKind.Absent => AgentObservation.Absent,
        FileKind.Empty => AgentObservation.Unparseable,
        _ => SetText.Of(semantics, content.Set, incarnations),
    };
}
