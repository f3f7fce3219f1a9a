using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>The operations the walk adds that the master must refuse.</summary>
public static partial class ScenarioGenerator
{
    /// <summary>One walk step in this many (on average) is preceded by an operation the master must refuse.</summary>
    private const uint RejectedOneIn = 8;

    /// <summary>Role and id pairs of which at least one breaks the name rule, as a <c>send-agent</c> line can write them.</summary>
    private static readonly (string Role, string Id)[] HostileNames =
        [("..", "v1"), ("r1", ".."), (".", "v1"), ("r1", "."), ("r1", "v1/.."), ("..", "..")];

    /// <summary>The largest size a refused line asks for.</summary>
    private const int MaxRefusedSize = 1;

    /// <summary>
    /// With a small chance drawn from <paramref name="draw"/>, an operation line the model's master refuses in state
    /// <paramref name="s"/> without any state change, so the walk needs no model action for it: an operation for an agent
    /// the master believes disconnected (dropped), a DESTROY of a volume it does not hold, a CREATE of an id it holds, an
    /// UNRESERVE of disk that volumes use, a CREATE larger than what its role has free, a RESERVE beyond what is still
    /// unreserved, or a <c>send-agent</c> line with a hostile name that a running agent must refuse. Otherwise null.
    /// Damaged checkpoints are left out: the agent refuses them and stays down by design, so every sequence with one would
    /// read as a convergence violation on every design. A refused line uses one operation of the walk's budget in
    /// <paramref name="s"/>.
    /// </summary>
    public static ScenarioCommand? RejectedLine(Semantics semantics, ref ModelState s, int draw, int line)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        // A multiplicative hash spreads the draw's bits, so this choice is independent of the action the draw also picks.
        var roll = unchecked((uint)draw * 2654435761u);
        var l = semantics.Layout;
        var opsLeft = s.GetInt(l.OpsLeft);
        if ((roll >> 16) % RejectedOneIn != 0 || opsLeft == 0)
        {
            return null;
        }

        // A refused line counts as an operation in the replay's bounds (and each operation widens its model's state), so it
        // takes one from the walk's budget of operations.
        s.Set(l.OpsLeft, (ulong)(opsLeft - 1));
        var candidates = new List<ScenarioCommand>();
        var names = semantics.Names;
        for (var a = 0; a < l.Agents; a++)
        {
            var view = s.Get(l.MasterView[a]);
            if ((AgentStatus)s.GetInt(l.Status[a]) is AgentStatus.Connected or AgentStatus.Disconnected)
            {
                // A message with a hostile name straight to a running agent, bypassing the master: the agent must refuse it
                // before any I/O (confinement). The name is picked by other bits of the roll than the candidate.
                var (role, id) = HostileNames[(int)((roll >> 8) % (uint)HostileNames.Length)];
                candidates.Add(new ScenarioCommand(line, CommandKind.SendAgent, a, role, id, SendsTask: false));
                candidates.Add(new ScenarioCommand(line, CommandKind.SendAgent, a, role, id, SendsTask: true));
            }

            if (!s.GetBool(l.MasterConnected[a]))
            {
                // The master drops any operation for an agent it believes disconnected, valid or not.
                for (var slot = 0; slot < l.Slots; slot++)
                {
                    var role = names.Role(l.RoleOf(slot));
                    candidates.Add(l.Inc(view, slot) != 0
                        ? new ScenarioCommand(line, CommandKind.Destroy, a, role, names.Id(slot))
                        : new ScenarioCommand(line, CommandKind.Create, a, role, names.Id(slot)));
                }

                candidates.Add(new ScenarioCommand(line, CommandKind.Reserve, a, names.Role(0)));
                continue;
            }

            var reserved = 0;
            for (var r = 0; r < l.Roles; r++)
            {
                reserved += l.Reserved(view, r);
            }

            if (reserved > 0)
            {
                // A RESERVE within the disk but beyond what earlier reservations left unreserved, sized against the replay's
                // capacity (the walk's model has less): a master that checks against the whole disk accepts it.
                candidates.Add(new ScenarioCommand(line, CommandKind.Reserve, a, names.Role(0), Size: ModelRunner.ScenarioCapacity - reserved + 1));
            }

            for (var r = 0; r < l.Roles; r++)
            {
                var used = 0;
                for (var i = 0; i < l.IdsPerRole; i++)
                {
                    var slot = (r * l.IdsPerRole) + i;
                    used += l.Inc(view, slot) != 0 ? s.GetInt(l.VolumeSize[a, slot]) : 0;
                }

                var free = l.Reserved(view, r) - used;
                // Sizes stay at most MaxRefusedSize: a scenario's largest size widens every size field of the replay's model.
                if (used > 0 && free + 1 <= MaxRefusedSize)
                {
                    candidates.Add(new ScenarioCommand(line, CommandKind.Unreserve, a, names.Role(r), Size: free + 1));
                }

                for (var i = 0; i < l.IdsPerRole; i++)
                {
                    var slot = (r * l.IdsPerRole) + i;
                    if (l.Inc(view, slot) != 0)
                    {
                        candidates.Add(new ScenarioCommand(line, CommandKind.Create, a, names.Role(r), names.Id(slot)));
                    }
                    else
                    {
                        candidates.Add(new ScenarioCommand(line, CommandKind.Destroy, a, names.Role(r), names.Id(slot)));
                        if (free + 1 <= MaxRefusedSize)
                        {
                            candidates.Add(new ScenarioCommand(line, CommandKind.Create, a, names.Role(r), names.Id(slot), free + 1));
                        }
                    }
                }
            }
        }

        return candidates[(int)((roll & 0xFFFF) % (uint)candidates.Count)];
    }

    /// <summary>
    /// The walk's lines when the replay's model can hold them, otherwise the lines without the refused ones (at
    /// <paramref name="refused"/>): every operation line widens the replay model's connections, and with two agents a long
    /// walk plus refused lines can need more state than the model supports.
    /// </summary>
    private static Scenario FitRefused(List<ScenarioCommand> lines, List<int> refused)
    {
        var scenario = new Scenario(lines, "generated");
        if (refused.Count == 0)
        {
            return scenario;
        }

        try
        {
            _ = new Layout(ModelRunner.Dimension(scenario).Bounds);
            return scenario;
        }
        catch (ArgumentOutOfRangeException)
        {
            var kept = new List<ScenarioCommand>();
            for (var i = 0; i < lines.Count; i++)
            {
                if (!refused.Contains(i))
                {
                    kept.Add(lines[i] with { Line = kept.Count + 1 });
                }
            }

            return new Scenario(kept, "generated");
        }
    }
}
