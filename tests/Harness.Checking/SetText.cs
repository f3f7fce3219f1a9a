using System.Collections.Concurrent;
using System.Collections.Immutable;
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
    public static string Format(IEnumerable<(string Role, long Amount)> reservations, IEnumerable<(string Role, string Id, long Incarnation)> volumes, bool incarnations) =>
        Write([.. reservations], [.. volumes], incarnations);

    private const int MaxModelSets = 4096;

    private static readonly ConditionalWeakTable<Semantics, ConcurrentDictionary<(ulong, bool), string>> ModelSets = [];

    /// <summary>An implementation set, written like a model set whatever order the set keeps.</summary>
    public static string Of(ResourceSet set, bool incarnations)
    {
        ArgumentNullException.ThrowIfNull(set);
        var reservations = new List<(string Role, long Amount)>(set.Reservations.Count);
        foreach (var (role, amount) in set.Reservations)
        {
            reservations.Add((role, amount));
        }

        var volumes = new List<(string Role, string Id, long Incarnation)>(set.Volumes.Count);
        foreach (var v in set.Volumes)
        {
            volumes.Add((v.Role, v.Id, v.Incarnation));
        }

        return Write(reservations, volumes, incarnations);
    }

    // The one writer of a set's text, whichever side it comes from: sorted by role, then id (then incarnation, so the
    // order never depends on the caller's); zero reservations left out; incarnations only when asked for.
    private static string Write(List<(string Role, long Amount)> reservations, List<(string Role, string Id, long Incarnation)> volumes, bool incarnations)
    {
        reservations.Sort(static (a, b) => string.CompareOrdinal(a.Role, b.Role));
        volumes.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Role, b.Role);
            c = c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
            return c != 0 ? c : a.Incarnation.CompareTo(b.Incarnation);
        });
        var text = new StringBuilder("{");
        foreach (var (role, amount) in reservations)
        {
            if (amount != 0)
            {
                (text.Length > 1 ? text.Append(' ') : text).Append(role).Append(':').Append(amount.ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (var (role, id, incarnation) in volumes)
        {
            (text.Length > 1 ? text.Append(' ') : text).Append(role).Append('/').Append(id);
            if (incarnations)
            {
                text.Append('@').Append(incarnation.ToString(CultureInfo.InvariantCulture));
            }
        }

        return text.Append('}').ToString();
    }

    /// <summary>
    /// Whether two implementation sets have the same text, without writing it when they plainly agree: the text is a
    /// function of the non-zero reservations and of each volume's role, id (and incarnation when asked for), in order, so
    /// sets equal in those are equal in text; any other pair is compared as written.
    /// </summary>
    public static bool SameText(ResourceSet a, ResourceSet b, bool incarnations)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return ReferenceEquals(a, b) || SameParts(a, b, incarnations) || Of(a, incarnations) == Of(b, incarnations);
    }

    private static bool SameParts(ResourceSet a, ResourceSet b, bool incarnations)
    {
        var ra = a.Reservations.GetEnumerator();
        var rb = b.Reservations.GetEnumerator();
        try
        {
            while (true)
            {
                var hasA = NextNonZero(ref ra);
                if (hasA != NextNonZero(ref rb))
                {
                    return false;
                }

                if (!hasA)
                {
                    break;
                }

                if (!string.Equals(ra.Current.Key, rb.Current.Key, StringComparison.Ordinal) || ra.Current.Value != rb.Current.Value)
                {
                    return false;
                }
            }
        }
        finally
        {
            ra.Dispose();
            rb.Dispose();
        }

        if (a.Volumes.Count != b.Volumes.Count)
        {
            return false;
        }

        var va = a.Volumes.GetEnumerator();
        var vb = b.Volumes.GetEnumerator();
        try
        {
            while (va.MoveNext() && vb.MoveNext())
            {
                var (x, y) = (va.Current, vb.Current);
                if (!string.Equals(x.Role, y.Role, StringComparison.Ordinal) || !string.Equals(x.Id, y.Id, StringComparison.Ordinal) ||
                    (incarnations && x.Incarnation != y.Incarnation))
                {
                    return false;
                }
            }
        }
        finally
        {
            va.Dispose();
            vb.Dispose();
        }

        return true;
    }

    private static bool NextNonZero(ref ImmutableSortedDictionary<string, long>.Enumerator e)
    {
        while (e.MoveNext())
        {
            if (e.Current.Value != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A packed model set.</summary>
    public static string Of(Semantics semantics, ulong set, bool incarnations)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        var written = ModelSets.GetValue(semantics, _ => new());
        if (written.TryGetValue((set, incarnations), out var text))
        {
            return text;
        }

        // Bounded: a model can live as long as the process (refinement keeps one per design and bounds).
        if (written.Count >= MaxModelSets)
        {
            written.Clear();
        }

        return written.GetOrAdd((set, incarnations), key => Write(semantics, key.Item1, key.Item2));
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
