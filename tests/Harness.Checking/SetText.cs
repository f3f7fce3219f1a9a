using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using Harness.Impl.Resources;
using Harness.Model;

namespace Harness.Checking;

/// <summary>
/// Checkpointed sets written the same way whichever side they come from, so observations compare as text:
/// <c>{r1:2 r1/v1@3}</c>, reservations then volumes, each sorted by name, incarnations only when asked for.
/// </summary>
public static class SetText
{
    /// <summary>Writes reservations and volumes (role, id, incarnation); zero reservations are left out.</summary>
    public static string Format(IEnumerable<(string Role, long Amount)> reservations, IEnumerable<(string Role, string Id, long Incarnation)> volumes, bool incarnations)
    {
        var parts = reservations.Where(r => r.Amount != 0)
            .OrderBy(r => r.Role, StringComparer.Ordinal)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Role}:{r.Amount}"))
            .Concat(volumes
                .OrderBy(v => v.Role, StringComparer.Ordinal).ThenBy(v => v.Id, StringComparer.Ordinal)
                .Select(v => incarnations ? string.Create(CultureInfo.InvariantCulture, $"{v.Role}/{v.Id}@{v.Incarnation}") : $"{v.Role}/{v.Id}"));
        return new StringBuilder("{").AppendJoin(' ', parts).Append('}').ToString();
    }

    // Sets are immutable, and the master, the agents and the checkpoint decoder hand out the same instance until
    // something changes, so each set is written once per form rather than after every scenario line.
    private static readonly ConditionalWeakTable<ResourceSet, string> WithIncarnations = [];
    private static readonly ConditionalWeakTable<ResourceSet, string> WithoutIncarnations = [];
    private static readonly ConditionalWeakTable<Semantics, ConcurrentDictionary<(ulong, bool), string>> ModelSets = [];

    /// <summary>An implementation set.</summary>
    public static string Of(ResourceSet set, bool incarnations)
    {
        ArgumentNullException.ThrowIfNull(set);
        return (incarnations ? WithIncarnations : WithoutIncarnations).GetValue(set, s => Write(s, incarnations));
    }

    private static string Write(ResourceSet set, bool incarnations)
    {
        return Format(set.Reservations.Select(r => (r.Key, r.Value)), set.Volumes.Select(v => (v.Role, v.Id, v.Incarnation)), incarnations);
    }

    /// <summary>A packed model set.</summary>
    public static string Of(Semantics semantics, ulong set, bool incarnations)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        return ModelSets.GetValue(semantics, _ => new())
            .GetOrAdd((set, incarnations), key => Write(semantics, key.Item1, key.Item2));
    }

    private static string Write(Semantics semantics, ulong set, bool incarnations)
    {
        var l = semantics.Layout;
        var names = semantics.Names;
        return Format(
            Enumerable.Range(0, l.Roles).Select(r => (names.Role(r), (long)l.Reserved(set, r))),
            Enumerable.Range(0, l.Slots).Where(s => l.Inc(set, s) != 0)
                .Select(s => (names.Role(l.RoleOf(s)), names.Id(s), (long)l.Inc(set, s))),
            incarnations);
    }
}
