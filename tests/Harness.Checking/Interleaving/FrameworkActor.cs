using System.Globalization;
using Harness.Impl.Masters;
using Harness.Impl.Resources;
using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// A framework: on its first offer it reserves disk for the role, then issues operations one after another, each chosen
/// by Coyote from what the last reply showed (CREATE an id the master does not hold; DESTROY or use one it holds), so
/// every sequence over few ids, with ids reused, is reachable. It stops after its operation budget.
/// </summary>
[OnEventDoAction(typeof(ResourcesOffered), nameof(HandleOffer))]
[OnEventDoAction(typeof(OperationDone), nameof(HandleDone))]
public sealed class FrameworkActor : ClusterActor
{
    private bool started;
    private bool reserved;
    private int operationsLeft;

    /// <inheritdoc/>
    protected override void Start() => operationsLeft = Cluster.Options.OperationsPerFramework;

    private void HandleOffer(Event e)
    {
        if (started)
        {
            return;
        }

        started = true;
        Act(((ResourcesOffered)e).View);
    }

    private void HandleDone(Event e)
    {
        var done = (OperationDone)e;
        Act(done.View);
    }

    private void Act(ResourceSet view)
    {
        reserved = reserved || view.Reserved(Cluster.Role) >= Cluster.Options.Ids;
        if (operationsLeft <= 0)
        {
            return;
        }

        operationsLeft--;
        if (!reserved)
        {
            SendEvent(Cluster.MasterActor, new OperationRequest(Id, new ReserveOperation(Cluster.Role, Cluster.Options.Ids)));
            return;
        }

        var id = "v" + (Cluster.Options.Ids == 1 ? 1 : RandomInteger(Cluster.Options.Ids) + 1).ToString(CultureInfo.InvariantCulture);
        if (view.FindVolume(Cluster.Role, id) is null)
        {
            SendEvent(Cluster.MasterActor, new OperationRequest(Id, new CreateOperation(Cluster.Role, id, 1)));
        }
        else if (RandomBoolean())
        {
            SendEvent(Cluster.MasterActor, new OperationRequest(Id, new DestroyOperation(Cluster.Role, id)));
        }
        else
        {
            SendEvent(Cluster.MasterActor, new TaskRequest(Id, Cluster.Role, id));
        }
    }
}
