using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// Wraps the real <see cref="Harness.Impl.Masters.Master"/>: applies the frameworks' operations and task launches, accepts
/// registrations and notices of dead connections, and tells the agent's end of the connection when a message is queued.
/// It also fails the master over when the fault injector says so, replacing the master with the one that takes over.
/// </summary>
[OnEventDoAction(typeof(OperationRequest), nameof(HandleOperation))]
[OnEventDoAction(typeof(TaskRequest), nameof(HandleTask))]
[OnEventDoAction(typeof(RegisterAgent), nameof(HandleRegister))]
[OnEventDoAction(typeof(NoticeDisconnect), nameof(HandleNotice))]
[OnEventDoAction(typeof(InjectFailover), nameof(HandleFailover))]
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
        // A failover right after the master sent a message lands where the windows are, between the send and the
        // delivery; the injector's failovers at arbitrary moments may miss them under priority-based schedules.
        if (result.IsAccepted && Cluster.Enabled(FaultKinds.Failover) && Cluster.MasterKnowsAgent && Cluster.FaultsLeft > 0 &&
            RandomInteger(Cluster.Options.FaultOdds) == 0 && Cluster.TryTakeFault())
        {
            FailOver();
        }
        else if (result.IsAccepted)
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

        var adopting = Cluster.Master.IsAdopting(Cluster.AgentId);
        // While adopting, the view with incarnations is the old master's, kept as a ghost.
        var oldView = Cluster.Master.ViewWithIncarnations(Cluster.AgentId);
        Cluster.Master.Register(Cluster.AgentId, registration.Reported);
        Cluster.MasterRegisteredEpoch = registration.Epoch;
        Cluster.Refinement?.Registered();
        Refine();
        if (adopting && Cluster.NoDataLoss is { } noDataLoss)
        {
            // The new master had no view of the agent until now: no-data-loss checks the agent's registration against the
            // view it adopted and the old master's (the agent's side waited for this).
            Check(noDataLoss.ViewAdopted(ImplCluster.VolumeDirectories(Cluster.Disk), oldView, Cluster.Master.ViewWithIncarnations(Cluster.AgentId)));
        }

        Narrate($"{(adopting ? "the new master" : "master")} registers the agent ({registration.Reported}){(adopting ? ", adopts it as its view and sends" : " and sends its view")} {Cluster.Master.ViewWithIncarnations(Cluster.AgentId)}");
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

    private void HandleFailover(Event e)
    {
        // Before the agent first registered the master knows nothing to lose: such a failover is free and not taken.
        if (!Cluster.MasterKnowsAgent || !Cluster.TryTakeFault())
        {
            return;
        }

        FailOver();
        ReportChanged();
    }

    private void FailOver()
    {
        // The whole failover is one step: Coyote may run another actor at the send below, and by then the new master,
        // the dropped connection and the agent's new connection number must all be in place.
        var agentUp = Cluster.Agent is not null;
        Cluster.FailOverMaster();
        Cluster.Refinement?.FailedOver();
        Narrate("master fails over: the new master has no view of the agent, the connection drops with what it carried");
        Refine();
        if (agentUp)
        {
            // The agent learns its connection broke as after a broken link; a down agent registers when it restarts.
            SendEvent(Cluster.AgentActor, new ReconnectAgent(Cluster.Epoch));
        }
    }

    private void HandleNotice(Event e)
    {
        Cluster.Master.NoticeDisconnect(Cluster.AgentId);
        Cluster.Refinement?.Noticed();
        Narrate("master notices the agent's connection is dead");
        ReportChanged();
    }
}
