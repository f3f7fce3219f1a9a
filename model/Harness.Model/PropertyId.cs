namespace Harness.Model;

/// <summary>The properties of the protocol, each a named predicate that every checker uses.</summary>
public enum PropertyId
{
    /// <summary>A task never sees data written by an earlier incarnation of a volume with the same role and id.</summary>
    FreshVolume,

    /// <summary>The agent never removes the data of a volume that the master still holds in that incarnation.</summary>
    NoDataLoss,

    /// <summary><c>resources.info</c> always holds a whole set that was sent (or the initial one): never a mix, never empty.</summary>
    AtomicCheckpoint,

    /// <summary>At (re)registration the volume directories equal the committed checkpoint and no target is pending.</summary>
    RecoverBeforeRegister,

    /// <summary>Once faults and operations stop, the master, the checkpoint and the directories can always become equal.</summary>
    Convergence,

    /// <summary>Nothing outside the work directory is touched; hostile names are rejected first.</summary>
    Confinement,
}

/// <summary>Names and descriptions of the properties.</summary>
public static class Properties
{
    /// <summary>Every property, in report order.</summary>
    public static IReadOnlyList<PropertyId> All { get; } =
    [
        PropertyId.FreshVolume, PropertyId.NoDataLoss, PropertyId.AtomicCheckpoint,
        PropertyId.RecoverBeforeRegister, PropertyId.Convergence, PropertyId.Confinement,
    ];

    /// <summary>The properties the model decides (confinement needs real paths).</summary>
    public static IReadOnlyList<PropertyId> Modelled { get; } = [.. All.Where(p => p != PropertyId.Confinement)];

    /// <summary>The bit of a property in a violation mask.</summary>
    public static uint Bit(this PropertyId p) => 1u << (int)p;

    /// <summary>The name users see, such as <c>fresh-volume</c>.</summary>
    public static string Name(this PropertyId p) => p switch
    {
        PropertyId.FreshVolume => "fresh-volume",
        PropertyId.NoDataLoss => "no-data-loss",
        PropertyId.AtomicCheckpoint => "atomic-checkpoint",
        PropertyId.RecoverBeforeRegister => "recover-before-register",
        PropertyId.Convergence => "convergence",
        PropertyId.Confinement => "confinement",
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    /// <summary>Parses a property name.</summary>
    public static PropertyId Parse(string name)
    {
        foreach (var p in All)
        {
            if (p.Name() == name)
            {
                return p;
            }
        }

        throw new FormatException($"unknown property '{name}'; expected one of: {string.Join(", ", All.Select(x => x.Name()))}");
    }
}
