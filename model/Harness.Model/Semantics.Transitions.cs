using System.Text;

namespace Harness.Model;

/// <summary>What each action does: the transitions of the model and the property checks that belong to them.</summary>
public sealed partial class Semantics
{
    /// <summary>
    /// Applies an enabled action to <paramref name="s"/>. Returns the mask of properties the step violated.
    /// When <paramref name="log"/> is given, every event is narrated into it.
    /// </summary>
    public uint Apply(ref ModelState s, in ModelAction action, List<string>? log = null)
    {
        uint violations = 0;
        var a = action.Agent;
        switch (action.Kind)
        {
            case ActionKind.Reserve:
            case ActionKind.Unreserve:
            case ActionKind.Create:
            case ActionKind.Destroy:
                ApplyOperation(ref s, action, log);
                break;
            case ActionKind.Use:
                violations |= ApplyUse(ref s, a, action.Slot, log);
                break;
            case ActionKind.Deliver:
                violations |= ApplyDeliver(ref s, action, log);
                break;
            case ActionKind.Restart:
                violations |= ApplyRestart(ref s, action, log);
                break;
            case ActionKind.Reconnect:
                log?.Add("agent re-registers over a new connection");
                violations |= Register(ref s, a, log);
                break;
            case ActionKind.BreakLink:
                Spend(ref s, _l.LinkLeft);
                s.Set(_l.Status[a], (ulong)AgentStatus.Disconnected);
                log?.Add(Lost(in s, a, "connection breaks"));
                ClearChannel(ref s, a);
                break;
            case ActionKind.MasterNotices:
                s.SetBool(_l.MasterConnected[a], false);
                log?.Add("master notices the agent is gone and marks it disconnected");
                break;
            case ActionKind.Crash:
                Spend(ref s, _l.CrashLeft);
                log?.Add(Lost(in s, a, "agent crashes"));
                GoDown(ref s, a);
                break;
            case ActionKind.PowerLoss:
                Spend(ref s, _l.PowerLeft);
                violations |= LosePower(ref s, a, action.Fault, log);
                break;
            case ActionKind.Writeback:
                Writeback(ref s, a);
                log?.Add("operating system writes back every pending write: the disk is durable");
                break;
            case ActionKind.Failover:
                Spend(ref s, _l.FailoverLeft);
                FailOver(ref s, log);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(action));
        }

