using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// Wraps the real <see cref="Harness.Impl.Masters.Master"/>: applies the frameworks' operations and task launches, accepts
/// registrations and notices of dead connections, and tells the agent's end of the connection when a message is queued.
/// </summary>
[OnEventDoAction(typeof(OperationRequest), nameof(HandleOperation))]
[OnEventDoAction(typeof(TaskRequest), nameof(HandleTask))]
[OnEventDoAction(typeof(RegisterAgent), nameof(HandleRegister))]
[OnEventDoAction(typeof(NoticeDisconnect), nameof(HandleNotice))]
public sealed class MasterActor : ClusterActor
{
    private void HandleOperation(Event e)
    {
        var request = (OperationRequest)e;
        var result = Cluster.Master.Apply(Cluster.AgentId, request.Operation);
        Cluster.Refinement?.Operation(request.Operation, result);
        Narrate($"master {Verb(result)} {request.Operation}{(result.Error is null ? string.Empty : ": " + result.Error)}");
        Reply(request.Framework, result);
    }

    private void HandleTask(Event e)
    {
        var request = (TaskRequest)e;
        var result = Cluster.Master.LaunchTask(Cluster.AgentId, request.Role, request.Id);
        Cluster.Refinement?.Launched(request.Role, request.Id, result);
        Narrate($"master {Verb(result)} a task on {request.Role}/{request.Id}{(result.Error is null ? string.Empty : ": " + result.Error)}");
        Reply(request.Framework, result);
    }

    private void Reply(ActorId framework, Harness.Impl.Masters.OperationResult result)
    {
        Refine();
        if (result.IsAccepted)
        {
            SendEvent(Cluster.AgentActor, new Pump());
        }

        SendEvent(framework, new OperationDone(result, Cluster.Master.ViewWithIncarnations(Cluster.AgentId)));
        ReportChanged();
    }

    private void HandleRegister(Event e)
    {
        var registration = (RegisterAgent)e;
        // A registration from a connection that has since died (the agent crashed or the link broke after sending it)
        // never reaches a real master: its socket is gone.
        if (registration.Epoch != Cluster.Epoch)
        {
            return;
        }

        Cluster.Master.Register(Cluster.AgentId, registration.Reported);
        Cluster.MasterRegisteredEpoch = registration.Epoch;
        Cluster.Refinement?.Registered();
        Refine();
        Narrate($"master registers the agent ({registration.Reported}) and sends its view {Cluster.Master.ViewWithIncarnations(Cluster.AgentId)}");
        SendEvent(Cluster.AgentActor, new AgentRegistered(registration.Epoch));
        SendEvent(Cluster.AgentActor, new Pump());
        foreach (var framework in Cluster.Frameworks)
        {
            SendEvent(framework, new ResourcesOffered(Cluster.Master.ViewWithIncarnations(Cluster.AgentId)));
        }

        ReportChanged();
    }

    private static string Verb(Harness.Impl.Masters.OperationResult result) =>
        result.IsAccepted ? "accepts" : result.Status.ToString().ToLowerInvariant() switch
        {
            "dropped" => "drops",
            "rejected" => "rejects",
            var other => other,
        };

    private void HandleNotice(Event e)
    {
        Cluster.Master.NoticeDisconnect(Cluster.AgentId);
        Cluster.Refinement?.Noticed();
        Narrate("master notices the agent's connection is dead");
        ReportChanged();
    }
}
