using System.Text;

namespace Harness.Model;

/// <summary>
/// The transition rules of the reference model (docs/semantics.md) for one design and one layout:
/// which actions are enabled in a state, and what each one does. Apply mutates a copy the caller owns,
/// so a transition is a pure function from the old state to the new one. Property checks that belong
/// to a moment (a task start, a removal, a registration, a write) happen inside the transition and are
/// returned as a mask of <see cref="PropertyId"/> bits.
/// </summary>
public sealed partial class Semantics
{
    /// <summary>Room for every I/O step one delivery or recovery can take.</summary>
    public const int MaxSteps = 32;

    private readonly Layout _l;
    private readonly bool _durable;
    private readonly bool _incarnations;
    private readonly bool _target;

    /// <summary>Creates the rules for a design.</summary>
    public Semantics(Design design, Layout layout, Names? names = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Design = design;
        _l = layout;
        Names = names ?? Names.Default(layout.Roles, layout.IdsPerRole);
        _durable = design.UsesIncarnations();
        _incarnations = design.UsesIncarnations();
        _target = design.UsesTarget();
    }

    /// <summary>The design whose rules these are.</summary>
    public Design Design { get; }

    /// <summary>
    /// Transitions <see cref="Enumerate"/> leaves out because others cover them (see <see cref="Reductions"/>);
    /// none by default. The scenario runner never uses them: a user may write any action.
    /// </summary>
    public Reductions Reductions { get; init; }

    /// <summary>
    /// Test-only: deliberately wrong rules, so that tests can show what catches a mistake the model shares with the
    /// implementation. Never set outside tests.
    /// </summary>
    public ModelMistakes MistakesForTesting { get; init; }

    /// <summary>The layout of the states.</summary>
    public Layout Layout => _l;

    /// <summary>The names used in narration.</summary>
    public Names Names { get; }

    /// <summary>The start: every agent up and connected with nothing on disk, all budgets full.</summary>
    public ModelState Initial()
    {
        var s = default(ModelState);
        var b = _l.Bounds;
        s.Set(_l.OpsLeft, (ulong)b.Operations);
        s.Set(_l.IoLeft, (ulong)b.IoErrors);
        s.Set(_l.CrashLeft, (ulong)b.Crashes);
        s.Set(_l.PowerLeft, (ulong)b.PowerLosses);
        s.Set(_l.LinkLeft, (ulong)b.LinkBreaks);
        s.Set(_l.FailoverLeft, (ulong)b.Failovers);
        for (var a = 0; a < _l.Agents; a++)
        {
            s.Set(_l.Status[a], (ulong)AgentStatus.Connected);
            s.SetBool(_l.MasterConnected[a], true);
        }

        Normalize(ref s);
        return s;
    }

    /// <summary>The master's incarnation of a slot on an agent (0: it holds no such volume).</summary>
    public int MasterInc(in ModelState s, int a, int slot) => _l.Inc(s.Get(_l.MasterView[a]), slot);

    /// <summary>The master's view as this design's agent sees it in messages.</summary>
    public ulong AgentView(ulong masterView) => _incarnations ? masterView : _l.Strip(masterView);

