using Harness.Impl.Agents;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Impl.Storage;
using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// The agent process and its end of the connection. It runs the real <see cref="Agent"/> on the simulated disk, seen
/// through a <see cref="FaultInjectingFileSystem"/> whose faults are Coyote choices made at each I/O step, so every
/// failed step and every crash between two steps is explored and replayed. When the agent exits or crashes this actor
/// drops the instance, loses the connection's messages and later starts a new instance that recovers from the disk.
/// </summary>
[OnEventDoAction(typeof(RestartAgent), nameof(HandleRestart))]
[OnEventDoAction(typeof(Pump), nameof(HandlePump))]
[OnEventDoAction(typeof(AgentRegistered), nameof(HandleRegistered))]
[OnEventDoAction(typeof(ReconnectAgent), nameof(HandleReconnect))]
[OnEventDoAction(typeof(InjectCrash), nameof(HandleCrash))]
[OnEventDoAction(typeof(InjectBreakLink), nameof(HandleBreakLink))]
public sealed class AgentActor : ClusterActor
{
    private FaultInjectingFileSystem faults = null!;
    private IFileSystem disk = null!;
    private bool powerLossAtCrash;
    private PowerLossMode powerLossMode;

    // The update (a checkpoint delivery or a recovery) in progress, and what has happened in it: the model's update holds
    // one fault, so a writeback comes only in an update whose steps have not failed, and after one no other fault does.
    private bool updating;
    private bool stepFailed;
    private bool writtenBack;

    // The connection the agent last sent a registration on.
    private int registeredOn = -1;

    /// <inheritdoc/>
    protected override void Start()
    {
        // Removals are observed only for no-data-loss: seeing one reads the volume's data.
        IFileSystem observed = Cluster.NoDataLoss is null
            ? Cluster.Disk
            : new RemovalObservingFileSystem(Cluster.Disk, (role, id, data) =>
                Check(NoDataLossCheck.VolumeRemoving(role, id, data, Cluster.Master.ViewWithIncarnations(Cluster.AgentId))));
        faults = new FaultInjectingFileSystem(observed);
        disk = Cluster.Options.AgentDisk?.Invoke(faults) ?? faults;
        ArmFaults();
        SendEvent(Id, new RestartAgent());
    }

    private void ArmFaults()
    {
        // One standing rule per enabled kind: each eligible step asks Coyote whether it fails, while the budget lasts.
        if (Cluster.Enabled(FaultKinds.Mkdir))
        {
            faults.FailNext(FsOp.Mkdir, s => IsVolume(s.Path) && DrawStepFault(), untilCleared: true);
        }

        if (Cluster.Enabled(FaultKinds.Rmdir))
        {
            faults.FailNext(FsOp.Rmdir, s => IsVolume(s.Path) && DrawStepFault(), untilCleared: true);
        }

        if (Cluster.Enabled(FaultKinds.Write))
        {
            faults.FailNext(FsOp.Write, s => IsCheckpoint(s.Path) && DrawStepFault(), untilCleared: true);
        }

        if (Cluster.Enabled(FaultKinds.Rename))
        {
            faults.FailNext(FsOp.Rename, s => IsCheckpoint(s.Path) && DrawStepFault(), untilCleared: true);
        }

        faults.StepObserver = AfterStep;
    }

    // The narration of what the agent replied to a message.
    private static string ReplyText(AgentReply reply) => reply switch
    {
        TaskReply t => $"task {t.Outcome.ToString().ToLowerInvariant()}: saw {(t.SeenIncarnation is null ? "no data" : $"data of incarnation {t.SeenIncarnation}")}",
        CheckpointReply c => $"agent: checkpoint {c.Outcome.ToString().ToLowerInvariant()}{(c.Error is null ? string.Empty : ": " + c.Error)}",
        _ => $"agent replies {reply}",
    };

    // How the narration names each file-system operation.
    private static readonly Dictionary<FsOp, string> OpNames = Enum.GetValues<FsOp>().ToDictionary(op => op, op => op.ToString().ToLowerInvariant());

    private void AfterStep(FsStep step)
    {
        Cluster.Refinement?.PhysicalStep(step);
        Narrate($"agent: {OpNames[step.Op]} {step.Path}{(step.Destination is null ? string.Empty : " -> " + step.Destination)}{(step.Failed ? " FAILS" : string.Empty)}");
        if (step.Failed)
        {
            stepFailed = true;
            return;
        }

        if (step.Op == FsOp.Rename)
        {
            ObserveCheckpoint("after a rename", commits: true);
        }

        var crash = Cluster.Enabled(FaultKinds.Crash);
        var power = Cluster.Enabled(FaultKinds.PowerLoss);
        if ((crash || power) && DrawStepFault())
        {
            powerLossAtCrash = power && (!crash || RandomBoolean());
            powerLossMode = RandomBoolean() ? PowerLossMode.Drop : PowerLossMode.KeepMetadata;
            throw new SimulatedCrashException(step);
        }

        // Only right after a step's commit point, where the model's writeback after that step is exact: a flush between a
        // temporary file's write and its rename makes the content durable before the name, which the model cannot hold
        // (a power loss that keeps metadata then shows the whole file where the model shows an empty one).
        if (LogicalStepFileSystem.IsCommitPoint(step.Op, step.Path, step.Destination) && WritebackMayMatter() &&
            RandomInteger(Cluster.Options.FaultOdds) == 0)
        {
            // The kernel's periodic flush lands right after this step: everything so far is durable, the agent goes on.
            // It spends no fault, as in the model: it is the disk's ordinary behaviour, seen only through a power loss.
            writtenBack = true;
            Cluster.Disk.Writeback();
            Cluster.Refinement?.WrittenBack();
            Narrate("the operating system writes back everything written so far");
        }
    }

