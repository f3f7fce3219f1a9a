using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Harness.Impl.Resources;

/// <summary>
/// A checkpointed set: reserved disk per role and the persistent volumes carved from it.
/// Immutable; equality is structural over every field (use <see cref="SameAs"/> for a design's identity).
/// </summary>
public sealed record ResourceSet
{
    /// <summary>The set with no reservation and no volume (what an agent without a checkpoint holds).</summary>
    public static ResourceSet Empty { get; } = new(
        ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal),
        ImmutableSortedSet<Volume>.Empty);

    private ResourceSet(ImmutableSortedDictionary<string, long> reservations, ImmutableSortedSet<Volume> volumes)
    {
        Reservations = reservations;
        Volumes = volumes;
    }

    /// <summary>Reserved units per role, including the units used by that role's volumes. No entry is zero.</summary>
    public ImmutableSortedDictionary<string, long> Reservations { get; }

    /// <summary>The persistent volumes, ordered by role, id and incarnation.</summary>
    public ImmutableSortedSet<Volume> Volumes { get; }

    /// <summary>
    /// Builds a set from raw parts without checking names or amounts: a message that bypassed the master
    /// can hold anything, which is why the agent calls <see cref="Validate"/> before acting on it.
    /// </summary>
    public static ResourceSet Create(IEnumerable<KeyValuePair<string, long>> reservations, IEnumerable<Volume> volumes)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        ArgumentNullException.ThrowIfNull(volumes);
        var builder = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        foreach (var (role, amount) in reservations)
        {
            builder[role] = builder.GetValueOrDefault(role) + amount;
        }

        return new ResourceSet(builder.ToImmutable(), volumes.ToImmutableSortedSet());
    }

    /// <summary>Units reserved for <paramref name="role"/> (0 when none).</summary>
    public long Reserved(string role) => Reservations.GetValueOrDefault(role);

    /// <summary>Units of <paramref name="role"/>'s reservation used by its volumes.</summary>
    public long UsedByVolumes(string role) => Volumes.Where(v => v.Role == role).Sum(v => v.Size);

    /// <summary>Units reserved for <paramref name="role"/> that no volume uses.</summary>
    public long FreeReserved(string role) => Reserved(role) - UsedByVolumes(role);

    /// <summary>Units reserved over all roles.</summary>
    public long TotalReserved => Reservations.Values.Sum();

    /// <summary>The volume named <paramref name="role"/>/<paramref name="id"/>, whatever its incarnation, or null.</summary>
    public Volume? FindVolume(string role, string id)
    {
        foreach (var v in Volumes)
        {
            if (v.Role == role && v.Id == id)
            {
                return v;
            }
        }

        return null;
    }

    /// <summary>This set with <paramref name="amount"/> more units reserved for <paramref name="role"/> (negative to unreserve).</summary>
    public ResourceSet WithReservationChange(string role, long amount)
    {
        var total = Reserved(role) + amount;
        var reservations = total == 0 ? Reservations.Remove(role) : Reservations.SetItem(role, total);
        return new ResourceSet(reservations, Volumes);
    }

    /// <summary>This set plus <paramref name="volume"/>.</summary>
    public ResourceSet WithVolume(Volume volume) => new(Reservations, Volumes.Add(volume));

    /// <summary>This set minus <paramref name="volume"/> (exact match).</summary>
    public ResourceSet WithoutVolume(Volume volume) => new(Reservations, Volumes.Remove(volume));

    /// <summary>This set with the volumes replaced.</summary>
    public ResourceSet WithVolumes(IEnumerable<Volume> volumes) => new(Reservations, volumes.ToImmutableSortedSet());

    /// <summary>This set with every incarnation set to 0, as sent to an agent that does not know incarnations.</summary>
    public ResourceSet WithoutIncarnations() => WithVolumes(Volumes.Select(v => v.WithoutIncarnation()));

    /// <summary>
    /// True when both sets hold the same reservations and the same volumes under <paramref name="identity"/>:
    /// the agent's "new == old" test.
    /// </summary>
    public bool SameAs(ResourceSet other, VolumeIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReservationsEqual(Reservations, other.Reservations) || Volumes.Count != other.Volumes.Count)
        {
            return false;
        }

        // The same test as "every key of other is a key of this" with sets of keys, without building them: sets are small.
        foreach (var v in other.Volumes)
        {
            if (!ContainsKey(Volumes, Key(v, identity), identity))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether some volume of <paramref name="volumes"/> has the identity key <paramref name="key"/>.</summary>
    internal static bool ContainsKey(ImmutableSortedSet<Volume> volumes, (string Role, string Id, long Incarnation) key, VolumeIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        foreach (var v in volumes)
        {
            if (Key(v, identity) == key)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The identity key of <paramref name="volume"/> under <paramref name="identity"/>.</summary>
    public static (string Role, string Id, long Incarnation) Key(Volume volume, VolumeIdentity identity) =>
        identity == VolumeIdentity.RoleIdAndIncarnation
            ? (volume.Role, volume.Id, volume.Incarnation)
            : (volume.Role, volume.Id, 0);

    /// <summary>
    /// Returns every reason this set is not acceptable to an agent: invalid names, non-positive amounts or sizes,
    /// negative incarnations, or two volumes with the same role and id. Empty when the set is valid.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        List<string>? problems = null;
        foreach (var (role, amount) in Reservations)
        {
            AddIfNotNull(ref problems, ResourceNames.Check(role, "role"));
            if (amount <= 0)
            {
                AddIfNotNull(ref problems, string.Create(CultureInfo.InvariantCulture, $"Reservation of role '{role}' must be positive, got {amount}"));
            }
        }

        Volume? previous = null;
        foreach (var v in Volumes)
        {
            AddIfNotNull(ref problems, ResourceNames.Check(v.Role, "role"));
            AddIfNotNull(ref problems, ResourceNames.Check(v.Id, "persistence id"));
            if (v.Size <= 0)
            {
                AddIfNotNull(ref problems, string.Create(CultureInfo.InvariantCulture, $"Volume {v.Role}/{v.Id} must have a positive size, got {v.Size}"));
            }

            if (v.Incarnation < 0)
            {
                AddIfNotNull(ref problems, string.Create(CultureInfo.InvariantCulture, $"Volume {v.Role}/{v.Id} has a negative incarnation {v.Incarnation}"));
            }

            // Volumes are sorted by role and id first, so two with the same role and id are neighbours.
            if (previous is { } p && p.Role == v.Role && p.Id == v.Id)
            {
                AddIfNotNull(ref problems, $"Persistence ID is not unique: {v.Role}/{v.Id} appears twice");
            }

            previous = v;
        }

        return problems is null ? [] : problems;
    }

    /// <summary>Throws <see cref="InvalidResourceException"/> listing every problem when the set is not valid.</summary>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new InvalidResourceException(string.Join("; ", problems));
        }
    }

    /// <inheritdoc/>
    public bool Equals(ResourceSet? other) =>
        other is not null
        && ReservationsEqual(Reservations, other.Reservations)
        && Volumes.SequenceEqual(other.Volumes);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (var (role, amount) in Reservations)
        {
            hash.Add(role, StringComparer.Ordinal);
            hash.Add(amount);
        }

        foreach (var v in Volumes)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    /// <summary>Reads like "{r1:5 | r1/v1(2)#1}", so a failing trace is readable.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("{");
        text.AppendJoin(", ", Reservations.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Key}:{r.Value}")));
        text.Append(" | ");
        text.AppendJoin(", ", Volumes);
        return text.Append('}').ToString();
    }

    private static bool ReservationsEqual(ImmutableSortedDictionary<string, long> a, ImmutableSortedDictionary<string, long> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var amount) && amount == kv.Value);

    private static void AddIfNotNull(ref List<string>? problems, string? problem)
    {
        if (problem is not null)
        {
            (problems ??= []).Add(problem);
        }
    }
}