    /// <summary>
    /// Whether every agent is converged: up and connected, nothing in flight, master view equal to the
    /// agent's memory and committed checkpoint, directories equal to the master's volumes, no target file.
    /// </summary>
    public bool IsConverged(in ModelState s)
    {
        for (var a = 0; a < _l.Agents; a++)
        {
            if (s.GetInt(_l.Status[a]) != (int)AgentStatus.Connected || !s.GetBool(_l.MasterConnected[a]) ||
                s.GetInt(_l.ChannelLength[a]) != 0)
            {
                return false;
            }

            var view = s.Get(_l.MasterView[a]);
            var memory = s.Get(_l.Memory[a]);
            var info = s.GetFile(_l.Info[a, 0]);
            if (AgentView(view) != memory || info.Kind == FileKind.Empty || info.Set != memory ||
                s.GetFile(_l.Target[a, 0]).Kind != FileKind.Absent)
            {
                return false;
            }

            for (var slot = 0; slot < _l.Slots; slot++)
            {
                if (s.GetBool(_l.DirNow[a, slot]) != (_l.Inc(view, slot) != 0))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The liveness phase, the one every replay uses (the implementation's is the same procedure): with no more faults
    /// or operations, restart every agent that is down, reconnect every disconnected one and deliver everything in
    /// flight; then whether every agent converged (<see cref="IsConverged"/>). A stuck agent stays stuck.
    /// </summary>
    public bool DriveToRest(ref ModelState s, List<string>? log = null)
    {
        for (var round = 0; round < 3; round++)
        {
            for (var a = 0; a < _l.Agents; a++)
            {
                var status = (AgentStatus)s.GetInt(_l.Status[a]);
                if (status == AgentStatus.Down)
                {
                    log?.Add(_l.Agents > 1 ? $"restart agent @{AgentName(a)}" : "restart agent");
                    Apply(ref s, new ModelAction(ActionKind.Restart, a), log);
                }
                else if (status == AgentStatus.Disconnected)
                {
                    log?.Add(_l.Agents > 1 ? $"reconnect agent @{AgentName(a)}" : "reconnect agent");
                    Apply(ref s, new ModelAction(ActionKind.Reconnect, a), log);
                }

                while (s.GetInt(_l.Status[a]) == (int)AgentStatus.Connected && s.GetInt(_l.ChannelLength[a]) > 0)
                {
                    log?.Add(_l.Agents > 1 ? $"deliver @{AgentName(a)}" : "deliver");
                    Apply(ref s, new ModelAction(ActionKind.Deliver, a), log);
                }
            }
        }

        return IsConverged(in s);
    }

    /// <summary>A set as text, such as <c>{r1:1 r1/v1@2}</c> (incarnations shown where the design has them).</summary>
    public string Format(ulong set)
    {
        var sb = new StringBuilder("{");
        for (var r = 0; r < _l.Roles; r++)
        {
            var res = _l.Reserved(set, r);
            if (res != 0)
            {
                sb.Append(sb.Length > 1 ? " " : string.Empty).Append(Names.Role(r)).Append(':').Append(res);
            }
        }

        for (var slot = 0; slot < _l.Slots; slot++)
        {
            var inc = _l.Inc(set, slot);
            if (inc != 0)
            {
                sb.Append(sb.Length > 1 ? " " : string.Empty).Append(Names.Volume(slot));
                if (_incarnations)
                {
                    sb.Append('@').Append(inc);
                }
            }
        }

        return sb.Append('}').ToString();
    }

    /// <summary>A file's content as text.</summary>
    public string Format(FileContent content) => content.Kind switch
    {
        FileKind.Absent => "absent",
        FileKind.Empty => "EMPTY",
        _ => Format(content.Set),
    };

    /// <summary>The relative path of a volume directory.</summary>
    public string VolumePath(int slot) => $"volumes/roles/{Names.Role(_l.RoleOf(slot))}/{Names.Id(slot)}";

    /// <summary>A step as the narration shows it.</summary>
    public string Describe(IoStep step, ulong next) => step.Kind switch
    {
        StepKind.WriteInfo => $"write meta/resources/resources.info = {Format(next)}",
        StepKind.WriteTarget => $"write meta/resources/resources.target = {Format(next)}",
        StepKind.Mkdir => $"mkdir {VolumePath(step.Slot)}",
        StepKind.Rmdir => $"rmdir {VolumePath(step.Slot)}",
        StepKind.RenameTarget => "rename resources.target over resources.info",
        _ => step.Kind.ToString(),
    };

    private string Lost(in ModelState s, int a, string what)
    {
        var inFlight = s.GetInt(_l.ChannelLength[a]);
        return inFlight == 0 ? what : $"{what}; {inFlight} message(s) in flight are lost";
    }

    private static string Describe(AgentStatus status) => status switch
    {
        AgentStatus.Down => "down",
        AgentStatus.Connected => "up and connected",
        AgentStatus.Disconnected => "up but disconnected",
        AgentStatus.Stuck => "stuck (it refused its checkpoint)",
        _ => status.ToString(),
    };
}