    private bool DrawFault() => Cluster.FaultsLeft > 0 && RandomInteger(Cluster.Options.FaultOdds) == 0 && Cluster.TryTakeFault();

    // A fault at an I/O step: none after a writeback in the same update (the model's update holds one fault).
    private bool DrawStepFault() => !writtenBack && DrawFault();

    /// <summary>
    /// Whether a writeback after the current step can matter, as the model's rule has it: inside an update whose steps have
    /// not failed, while a power loss can still follow, and only where writes are not durable at once.
    /// </summary>
    private bool WritebackMayMatter() =>
        updating && !stepFailed && !writtenBack && Cluster.Enabled(FaultKinds.Writeback) && Cluster.Enabled(FaultKinds.PowerLoss) &&
        Cluster.FaultsLeft > 0 && !Cluster.Options.Design.IsDurable;

    private void BeginUpdate(bool update)
    {
        updating = update;
        stepFailed = false;
        writtenBack = false;
    }

    private static bool IsVolume(string path) => path.StartsWith(AgentLayout.VolumesRoot + "/", StringComparison.Ordinal);

    private static bool IsCheckpoint(string path) => path.StartsWith(AgentLayout.MetaDirectory + "/", StringComparison.Ordinal);

    private void HandleRestart(Event e)
    {
        if (Cluster.Agent is not null || Cluster.AgentStuck)
        {
            return;
        }

        try
        {
            Narrate("agent starts and recovers from disk");
            Cluster.Refinement?.RecoveryStarting();
            BeginUpdate(true);
            var agent = Agent.Start(Cluster.Options.Design, disk);
            BeginUpdate(false);
            Cluster.Agent = agent;
            Cluster.Refinement?.RecoveryEnded(stuck: false);
            Refine();
            Register(agent.Resources);
        }
        catch (Exception ex) when (ex is SimulatedCrashException or AgentExitedException)
        {
            BeginUpdate(false);
            Died(exited: ex is AgentExitedException);
        }
        catch (CorruptCheckpointException ex)
        {
            BeginUpdate(false);
            Narrate($"agent refuses to start: {ex.Message}");
            // The agent refuses to start for good; atomic-checkpoint reports why, and convergence can never be reached.
            Cluster.AgentStuck = true;
            Cluster.Refinement?.RecoveryEnded(stuck: true);
            ObserveCheckpoint("when the agent refused to start");
        }

        ReportChanged();
    }

    private void HandlePump(Event e)
    {
        var agent = Cluster.Agent;
        if (agent is null || Cluster.RegisteredEpoch != Cluster.Epoch || Cluster.Transport.InFlightCount(Cluster.AgentId) == 0)
        {
            return;
        }

        // A fault at the moment a message arrives lands exactly between two messages, which is where the windows are;
        // the injector's faults at arbitrary moments may miss them under priority-based schedules.
        if (Cluster.Enabled(FaultKinds.BreakLink) && DrawFault())
        {
            Cluster.Refinement?.LinkBroken();
            ConnectionLost();
            SendEvent(Id, new ReconnectAgent(Cluster.Epoch));
            ReportChanged();
            return;
        }

        if ((Cluster.Enabled(FaultKinds.Crash) || Cluster.Enabled(FaultKinds.PowerLoss)) && DrawFault())
        {
            powerLossAtCrash = Cluster.Enabled(FaultKinds.PowerLoss) && (!Cluster.Enabled(FaultKinds.Crash) || RandomBoolean());
            powerLossMode = RandomBoolean() ? PowerLossMode.Drop : PowerLossMode.KeepMetadata;
            Died(exited: false);
            ReportChanged();
            return;
        }

        if (!Cluster.Transport.TryDeliverNext(Cluster.AgentId, out var message))
        {
            return;
        }

        try
        {
            Narrate($"agent receives {message}");
            Cluster.Refinement?.DeliveryStarting(message);
            BeginUpdate(message is not RunTaskMessage);
            var reply = agent.Handle(message);
            BeginUpdate(false);
            if (reply is TaskReply ended)
            {
                Cluster.Refinement?.TaskEnded(ended);
            }
            else
            {
                Cluster.Refinement?.DeliveryEnded();
            }

            Narrate($"{ReplyText(reply)}");
            if (message is RunTaskMessage task && reply is TaskReply taskReply)
            {
                if (Cluster.Checks(ClusterProperties.FreshVolume))
                {
                    Check(FreshVolumeCheck.TaskRan(task.Role, task.Id, task.Incarnation, taskReply.SeenData));
                }

                if (taskReply.Outcome == TaskOutcome.Ran)
                {
                    Cluster.NoDataLoss?.TaskDataWritten(task.Role, task.Id, task.Incarnation);
                }
            }
        }
        catch (Exception ex) when (ex is SimulatedCrashException or AgentExitedException)
        {
            BeginUpdate(false);
            Died(exited: ex is AgentExitedException);
        }

        ReportChanged();
    }

