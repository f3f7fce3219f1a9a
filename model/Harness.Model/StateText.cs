using System.Text;

namespace Harness.Model;

/// <summary>A model state as the few lines a person reads after each replayed step.</summary>
public static class StateText
{
    /// <summary>Describes every agent of the state: the master's view, what is in flight, the agent and its disk.</summary>
    public static IReadOnlyList<string> Describe(Semantics semantics, in ModelState s)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        var l = semantics.Layout;
        var lines = new List<string>();
        for (var a = 0; a < l.Agents; a++)
        {
            var prefix = l.Agents > 1 ? $"a{a + 1} " : string.Empty;
            var view = s.Get(l.MasterView[a]);
            var inFlight = new List<string>();
            for (var i = 0; i < s.GetInt(l.ChannelLength[a]); i++)
            {
                inFlight.Add(semantics.Format(s.Get(l.Channel[a, i])));
            }

            var masterView = FormatGhost(semantics, view);
            lines.Add($"{prefix}master: view {masterView}, agent {(s.GetBool(l.MasterConnected[a]) ? "connected" : "disconnected")}; in flight: [{string.Join(", ", inFlight)}]");
            var status = (AgentStatus)s.GetInt(l.Status[a]);
            var memory = status is AgentStatus.Connected or AgentStatus.Disconnected ? semantics.Format(s.Get(l.Memory[a])) : "-";
            lines.Add($"{prefix}agent:  {status.ToString().ToLowerInvariant()}, memory {memory}");
            var volumes = new StringBuilder();
            for (var slot = 0; slot < l.Slots; slot++)
            {
                if (s.GetBool(l.DirNow[a, slot]))
                {
                    var data = s.GetInt(l.DataNow[a, slot]);
                    volumes.Append(volumes.Length > 0 ? ", " : string.Empty)
                        .Append(semantics.Names.Volume(slot))
                        .Append(data == 0 ? " (empty)" : $" (data of incarnation {data})");
                }
            }

            lines.Add($"{prefix}disk:   info {semantics.Format(s.GetFile(l.Info[a, 0]))}, target {semantics.Format(s.GetFile(l.Target[a, 0]))}, volumes [{volumes}]");
        }

        return lines;
    }

    private static string FormatGhost(Semantics semantics, ulong view)
    {
        // The master's view always shows incarnations: in the Mesos designs they are ghosts only the harness sees.
        var l = semantics.Layout;
        var sb = new StringBuilder("{");
        for (var r = 0; r < l.Roles; r++)
        {
            var res = l.Reserved(view, r);
            if (res != 0)
            {
                sb.Append(sb.Length > 1 ? " " : string.Empty).Append(semantics.Names.Role(r)).Append(':').Append(res);
            }
        }

        for (var slot = 0; slot < l.Slots; slot++)
        {
            var inc = l.Inc(view, slot);
            if (inc != 0)
            {
                sb.Append(sb.Length > 1 ? " " : string.Empty).Append(semantics.Names.Volume(slot)).Append('@').Append(inc);
            }
        }

        return sb.Append('}').ToString();
    }
}
