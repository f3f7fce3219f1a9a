using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>
/// The kinds of input the master and the agent tell apart, beyond the windows: a generated scenario should reach each of
/// them, or mistakes in the code that handles it pass every sequence. Rejections are read from the model's replay of the
/// scenario, the rest from its lines.
/// </summary>
public static class InputKinds
{
    /// <summary>A CREATE of an id that another role already used.</summary>
    public const string SameIdOtherRole = "same-id-other-role";

    /// <summary>Operations in two roles or more.</summary>
    public const string SeveralRoles = "several-roles";

    /// <summary>Lines for two agents or more.</summary>
    public const string SeveralAgents = "several-agents";

    /// <summary>An operation the master drops because it believes the agent disconnected.</summary>
    public const string WhileDisconnected = "op-while-disconnected";

    /// <summary>A DESTROY of a volume the master does not hold.</summary>
    public const string DestroyUnknown = "destroy-unknown";

    /// <summary>A CREATE of an id the master holds.</summary>
    public const string DuplicateId = "duplicate-id";

    /// <summary>An UNRESERVE of disk that volumes use.</summary>
    public const string UnreserveUnderVolumes = "unreserve-under-volumes";

    /// <summary>A RESERVE or CREATE larger than what is free.</summary>
    public const string OverCapacity = "over-capacity";

    /// <summary>A message with a hostile name sent straight to the agent (<c>send-agent</c>), which it must refuse before any I/O.</summary>
    public const string HostileName = "hostile-name";

    /// <summary>Every kind, in report order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [SameIdOtherRole, SeveralRoles, SeveralAgents, WhileDisconnected, DestroyUnknown, DuplicateId, UnreserveUnderVolumes, OverCapacity, HostileName];

    /// <summary>The kinds <paramref name="scenario"/> reaches on <paramref name="design"/>'s model.</summary>
    public static IReadOnlyList<string> Classify(Design design, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        var roles = new HashSet<string>(StringComparer.Ordinal);
        var createdIn = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in scenario.Commands)
        {
            if (c.Agent > 0)
            {
                kinds.Add(SeveralAgents);
            }

            if (c.Kind == CommandKind.SendAgent)
            {
                kinds.Add(HostileName);
            }

            if (c.Kind is CommandKind.Reserve or CommandKind.Unreserve or CommandKind.Create or CommandKind.Destroy && c.Role is not null)
            {
                roles.Add(c.Role);
            }

            if (c.Kind == CommandKind.Create && c.Id is not null)
            {
                if (createdIn.TryGetValue(c.Id, out var other) && other != c.Role)
                {
                    kinds.Add(SameIdOtherRole);
                }

                createdIn.TryAdd(c.Id, c.Role!);
            }
        }

        if (roles.Count > 1)
        {
            kinds.Add(SeveralRoles);
        }

        ModelRunner model;
        try
        {
            model = new ModelRunner(design, scenario) { Narrate = false };
        }
        catch (ArgumentOutOfRangeException)
        {
            // A scenario larger than the model can hold: its refusals cannot be known, the rest is still counted.
            return [.. All.Where(kinds.Contains)];
        }

        foreach (var c in scenario.Commands)
        {
            // Read from the state, not from the wording: the master drops whatever it receives for an agent it believes gone.
            var layout = model.Semantics.Layout;
            var dropped = c.Agent < layout.Agents && !model.State.GetBool(layout.MasterConnected[c.Agent]);
            RunStep step;
            try
            {
                step = model.Execute(c);
            }
            catch (ScenarioException)
            {
                break;
            }

            if (step.Rejected is { } why)
            {
                kinds.Add(c.Kind == CommandKind.SendAgent ? HostileName : dropped ? WhileDisconnected : Rejection(c, why));
            }
        }

        return [.. All.Where(kinds.Contains)];
    }

    private static string Rejection(ScenarioCommand command, string why) =>
        why.StartsWith("Persistent volumes not found", StringComparison.Ordinal) ? DestroyUnknown
        : why.StartsWith("Persistence ID is not unique", StringComparison.Ordinal) ? DuplicateId
        : command.Kind == CommandKind.Unreserve ? UnreserveUnderVolumes
        : OverCapacity;
}