    private void HandleRegistered(Event e)
    {
        if (((AgentRegistered)e).Epoch == Cluster.Epoch && Cluster.Agent is not null)
        {
            Cluster.RegisteredEpoch = Cluster.Epoch;
        }

        ReportChanged();
    }

    private void HandleReconnect(Event e)
    {
        // One registration per connection: a broken link and a failover may both tell the agent to re-register on it.
        if (Cluster.Agent is { } agent && ((ReconnectAgent)e).Epoch == Cluster.Epoch && registeredOn != Cluster.Epoch)
        {
            Register(agent.Resources);
        }

        ReportChanged();
    }

    private void HandleCrash(Event e)
    {
        if (Cluster.Agent is null)
        {
            return;
        }

        if (!Cluster.TryTakeFault())
        {
            return;
        }

        var crash = (InjectCrash)e;
        powerLossAtCrash = crash.PowerLoss;
        powerLossMode = crash.Mode;
        Died(exited: false);
        ReportChanged();
    }

    private void HandleBreakLink(Event e)
    {
        if (Cluster.Agent is null || Cluster.RegisteredEpoch != Cluster.Epoch || !Cluster.TryTakeFault())
        {
            return;
        }

        Cluster.Refinement?.LinkBroken();
        ConnectionLost();
        SendEvent(Id, new ReconnectAgent(Cluster.Epoch));
        ReportChanged();
    }

    private void Register(ResourceSet resources)
    {
        registeredOn = Cluster.Epoch;
        // Every registration is checked, the first one included (it recovers from whatever the disk holds).
        if (Cluster.Checks(ClusterProperties.RecoverBeforeRegister))
        {
            Check(RecoverBeforeRegisterCheck.Registering(ClusterProperties.ObserveDisk(Cluster.Disk)));
        }

        // A new master that has not yet adopted the agent has no view to check against: the check waits for the adoption.
        if (Cluster.NoDataLoss is { } noDataLoss && !Cluster.Master.IsAdopting(Cluster.AgentId))
        {
            Check(noDataLoss.AgentRecovered(ImplCluster.VolumeDirectories(Cluster.Disk), Cluster.Master.ViewWithIncarnations(Cluster.AgentId)));
        }

        SendEvent(Cluster.MasterActor, new RegisterAgent(resources, Cluster.Epoch));
    }

    /// <summary>The process is gone (exit, crash or power loss): memory and inbox are lost, and it will start again.</summary>
    private void Died(bool exited)
    {
        Cluster.Agent = null;
        var powerLoss = powerLossAtCrash;
        Cluster.Refinement?.Died(exited, powerLoss, powerLossMode);
        Narrate($"agent dies {(powerLoss ? $"with a power loss ({powerLossMode})" : "(crash or exit): memory and inbox lost")}");
        powerLossAtCrash = false;
        if (powerLoss)
        {
            Cluster.Disk.PowerLoss(powerLossMode);
        }
        else
        {
            Cluster.Disk.Crash();
        }

        ObserveCheckpoint(powerLoss ? "after a power loss" : "after a crash");
        ConnectionLost();
        SendEvent(Id, new RestartAgent());
    }

    private void ConnectionLost()
    {
        Narrate("the connection breaks: messages in flight are lost");
        Cluster.Transport.Break(Cluster.AgentId);
        Cluster.Epoch++;
        Cluster.RegisteredEpoch = -1;
        if (!Cluster.Enabled(FaultKinds.LateNotice))
        {
            // A prompt notice is atomic with the break: as an event it would still let queued operations through.
            Cluster.Master.NoticeDisconnect(Cluster.AgentId);
            Cluster.Refinement?.Noticed();
        }

        // The death or break is complete here; the notice below is a send, where Coyote may run another actor first.
        Refine();
        if (Cluster.Enabled(FaultKinds.LateNotice))
        {
            // The master notices whenever its handler gets to the notice, after whatever operations frameworks queued
            // meanwhile, or never and learns only from the re-registration.
            if (RandomBoolean())
            {
                SendEvent(Cluster.MasterActor, new NoticeDisconnect());
            }
        }
    }

    private void ObserveCheckpoint(string when, bool commits = false)
    {
        if (Cluster.AtomicCheckpoint is not { } atomicCheckpoint)
        {
            return;
        }

        var info = Cluster.Disk.FileExists(AgentLayout.InfoFile) ? Cluster.Disk.ReadFile(AgentLayout.InfoFile) : null;
        Check(atomicCheckpoint.Observed(when, info, commits));
    }
}
