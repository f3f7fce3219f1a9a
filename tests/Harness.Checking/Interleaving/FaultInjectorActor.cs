using Harness.Impl.Storage;
using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// Injects the faults that do not belong to an I/O step (a crash or power loss at any moment, a broken link, a master
/// failover), each
/// drawn from Coyote's choices. It takes a bounded number of turns and stops when the fault budget is spent, so every
/// execution ends in a fault-free phase in which the cluster must converge.
/// </summary>
[OnEventDoAction(typeof(Tick), nameof(HandleTick))]
public sealed class FaultInjectorActor : ClusterActor
{
    private readonly List<FaultKinds> kinds = [];
    private int turnsLeft;

    /// <inheritdoc/>
    protected override void Start()
    {
        foreach (var kind in new[] { FaultKinds.Crash, FaultKinds.PowerLoss, FaultKinds.BreakLink, FaultKinds.Failover })
        {
            if (Cluster.Enabled(kind))
            {
                kinds.Add(kind);
            }
        }

        // Enough turns to reach every phase of the frameworks' work, with "nothing" turns in between.
        turnsLeft = 2 * (Cluster.Options.FaultBudget + (Cluster.Options.Frameworks * Cluster.Options.OperationsPerFramework));
        SendEvent(Id, new Tick());
    }

    private void HandleTick(Event e)
    {
        if (kinds.Count == 0 || turnsLeft-- <= 0 || Cluster.FaultsLeft <= 0)
        {
            return;
        }

        // One more choice than kinds: "nothing this turn" lets the other actors run between faults.
        var choice = RandomInteger(kinds.Count + 1);
        // The agent spends the budget when the fault lands: one aimed at a down or unregistered agent is free. So does the
        // master for a failover, which is free before the agent first registered.
        if (choice < kinds.Count && kinds[choice] == FaultKinds.Failover)
        {
            SendEvent(Cluster.MasterActor, new InjectFailover());
        }
        else if (choice < kinds.Count)
        {
            Event fault = kinds[choice] switch
            {
                FaultKinds.Crash => new InjectCrash(false, PowerLossMode.Drop),
                FaultKinds.PowerLoss => new InjectCrash(true, RandomBoolean() ? PowerLossMode.Drop : PowerLossMode.KeepMetadata),
                _ => new InjectBreakLink(),
            };
            SendEvent(Cluster.AgentActor, fault);
        }

        SendEvent(Id, new Tick());
    }
}
