namespace Harness.Model;

/// <summary>
/// Transitions the model checker may leave out because other transitions already produce every state and
/// every violation they would. Each one is sound for the properties checked here, and a test compares the
/// verdicts with and without it.
/// </summary>
[Flags]
public enum Reductions
{
    /// <summary>Explore every transition.</summary>
    None = 0,

    /// <summary>
    /// Leave out the master noticing a disconnection. Noticing only makes the master drop later operations;
    /// a framework that never issues them gives the same states, and no action needs the master to have
    /// noticed (a registration marks the agent connected again). So it adds no behaviour, yet it doubles
    /// every state in which the agent is down.
    /// </summary>
    MasterNotices = 1,

    /// <summary>
    /// Leave out power losses whose outcome another transition already reaches: a power loss that drops
    /// unsynced data right after a non-durable I/O step (the same as one before the delivery), and a power
    /// loss that keeps metadata when nothing is unsynced (the same as one that drops it).
    /// </summary>
    PowerLoss = 2,

    /// <summary>Every reduction.</summary>
    All = MasterNotices | PowerLoss,
}
