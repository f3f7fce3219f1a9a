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
    private readonly List<bool> reserved = [];
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
        var options = Cluster.Options;
        for (var r = reserved.Count; r < options.Roles; r++)
        {
            reserved.Add(false);
        }

        for (var r = 0; r < options.Roles; r++)
        {
            reserved[r] = reserved[r] || view.Reserved(Cluster.RoleName(r)) >= options.Ids;
        }

        if (operationsLeft <= 0)
        {
            return;
        }

        operationsLeft--;
        var unreserved = reserved.IndexOf(false);
        if (unreserved >= 0)
        {
            SendEvent(Cluster.MasterActor, new OperationRequest(Id, new ReserveOperation(Cluster.RoleName(unreserved), options.Ids)));
            return;
        }

        var role = Cluster.RoleName(options.Roles == 1 ? 0 : RandomInteger(options.Roles));
        var id = "v" + (options.Ids == 1 ? 1 : RandomInteger(options.Ids) + 1).ToString(CultureInfo.InvariantCulture);
        if (options.RareInputOdds > 0 && RandomInteger(options.RareInputOdds) == 0)
        {
            SendEvent(Cluster.MasterActor, new OperationRequest(Id, RareInput(view, role, id)));
            return;
        }

        if (view.FindVolume(role, id) is null)
        {
            SendEvent(Cluster.MasterActor, new OperationRequest(Id, new CreateOperation(role, id, 1)));
        }
        else if (RandomBoolean())
        {
            SendEvent(Cluster.MasterActor, new OperationRequest(Id, new DestroyOperation(role, id)));
        }
        else
        {
            SendEvent(Cluster.MasterActor, new TaskRequest(Id, role, id));
        }
    }

    /// <summary>
    /// The inputs the master and agent tell apart that the ordinary choices above rarely or never make: a DESTROY of a
    /// volume the master does not hold, an UNRESERVE of a role whose reservation volumes may be using, and hostile names,
    /// which the master must reject before anything reaches the agent. (Same id in another role comes from the ordinary
    /// choices once there are two roles.)
    /// </summary>
    private ResourceOperation RareInput(ResourceSet view, string role, string id) => RandomInteger(4) switch
    {
        0 => new DestroyOperation(role, view.FindVolume(role, id) is null ? id : "unknown"),
        1 => new UnreserveOperation(role, 1),
        2 => new CreateOperation("../" + role, id, 1),
        _ => new CreateOperation(role, id + "/..", 1),
    };
}
