using System.Globalization;

namespace Harness.Impl.Resources;

/// <summary>
/// A persistent volume: <paramref name="Size"/> units carved from <paramref name="Role"/>'s reservation,
/// named by <paramref name="Id"/>. <paramref name="Incarnation"/> is 0 unless the design carries incarnations.
/// </summary>
public readonly record struct Volume(string Role, string Id, long Size, long Incarnation) : IComparable<Volume>
{
    /// <summary>Orders volumes by role, id, incarnation and size, ordinally, so every listing is deterministic.</summary>
    public int CompareTo(Volume other)
    {
        var c = string.CompareOrdinal(Role, other.Role);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(Id, other.Id);
        if (c != 0)
        {
            return c;
        }

        c = Incarnation.CompareTo(other.Incarnation);
        return c != 0 ? c : Size.CompareTo(other.Size);
    }

    /// <summary>The same volume with incarnation 0, as the master sends it to an agent that does not know incarnations.</summary>
    public Volume WithoutIncarnation() => this with { Incarnation = 0 };

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Role}/{Id}({Size})#{Incarnation}");

    /// <summary>Less-than by <see cref="CompareTo"/>.</summary>
    public static bool operator <(Volume left, Volume right) => left.CompareTo(right) < 0;

    /// <summary>Greater-than by <see cref="CompareTo"/>.</summary>
    public static bool operator >(Volume left, Volume right) => left.CompareTo(right) > 0;

    /// <summary>Less-or-equal by <see cref="CompareTo"/>.</summary>
    public static bool operator <=(Volume left, Volume right) => left.CompareTo(right) <= 0;

    /// <summary>Greater-or-equal by <see cref="CompareTo"/>.</summary>
    public static bool operator >=(Volume left, Volume right) => left.CompareTo(right) >= 0;
}

/// <summary>Which fields make two volumes "the same volume" when the agent computes a delta.</summary>
public enum VolumeIdentity
{
    /// <summary>Role and persistence id: the volume's path (the three Mesos designs).</summary>
    RoleAndId = 0,

    /// <summary>Role, persistence id and incarnation (the target-incarnation design).</summary>
    RoleIdAndIncarnation = 1,
}