/// <summary>The volume operations that turn one set into another, each list ordered by (role, id).</summary>
/// <param name="Creates">Volumes in the new set and not in the old one.</param>
/// <param name="Destroys">Volumes in the old set and not in the new one.</param>
public sealed record VolumeDelta(ImmutableArray<Volume> Creates, ImmutableArray<Volume> Destroys)
{
    /// <summary>Computes <c>new - old</c> and <c>old - new</c> with volumes compared under <paramref name="identity"/>.</summary>
    public static VolumeDelta Between(ResourceSet old, ResourceSet desired, VolumeIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(desired);
        // Volumes is sorted by (role, id, incarnation), so filtering keeps the (role, id) order the semantics fix.
        return new VolumeDelta(Missing(desired.Volumes, old.Volumes, identity), Missing(old.Volumes, desired.Volumes, identity));
    }

    // The volumes of "from" whose identity key no volume of "other" has, in order.
    private static ImmutableArray<Volume> Missing(ImmutableSortedSet<Volume> from, ImmutableSortedSet<Volume> other, VolumeIdentity identity)
    {
        ImmutableArray<Volume>.Builder? missing = null;
        foreach (var v in from)
        {
            if (!ResourceSet.ContainsKey(other, ResourceSet.Key(v, identity), identity))
            {
                (missing ??= ImmutableArray.CreateBuilder<Volume>()).Add(v);
            }
        }

        return missing is null ? [] : missing.ToImmutable();
    }

    /// <summary>True when no directory has to change.</summary>
    public bool IsEmpty => Creates.IsEmpty && Destroys.IsEmpty;
}
