namespace Harness.Model;

/// <summary>
/// The finite bounds of one exploration: how many agents, roles and persistence ids exist, how many
/// framework operations may be issued, and how many faults of each kind may happen.
/// </summary>
public sealed record Bounds
{
    /// <summary>Number of agents (each with its own master view, connection and disk).</summary>
    public int Agents { get; init; } = 1;

    /// <summary>Number of roles.</summary>
    public int Roles { get; init; } = 1;

    /// <summary>Number of persistence ids per role.</summary>
    public int Ids { get; init; } = 2;

    /// <summary>Framework operations (RESERVE, UNRESERVE, CREATE, DESTROY) accepted by the master in all.</summary>
    public int Operations { get; init; } = 4;

    /// <summary>Failed mkdir, rmdir, checkpoint write or rename.</summary>
    public int IoErrors { get; init; } = 1;

    /// <summary>Agent crashes, idle or between two I/O steps.</summary>
    public int Crashes { get; init; } = 1;

    /// <summary>Power losses (a crash that also loses what was not durable).</summary>
    public int PowerLosses { get; init; } = 1;

    /// <summary>Broken connections without an agent restart.</summary>
    public int LinkBreaks { get; init; } = 1;

    /// <summary>Master failovers: the master restarts, forgets its views and rebuilds them from what the agents report.</summary>
    public int Failovers { get; init; }

    /// <summary>Disk units each agent has; a volume or a reservation step uses one unit unless a scenario says otherwise.</summary>
    public int Capacity { get; init; }

    /// <summary>The largest volume size a scenario uses.</summary>
    public int MaxSize { get; init; } = 1;

    /// <summary>The capacity actually used: the given one, or one unit per possible volume.</summary>
    public int EffectiveCapacity => Capacity > 0 ? Capacity : Roles * Ids;

    /// <summary>Throws when a bound is out of the range the packed state can hold.</summary>
    public void Validate()
    {
        Check(Agents, 1, 3, "agents");
        Check(Roles, 1, 3, "roles");
        Check(Ids, 1, 4, "ids");
        Check(Operations, 0, 30, "operations");
        Check(IoErrors, 0, 30, "io-errors");
        Check(Crashes, 0, 30, "crashes");
        Check(PowerLosses, 0, 30, "power-losses");
        Check(LinkBreaks, 0, 30, "link-breaks");
        Check(Failovers, 0, 30, "failovers");
        Check(EffectiveCapacity, 1, 255, "capacity");
        Check(MaxSize, 1, 255, "size");
    }

    private static void Check(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}, got {value}");
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"agents={Agents} roles={Roles} ids={Ids} ops={Operations} io-errors={IoErrors} crashes={Crashes} " +
        $"power-losses={PowerLosses} link-breaks={LinkBreaks}" + (Failovers > 0 ? $" failovers={Failovers}" : string.Empty);
}