        return violations;
    }

    private void ApplyOperation(ref ModelState s, in ModelAction action, List<string>? log)
    {
        var a = action.Agent;
        var view = s.Get(_l.MasterView[a]);
        Spend(ref s, _l.OpsLeft);
        switch (action.Kind)
        {
            case ActionKind.Reserve:
                view = _l.WithReserved(view, action.Role, _l.Reserved(view, action.Role) + action.Size);
                log?.Add($"master accepts RESERVE {Names.Role(action.Role)} size={action.Size}");
                break;
            case ActionKind.Unreserve:
                view = _l.WithReserved(view, action.Role, _l.Reserved(view, action.Role) - action.Size);
                log?.Add($"master accepts UNRESERVE {Names.Role(action.Role)} size={action.Size}");
                break;
            case ActionKind.Create:
                {
                    var inc = s.GetInt(_l.Creates[a]) + 1;
                    s.Set(_l.Creates[a], (ulong)inc);
                    view = _l.WithInc(view, action.Slot, inc);
                    s.Set(_l.VolumeSize[a, action.Slot], (ulong)action.Size);
                    log?.Add($"master accepts CREATE {Names.Volume(action.Slot)} size={action.Size} (incarnation {inc})");
                    break;
                }

            case ActionKind.Destroy:
                log?.Add($"master accepts DESTROY {Names.Volume(action.Slot)} (incarnation {_l.Inc(view, action.Slot)})");
                view = _l.WithInc(view, action.Slot, 0);
                s.Set(_l.VolumeSize[a, action.Slot], 0);
                break;
            default:
                break;
        }

        s.Set(_l.MasterView[a], view);
        Send(ref s, a, log);
    }

    private void Send(ref ModelState s, int a, List<string>? log)
    {
        var message = AgentView(s.Get(_l.MasterView[a]));
        if (s.GetInt(_l.Status[a]) != (int)AgentStatus.Connected)
        {
            log?.Add($"master sends CheckpointResources {Format(message)}: lost, the connection is dead");
            return;
        }

        var len = s.GetInt(_l.ChannelLength[a]);
        if (len >= _l.ChannelCapacity)
        {
            throw new InvalidOperationException("connection holds more messages than the bounds allow");
        }

        s.Set(_l.Channel[a, len], message);
        s.Set(_l.ChannelLength[a], (ulong)(len + 1));
        log?.Add($"master sends CheckpointResources {Format(message)}");
    }

    private uint ApplyUse(ref ModelState s, int a, int slot, List<string>? log)
    {
        uint violations = 0;
        var inc = MasterInc(in s, a, slot);
        var seen = s.GetInt(_l.DataNow[a, slot]);
        log?.Add($"task uses {Names.Volume(slot)} (incarnation {inc}): sees {(seen == 0 ? "an empty volume" : $"data of incarnation {seen}")}, writes data of incarnation {inc}");
        if (seen != 0 && seen != inc)
        {
            violations |= PropertyId.FreshVolume.Bit();
            log?.Add($"VIOLATION {PropertyId.FreshVolume.Name()}: task on {Names.Volume(slot)} (incarnation {inc}) sees data of incarnation {seen}");
        }

        // The task makes its own data durable, so the directory and the data survive a power loss. Its fsync of the role
        // directory makes every entry there durable, so the sibling volumes' directories (created or removed) persist too.
        s.Set(_l.DataNow[a, slot], (ulong)inc);
        s.Set(_l.DataDurable[a, slot], (ulong)inc);
        var role = _l.RoleOf(slot);
        for (var other = 0; other < _l.Slots; other++)
        {
            if (_l.RoleOf(other) == role)
            {
                s.SetBool(_l.DirDurable[a, other], s.GetBool(_l.DirNow[a, other]));
                s.Set(_l.DataDurable[a, other], s.Get(_l.DataNow[a, other]));
            }
        }

        return violations;
    }

    private uint ApplyDeliver(ref ModelState s, in ModelAction action, List<string>? log)
    {
        var a = action.Agent;
        var message = s.Get(_l.Channel[a, 0]);
        PopChannel(ref s, a);
        var old = s.Get(_l.Memory[a]);
        log?.Add($"agent receives CheckpointResources {Format(message)}");
        if (message == old)
        {
            log?.Add("agent: the set equals its checkpointed resources; nothing to do");
            return 0;
        }

        Span<IoStep> steps = stackalloc IoStep[MaxSteps];
        var n = PlanUpdate(old, message, steps, fromMessage: true);
        return RunSteps(ref s, action, steps[..n], old, message, recovering: false, log);
    }

    private uint ApplyRestart(ref ModelState s, in ModelAction action, List<string>? log)
    {
        var a = action.Agent;
        log?.Add("agent starts and recovers from disk");
        var info = s.GetFile(_l.Info[a, 0]);
        if (info.Kind == FileKind.Empty)
        {
            s.Set(_l.Status[a], (ulong)AgentStatus.Stuck);
            log?.Add("agent refuses to start: meta/resources/resources.info does not parse (empty)");
            return 0;
        }

        var committed = info.Set;
        if (_target)
        {
            var target = s.GetFile(_l.Target[a, 0]);
            if (target.Kind == FileKind.Empty)
            {
                s.Set(_l.Status[a], (ulong)AgentStatus.Stuck);
                log?.Add("agent refuses to start: meta/resources/resources.target does not parse (empty)");
                return 0;
            }

            if (target.Kind == FileKind.Set)
            {
                log?.Add($"agent finds a pending target {Format(target.Set)} over the checkpoint {Format(committed)}");
                Span<IoStep> steps = stackalloc IoStep[MaxSteps];
                var n = PlanUpdate(committed, target.Set, steps, fromMessage: false);

                // On success RunSteps registers the agent; on a fault the agent is down again.
                return RunSteps(ref s, action, steps[..n], committed, target.Set, recovering: true, log);
            }
        }

        s.Set(_l.Memory[a], committed);
        log?.Add($"agent recovers checkpointed resources {Format(committed)}");
        return Register(ref s, a, log);
    }

    /// <summary>
    /// Runs the planned I/O steps of an update (or a recovery), with the action's fault at its step.
    /// On success the agent's memory becomes <paramref name="next"/>; a recovery then registers.
    /// </summary>
    private uint RunSteps(
        ref ModelState s, in ModelAction action, ReadOnlySpan<IoStep> steps, ulong old, ulong next, bool recovering, List<string>? log)
    {
        uint violations = 0;
        var a = action.Agent;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            if (action.Fault == Fault.Fail && action.Step == i)
            {
                Spend(ref s, _l.IoLeft);
                log?.Add($"agent: {Describe(step, next)} FAILS (I/O error)");
                return violations | OnFailure(ref s, a, steps[..i], step, old, next, recovering, log);
            }

            violations |= Perform(ref s, a, step, old, next, log);

            if (action.Step == i && action.Fault is Fault.Crash)
            {
                Spend(ref s, _l.CrashLeft);
                log?.Add(Lost(in s, a, "agent crashes"));
                GoDown(ref s, a);
                return violations;
            }

            if (action.Step == i && action.Fault is Fault.Writeback)
            {
                // The kernel's periodic flush may land inside an update: everything so far becomes durable, the agent goes on.
                Writeback(ref s, a);
                log?.Add("operating system writes back every pending write: the disk is durable");
            }

            if (action.Step == i && action.Fault is Fault.PowerLoss or Fault.PowerLossKeepMetadata)
            {
                Spend(ref s, _l.PowerLeft);
                return violations | LosePower(ref s, a, action.Fault, log);
            }
        }

        s.Set(_l.Memory[a], next);
        if (recovering)
        {
            log?.Add($"agent finished the pending target; checkpointed resources {Format(next)}");
            return violations | Register(ref s, a, log);
        }

        log?.Add($"agent: checkpointed resources are now {Format(next)}");
        return violations;
    }

    private uint Perform(ref ModelState s, int a, IoStep step, ulong old, ulong next, List<string>? log)
    {
        log?.Add($"agent: {Describe(step, next)}");
        switch (step.Kind)
        {
            case StepKind.WriteInfo:
                return WriteInfo(ref s, a, next, old, next);
            case StepKind.WriteTarget:
                WriteFile(ref s, _l.Target, a, next);
                return 0;
            case StepKind.Mkdir:
                if (s.GetBool(_l.DirNow[a, step.Slot]))
                {
                    log?.Add($"agent: {VolumePath(step.Slot)} exists; kept with its contents");
                }
                else
                {
                    s.SetBool(_l.DirNow[a, step.Slot], true);
                    s.Set(_l.DataNow[a, step.Slot], 0);
                }

                SyncDirIfDurable(ref s, a, step.Slot);
                return 0;
            case StepKind.Rmdir:
                {
                    uint v = 0;
                    var data = s.GetInt(_l.DataNow[a, step.Slot]);
                    if (!s.GetBool(_l.DirNow[a, step.Slot]))
                    {
                        log?.Add($"agent: warning: {VolumePath(step.Slot)} does not exist");
                    }
                    else if (data != 0 && data == MasterInc(in s, a, step.Slot))
                    {
                        v = PropertyId.NoDataLoss.Bit();
                        log?.Add($"VIOLATION {PropertyId.NoDataLoss.Name()}: removes data of {Names.Volume(step.Slot)} incarnation {data}, which the master still holds");
                    }

                    if ((MistakesForTesting & ModelMistakes.SkipRmdir) != 0)
                    {
                        return v;
                    }

                    s.SetBool(_l.DirNow[a, step.Slot], false);
                    s.Set(_l.DataNow[a, step.Slot], 0);
                    SyncDirIfDurable(ref s, a, step.Slot);
                    return v;
                }

            case StepKind.RenameTarget:
                for (var view = 0; view < Layout.FileViews; view++)
                {
                    // Without a directory fsync the rename is not durable: the dropped view keeps the old names.
                    if (view == (int)FileView.Durable && !Durable(in s))
                    {
                        continue;
                    }

                    s.Set(_l.Info[a, view], s.Get(_l.Target[a, view]));
                    s.SetFile(_l.Target[a, view], FileContent.Absent);
                }

                return 0;
            default:
                throw new ArgumentOutOfRangeException(nameof(step));
        }
    }

    private uint OnFailure(
        ref ModelState s, int a, ReadOnlySpan<IoStep> done, IoStep failed, ulong old, ulong next, bool recovering, List<string>? log)
    {
        var volumeStep = failed.Kind is StepKind.Mkdir or StepKind.Rmdir;
        if (Design == Design.KeepGoing && volumeStep && !recovering)
        {
            log?.Add($"agent logs the error, keeps checkpointed resources {Format(old)} and keeps running");
            return 0;
        }

        uint violations = 0;
        if (Design == Design.PartialExit && volumeStep)
        {
            var partial = old;
            foreach (var step in done)
            {
                partial = _l.WithInc(partial, step.Slot, step.Kind == StepKind.Mkdir ? _l.Inc(next, step.Slot) : 0);
            }

            log?.Add($"agent: write meta/resources/resources.info = {Format(partial)} (old set plus what succeeded)");
            violations |= WriteInfo(ref s, a, partial, old, next);
        }

        log?.Add(Lost(in s, a, "agent exits"));
        GoDown(ref s, a);
        return violations;
    }

    private uint WriteInfo(ref ModelState s, int a, ulong content, ulong old, ulong next)
    {
        WriteFile(ref s, _l.Info, a, content);
        if (content != old && content != next)
        {
            return PropertyId.AtomicCheckpoint.Bit();
        }

        return 0;
    }

    private void WriteFile(ref ModelState s, Field[,] file, int a, ulong set)
    {
        var content = FileContent.Of(set);
        s.SetFile(file[a, (int)FileView.Now], content);
        if (Durable(in s))
        {
            // Temporary file fsynced, renamed, directory fsynced: every view holds the new set.
            s.SetFile(file[a, (int)FileView.Durable], content);
            s.SetFile(file[a, (int)FileView.KeepMetadata], content);
        }
        else
        {
            // The rename may reach the disk before the data: a kept directory entry points at an empty file.
            s.SetFile(file[a, (int)FileView.KeepMetadata], FileContent.Empty);
        }
    }

    private void SyncDirIfDurable(ref ModelState s, int a, int slot)
    {
        if (Durable(in s))
        {
            s.Set(_l.DirDurable[a, slot], s.Get(_l.DirNow[a, slot]));
            s.Set(_l.DataDurable[a, slot], s.Get(_l.DataNow[a, slot]));
        }
    }

    private uint Register(ref ModelState s, int a, List<string>? log)
    {
        uint violations = 0;
        var info = s.GetFile(_l.Info[a, 0]);
        var target = s.GetFile(_l.Target[a, 0]);

        // Only a narrated step says what is wrong: the checker's millions of registrations allocate nothing.
        var mismatch = log is null ? null : new StringBuilder();
        for (var slot = 0; slot < _l.Slots; slot++)
        {
            var listed = info.Kind == FileKind.Set && _l.Inc(info.Set, slot) != 0;
            var exists = s.GetBool(_l.DirNow[a, slot]);
            if (listed != exists && mismatch is not null)
            {
                mismatch.Append(exists ? $" {VolumePath(slot)} exists but is not checkpointed;" : $" {VolumePath(slot)} is checkpointed but missing;");
            }

            if (listed != exists)
            {
                violations = PropertyId.RecoverBeforeRegister.Bit();
            }
        }

        if (target.Kind != FileKind.Absent)
        {
            violations = PropertyId.RecoverBeforeRegister.Bit();
            mismatch?.Append(" a target file is pending;");
        }

        if (violations != 0)
        {
            log?.Add($"VIOLATION {PropertyId.RecoverBeforeRegister.Name()}: agent registers while{mismatch!.ToString().TrimEnd(';')}");
        }

        s.Set(_l.Status[a], (ulong)AgentStatus.Connected);
        s.SetBool(_l.MasterConnected[a], true);
        ClearChannel(ref s, a);
        if (s.GetBool(_l.Adopting[a]))
        {
            Adopt(ref s, a);
            log?.Add($"agent registers with {Format(s.Get(_l.Memory[a]))}; the new master adopts it as its view {Format(s.Get(_l.MasterView[a]))}");
        }
        else
        {
            log?.Add($"agent registers with {Format(s.Get(_l.Memory[a]))}; master marks it connected and keeps its own view");
        }

        Send(ref s, a, log);
        return violations;
    }

    /// <summary>
    /// The master fails over: every connection drops with what it carried, running agents find themselves disconnected,
    /// and the new master knows no agent as connected until it registers. Its views are gone; the model keeps the old
    /// view only as the ghost that <see cref="Adopt"/> reads the incarnations from. The incarnation counter (<c>Creates</c>)
    /// lives in the durable registry and survives.
    /// </summary>
    private void FailOver(ref ModelState s, List<string>? log)
    {
        log?.Add("master fails over: the new master has no view of any agent, every connection drops with what it carried");
        for (var a = 0; a < _l.Agents; a++)
        {
            ClearChannel(ref s, a);
            s.SetBool(_l.MasterConnected[a], false);
            s.SetBool(_l.Adopting[a], true);
            if (s.GetInt(_l.Status[a]) == (int)AgentStatus.Connected)
            {
                s.Set(_l.Status[a], (ulong)AgentStatus.Disconnected);
            }
        }
    }

    /// <summary>
    /// The first registration after a failover: the master takes the set the agent reports (its in-memory checkpointed
    /// resources) as its view. Where messages carry incarnations the reported ones are the view's. Where they do not, the
    /// ghost incarnation that tells one CREATE's data from another's is kept for a volume the old master held (a framework
    /// cannot tell the reported volume from the one it last created), and a volume the old master did not hold comes back
    /// with a fresh one: the framework never created it again, so any data in it belongs to an earlier incarnation.
    /// </summary>
    private void Adopt(ref ModelState s, int a)
    {
        s.SetBool(_l.Adopting[a], false);
        var reported = s.Get(_l.Memory[a]);
        var ghost = s.Get(_l.MasterView[a]);
        var view = reported;
        for (var slot = 0; slot < _l.Slots; slot++)
        {
            if (_l.Inc(reported, slot) == 0)
            {
                s.Set(_l.VolumeSize[a, slot], 0);
                continue;
            }

            if (_l.Inc(ghost, slot) == 0)
            {
                // Sizes are the master's alone in the model: a volume it did not hold comes back at the smallest size.
                s.Set(_l.VolumeSize[a, slot], 1);
            }

            if (!_incarnations)
            {
                var inc = _l.Inc(ghost, slot);
                if (inc == 0)
                {
                    inc = s.GetInt(_l.Creates[a]) + 1;
                    s.Set(_l.Creates[a], (ulong)inc);
                }

                view = _l.WithInc(view, slot, inc);
            }
        }

        s.Set(_l.MasterView[a], view);
    }

    /// <summary>
    /// An orderly stop of a running agent (the first half of a clean restart): the process ends between two steps, so
    /// it loses its memory and the messages in flight, and the disk keeps everything it was given, as after a crash.
    /// </summary>
    public void Stop(ref ModelState s, int a, List<string>? log = null)
    {
        log?.Add(Lost(in s, a, "agent stops (orderly shutdown)"));
        GoDown(ref s, a);
    }

    /// <summary>
    /// The harness damages a checkpoint file (truncated, emptied or overwritten with garbage): every kind reads as a file
    /// that does not parse. The damage is written and synced, so it is durable: a power loss does not undo it.
    /// </summary>
    public void Damage(ref ModelState s, int a, Checkpoint file, DamageKind kind, List<string>? log = null)
    {
        var fields = file == Checkpoint.Info ? _l.Info : _l.Target;
        for (var view = 0; view < Layout.FileViews; view++)
        {
            s.SetFile(fields[a, view], FileContent.Empty);
        }

        var name = file == Checkpoint.Info ? "resources.info" : "resources.target";
        log?.Add($"the harness damages meta/resources/{name} ({kind.ToString().ToLowerInvariant()}): it no longer parses");
    }

    private uint LosePower(ref ModelState s, int a, Fault mode, List<string>? log)
    {
        var keep = mode == Fault.PowerLossKeepMetadata;
        log?.Add(Lost(in s, a, keep
            ? "power loss (directory entries were committed, unsynced file data is lost)"
            : "power loss (everything not synced is lost)"));
        if (_l.GroupedViews)
        {
            RevertGrouped(ref s, a, keep);
        }
        else
        {
            Revert(ref s, a, keep);
        }

        if (s.GetInt(_l.Status[a]) != (int)AgentStatus.Stuck)
        {
            GoDown(ref s, a);
        }

        Normalize(ref s);
        var info = s.GetFile(_l.Info[a, 0]);
        log?.Add($"disk after power loss: resources.info {Format(info)}, resources.target {Format(s.GetFile(_l.Target[a, 0]))}");
        if (info.Kind == FileKind.Empty)
        {
            log?.Add($"VIOLATION {PropertyId.AtomicCheckpoint.Name()}: resources.info is empty after the power loss");
            return PropertyId.AtomicCheckpoint.Bit();
        }

        return 0;
    }

    private void RevertGrouped(ref ModelState s, int a, bool keepMetadata)
    {
        Field now = _l.ViewGroup[a, (int)FileView.Now], durable = _l.ViewGroup[a, (int)FileView.Durable];
        Field metadata = _l.ViewGroup[a, (int)FileView.KeepMetadata];
        if (keepMetadata)
        {
            // Directories stay as they are now; the files become what their synced data says.
            var after = (s.Get(now) & ~_l.FilesMask) | s.Get(metadata);
            s.Set(now, after);
            s.Set(durable, after);
        }
        else
        {
            var after = s.Get(durable);
            s.Set(now, after);
            s.Set(metadata, after & _l.FilesMask);
        }
    }

    private void Revert(ref ModelState s, int a, bool keep)
    {
        var from = keep ? (int)FileView.KeepMetadata : (int)FileView.Durable;
        for (var view = 0; view < Layout.FileViews; view++)
        {
            if (view != from)
            {
                s.Set(_l.Info[a, view], s.Get(_l.Info[a, from]));
                s.Set(_l.Target[a, view], s.Get(_l.Target[a, from]));
            }
        }

        for (var slot = 0; slot < _l.Slots; slot++)
        {
            if (keep)
            {
                s.Set(_l.DirDurable[a, slot], s.Get(_l.DirNow[a, slot]));
                s.Set(_l.DataDurable[a, slot], s.Get(_l.DataNow[a, slot]));
            }
            else
            {
                s.Set(_l.DirNow[a, slot], s.Get(_l.DirDurable[a, slot]));
                s.Set(_l.DataNow[a, slot], s.Get(_l.DataDurable[a, slot]));
            }
        }
    }

    private void Writeback(ref ModelState s, int a)
    {
        if (_l.GroupedViews)
        {
            var now = s.Get(_l.ViewGroup[a, (int)FileView.Now]);
            s.Set(_l.ViewGroup[a, (int)FileView.Durable], now);
            s.Set(_l.ViewGroup[a, (int)FileView.KeepMetadata], now & _l.FilesMask);
            return;
        }

        for (var view = 1; view < Layout.FileViews; view++)
        {
            s.Set(_l.Info[a, view], s.Get(_l.Info[a, 0]));
            s.Set(_l.Target[a, view], s.Get(_l.Target[a, 0]));
        }

        for (var slot = 0; slot < _l.Slots; slot++)
        {
            s.Set(_l.DirDurable[a, slot], s.Get(_l.DirNow[a, slot]));
            s.Set(_l.DataDurable[a, slot], s.Get(_l.DataNow[a, slot]));
        }
    }

    private bool HasUnsynced(in ModelState s, int a)
    {
        if (_l.GroupedViews)
        {
            var now = s.Get(_l.ViewGroup[a, (int)FileView.Now]);
            return s.Get(_l.ViewGroup[a, (int)FileView.Durable]) != now ||
                   s.Get(_l.ViewGroup[a, (int)FileView.KeepMetadata]) != (now & _l.FilesMask);
        }

        for (var view = 1; view < Layout.FileViews; view++)
        {
            if (s.Get(_l.Info[a, view]) != s.Get(_l.Info[a, 0]) || s.Get(_l.Target[a, view]) != s.Get(_l.Target[a, 0]))
            {
                return true;
            }
        }

        for (var slot = 0; slot < _l.Slots; slot++)
        {
            if (s.Get(_l.DirDurable[a, slot]) != s.Get(_l.DirNow[a, slot]) || s.Get(_l.DataDurable[a, slot]) != s.Get(_l.DataNow[a, slot]))
            {
                return true;
            }
        }

        return false;
    }

    private void GoDown(ref ModelState s, int a)
    {
        s.Set(_l.Status[a], (ulong)AgentStatus.Down);
        s.Set(_l.Memory[a], 0);
        ClearChannel(ref s, a);
    }

    private void ClearChannel(ref ModelState s, int a)
    {
        var masks = _l.ChannelMask[a];
        for (var w = 0; w < _l.Words; w++)
        {
            s.SetWord(w, s.Word(w) & ~masks[w]);
        }
    }

    private void PopChannel(ref ModelState s, int a)
    {
        var len = s.GetInt(_l.ChannelLength[a]);
        for (var i = 1; i < len; i++)
        {
            s.Set(_l.Channel[a, i - 1], s.Get(_l.Channel[a, i]));
        }

        s.Set(_l.Channel[a, len - 1], 0);
        s.Set(_l.ChannelLength[a], (ulong)(len - 1));
    }

    private static void Spend(ref ModelState s, Field budget)
    {
        var left = s.Get(budget);
        if (left > 0)
        {
            s.Set(budget, left - 1);
        }
    }

    /// <summary>
    /// Whether writes are durable at once: always in the durable design, and in every design once no power
    /// loss can happen any more, because then what is durable can no longer be observed. Treating writes as
    /// durable then keeps such states in one canonical form, so they merge in the checker.
    /// </summary>
    private bool Durable(in ModelState s) => _durable || s.GetInt(_l.PowerLeft) == 0;

    /// <summary>
    /// Puts a state in its canonical form: once no power loss can happen any more, the durable views are
    /// made equal to the present. Transitions keep that form afterwards (see <see cref="Durable"/>).
    /// </summary>
    public void Normalize(ref ModelState s)
    {
        if (s.GetInt(_l.PowerLeft) > 0)
        {
            return;
        }

        for (var a = 0; a < _l.Agents; a++)
        {
            Writeback(ref s, a);
        }
    }
}
