namespace Harness.Model;

/// <summary>The enabled actions of a state, why an action is not enabled, and the I/O plans of deliveries and restarts.</summary>
public sealed partial class Semantics
{
    /// <summary>Writes every enabled action of <paramref name="s"/> into <paramref name="buffer"/>; returns how many.</summary>
    public int Enumerate(in ModelState s, Span<ModelAction> buffer)
    {
        var n = 0;
        Span<IoStep> steps = stackalloc IoStep[MaxSteps];
        var io = s.GetInt(_l.IoLeft) > 0;
        var crash = s.GetInt(_l.CrashLeft) > 0;
        var power = s.GetInt(_l.PowerLeft) > 0;
        var ops = s.GetInt(_l.OpsLeft) > 0;
        for (var a = 0; a < _l.Agents; a++)
        {
            var status = (AgentStatus)s.GetInt(_l.Status[a]);
            var mc = s.GetBool(_l.MasterConnected[a]);
            if (mc && ops)
            {
                AddOperations(in s, a, buffer, ref n);
            }

            if (status == AgentStatus.Connected && mc && s.GetInt(_l.ChannelLength[a]) == 0)
            {
                var view = s.Get(_l.MasterView[a]);
                for (var slot = 0; slot < _l.Slots; slot++)
                {
                    // A task that changes nothing (same data, everything it fsyncs already durable) is not a step.
                    var inc = _l.Inc(view, slot);
                    if (inc != 0 && s.GetBool(_l.DirNow[a, slot]) && UseChangesState(in s, a, slot, inc))
                    {
                        buffer[n++] = new ModelAction(ActionKind.Use, a, _l.RoleOf(slot), slot);
                    }
                }
            }

            switch (status)
            {
                case AgentStatus.Connected:
                    if (s.GetInt(_l.ChannelLength[a]) > 0)
                    {
                        var k = PlanDelivery(in s, a, steps);
                        AddWithFaults(new ModelAction(ActionKind.Deliver, a), k, io, crash, power, DropAfterStep(in s), WritebackMatters(in s), buffer, ref n);
                    }

                    if (s.GetInt(_l.LinkLeft) > 0)
                    {
                        buffer[n++] = new ModelAction(ActionKind.BreakLink, a);
                    }

                    break;
                case AgentStatus.Down:
                    {
                        var k = PlanRecovery(in s, a, steps);
                        AddWithFaults(new ModelAction(ActionKind.Restart, a), k, io, crash, power, DropAfterStep(in s), WritebackMatters(in s), buffer, ref n);
                        break;
                    }

                case AgentStatus.Disconnected:
                    buffer[n++] = new ModelAction(ActionKind.Reconnect, a);
                    break;
                default:
                    break;
            }

            if (mc && status != AgentStatus.Connected && (Reductions & Reductions.MasterNotices) == 0)
            {
                buffer[n++] = new ModelAction(ActionKind.MasterNotices, a);
            }

            if (crash && status is AgentStatus.Connected or AgentStatus.Disconnected)
            {
                buffer[n++] = new ModelAction(ActionKind.Crash, a);
            }

            var unsynced = power && HasUnsynced(in s, a);
            if (power && status != AgentStatus.Stuck)
            {
                buffer[n++] = new ModelAction(ActionKind.PowerLoss, a, Fault: Fault.PowerLoss);

                // With nothing unsynced both kinds of power loss leave the same disk.
                if (unsynced || (Reductions & Reductions.PowerLoss) == 0)
                {
                    buffer[n++] = new ModelAction(ActionKind.PowerLoss, a, Fault: Fault.PowerLossKeepMetadata);
                }
            }

            if (unsynced)
            {
                buffer[n++] = new ModelAction(ActionKind.Writeback, a);
            }
        }

        if (s.Get(_l.FailoverLeft) > 0)
        {
            buffer[n++] = new ModelAction(ActionKind.Failover);
        }

        return n;
    }

    /// <summary>
    /// Whether a task on <paramref name="slot"/> would change the state: it writes data of another incarnation, or its
    /// fsyncs make durable something that is not yet (its own directory or a sibling entry of its role directory).
    /// </summary>
    public bool UseChangesState(in ModelState s, int a, int slot, int inc)
    {
        if (s.GetInt(_l.DataNow[a, slot]) != inc || s.GetInt(_l.DataDurable[a, slot]) != inc || !s.GetBool(_l.DirDurable[a, slot]))
        {
            return true;
        }

        var role = _l.RoleOf(slot);
        for (var other = role * _l.IdsPerRole; other < (role + 1) * _l.IdsPerRole; other++)
        {
            if (s.Get(_l.DirDurable[a, other]) != s.Get(_l.DirNow[a, other]) || s.Get(_l.DataDurable[a, other]) != s.Get(_l.DataNow[a, other]))
            {
                return true;
            }
        }

        return false;
    }

    // The hot path of the model checker: the same rules as WhyInvalid for unit sizes, without messages.
    private void AddOperations(in ModelState s, int a, Span<ModelAction> buffer, ref int n)
    {
        var view = s.Get(_l.MasterView[a]);
        var reservedTotal = 0;
        for (var r = 0; r < _l.Roles; r++)
        {
            reservedTotal += _l.Reserved(view, r);
        }

        for (var r = 0; r < _l.Roles; r++)
        {
            if (reservedTotal < _l.Capacity)
            {
                buffer[n++] = new ModelAction(ActionKind.Reserve, a, r);
            }

            var free = _l.Reserved(view, r) - UsedBy(in s, a, r);
            if (free >= 1)
            {
                buffer[n++] = new ModelAction(ActionKind.Unreserve, a, r);
            }

            for (var i = 0; i < _l.IdsPerRole; i++)
            {
                var slot = (r * _l.IdsPerRole) + i;
                if (_l.Inc(view, slot) != 0)
                {
                    buffer[n++] = new ModelAction(ActionKind.Destroy, a, r, slot);
                }
                else if (free >= 1)
                {
                    buffer[n++] = new ModelAction(ActionKind.Create, a, r, slot);
                }
            }
        }
    }

    /// <summary>
    /// Whether a power loss that drops unsynced data must be tried after each I/O step. Where writes are not
    /// durable, such a power loss undoes every step before it, and the agent loses its inbox and memory
    /// anyway: the state it leaves is the one a power loss just before the delivery or restart leaves, which
    /// is enumerated on its own.
    /// </summary>
    private bool DropAfterStep(in ModelState s) => Durable(in s) || (Reductions & Reductions.PowerLoss) == 0;

    /// <summary>
    /// Whether a writeback inside an update or a recovery can matter: only while a power loss can still happen (after
    /// that, what is durable can no longer be observed) and only where the steps leave unsynced data (in the durable
    /// design every step is synced when it ends, so a writeback between two of them finds nothing to write).
    /// </summary>
    private bool WritebackMatters(in ModelState s) => !Durable(in s);

    private static void AddWithFaults(
        ModelAction plain, int steps, bool io, bool crash, bool power, bool drop, bool writeback, Span<ModelAction> buffer, ref int n)
    {
        buffer[n++] = plain;
        for (var i = 0; i < steps; i++)
        {
            if (io)
            {
                buffer[n++] = plain with { Fault = Fault.Fail, Step = i };
            }

            // A crash or power loss after the last step is the same as one while idle, which is enumerated apart.
            if (i == steps - 1)
            {
                continue;
            }

            if (crash)
            {
                buffer[n++] = plain with { Fault = Fault.Crash, Step = i };
            }

            if (power && drop)
            {
                buffer[n++] = plain with { Fault = Fault.PowerLoss, Step = i };
            }

            if (power)
            {
                buffer[n++] = plain with { Fault = Fault.PowerLossKeepMetadata, Step = i };
            }

            // The kernel's flush may land between any two steps; after the last one it is the writeback while idle.
            if (writeback)
            {
                buffer[n++] = plain with { Fault = Fault.Writeback, Step = i };
            }
        }
    }

    /// <summary>
    /// Why an action cannot happen in <paramref name="s"/>, in the words a user would see
    /// (the master's rejection message for an invalid operation), or null when it is enabled.
    /// Fault budgets are not consulted here: a scenario may use as many faults as it likes.
    /// </summary>
    public string? WhyNot(in ModelState s, in ModelAction action)
    {
        var a = action.Agent;
        if (a < 0 || a >= _l.Agents)
        {
            return $"no agent a{a + 1}";
        }

        var status = (AgentStatus)s.GetInt(_l.Status[a]);
        var view = s.Get(_l.MasterView[a]);
        switch (action.Kind)
        {
            case ActionKind.Reserve:
            case ActionKind.Unreserve:
            case ActionKind.Create:
            case ActionKind.Destroy:
                if (!s.GetBool(_l.MasterConnected[a]))
                {
                    return $"Agent {AgentName(a)} is not connected: operation dropped";
                }

                if (s.GetInt(_l.OpsLeft) == 0)
                {
                    return "no framework operations left in the bounds";
                }

                return WhyInvalid(in s, action);
            case ActionKind.Use:
                if (_l.Inc(view, action.Slot) == 0)
                {
                    return $"master holds no volume {Names.Volume(action.Slot)}";
                }

                if (status != AgentStatus.Connected || !s.GetBool(_l.MasterConnected[a]))
                {
                    return "a task can only be launched on an agent that is up and connected";
                }

                if (s.GetInt(_l.ChannelLength[a]) > 0)
                {
                    return "messages sent before the launch are still in flight (deliver them first)";
                }

                return s.GetBool(_l.DirNow[a, action.Slot])
                    ? null
                    : $"task fails to start: volume directory {VolumePath(action.Slot)} is missing";
            case ActionKind.Deliver:
                if (status != AgentStatus.Connected)
                {
                    return $"agent is {Describe(status)}";
                }

                return s.GetInt(_l.ChannelLength[a]) == 0 ? "nothing in flight to the agent" : null;
            case ActionKind.Restart:
                return status == AgentStatus.Down ? null : $"agent is {Describe(status)}, not down";
            case ActionKind.Reconnect:
                return status == AgentStatus.Disconnected ? null : $"agent is {Describe(status)}, not disconnected";
            case ActionKind.BreakLink:
                return status == AgentStatus.Connected ? null : $"agent is {Describe(status)}";
            case ActionKind.MasterNotices:
                if (!s.GetBool(_l.MasterConnected[a]))
                {
                    return "master already knows the agent is disconnected";
                }

                return status == AgentStatus.Connected ? "the agent's connection is alive" : null;
            case ActionKind.Crash:
                return status is AgentStatus.Connected or AgentStatus.Disconnected ? null : $"agent is {Describe(status)}";
            case ActionKind.PowerLoss:
                return status == AgentStatus.Stuck ? "agent is stuck" : null;
            case ActionKind.Writeback:
            case ActionKind.Failover:
                return null;
            default:
                return "unknown action";
        }
    }

    // The master's rules in the master's words (impl Master.Check), checked in the same order, so that lockstep can
    // hold the two sides to the same rejection text.
    private string? WhyInvalid(in ModelState s, in ModelAction action)
    {
        var a = action.Agent;
        var view = s.Get(_l.MasterView[a]);
        var size = action.Size;
        var role = Names.Role(action.Role);
        if (Names.RoleProblem(action.Role) is { } badRole)
        {
            return badRole;
        }

        switch (action.Kind)
        {
            case ActionKind.Reserve:
                {
                    if (size <= 0)
                    {
                        return $"Invalid RESERVE: the amount must be positive, got {size}";
                    }

                    var total = 0;
                    for (var r = 0; r < _l.Roles; r++)
                    {
                        total += _l.Reserved(view, r);
                    }

                    var unreserved = _l.Capacity - total;
                    return unreserved >= size
                        ? null
                        : $"Insufficient unreserved disk: RESERVE {size} for role '{role}' but only {unreserved} unreserved";
                }

            case ActionKind.Unreserve:
                {
                    if (size <= 0)
                    {
                        return $"Invalid UNRESERVE: the amount must be positive, got {size}";
                    }

                    var reserved = _l.Reserved(view, action.Role);
                    if (size > reserved)
                    {
                        return $"Insufficient reserved disk: UNRESERVE {size} for role '{role}' but only {reserved} reserved";
                    }

                    var free = reserved - UsedBy(in s, a, action.Role);
                    return free >= size
                        ? null
                        : $"Volume must be destroyed before unreserving: role '{role}' has {free} reserved units not used by volumes";
                }

            case ActionKind.Create:
                {
                    if (Names.IdProblem(action.Slot) is { } badId)
                    {
                        return badId;
                    }

                    if (size <= 0)
                    {
                        return $"Invalid CREATE: the size must be positive, got {size}";
                    }

                    if (_l.Inc(view, action.Slot) != 0)
                    {
                        return $"Persistence ID is not unique: {Names.Volume(action.Slot)}";
                    }

                    if (size > (int)_l.VolumeSize[a, action.Slot].Mask)
                    {
                        return $"size {size} is beyond the model's bounds";
                    }

                    var free = _l.Reserved(view, action.Role) - UsedBy(in s, a, action.Role);
                    return free >= size
                        ? null
                        : $"Insufficient reserved disk: CREATE {Names.Volume(action.Slot)} needs {size} but role '{role}' has {free} free reserved units";
                }

            case ActionKind.Destroy:
                return Names.IdProblem(action.Slot)
                    ?? (_l.Inc(view, action.Slot) != 0 ? null : $"Persistent volumes not found: {Names.Volume(action.Slot)}");
            default:
                return null;
        }
    }

    /// <summary>The master's name of agent <paramref name="a"/> (0-based): <c>a1</c>, <c>a2</c>, ...</summary>
    public static string AgentName(int a) => $"a{a + 1}";

    private int UsedBy(in ModelState s, int a, int role)
    {
        var view = s.Get(_l.MasterView[a]);
        var used = 0;
        for (var i = 0; i < _l.IdsPerRole; i++)
        {
            var slot = (role * _l.IdsPerRole) + i;
            if (_l.Inc(view, slot) != 0)
            {
                used += s.GetInt(_l.VolumeSize[a, slot]);
            }
        }

        return used;
    }

    /// <summary>The I/O steps that delivering the next message would take on success.</summary>
    public int PlanDelivery(in ModelState s, int a, Span<IoStep> steps)
    {
        if (s.GetInt(_l.ChannelLength[a]) == 0)
        {
            return 0;
        }

        var old = s.Get(_l.Memory[a]);
        var next = s.Get(_l.Channel[a, 0]);
        return old == next ? 0 : PlanUpdate(old, next, steps, fromMessage: true);
    }

    /// <summary>The I/O steps that a restart's recovery would take on success (a pending target).</summary>
    public int PlanRecovery(in ModelState s, int a, Span<IoStep> steps)
    {
        if (!_target || s.GetInt(_l.Status[a]) != (int)AgentStatus.Down)
        {
            return 0;
        }

        var info = s.GetFile(_l.Info[a, 0]);
        var target = s.GetFile(_l.Target[a, 0]);
        if (info.Kind == FileKind.Empty || target.Kind != FileKind.Set)
        {
            return 0;
        }

        return PlanUpdate(info.Set, target.Set, steps, fromMessage: false);
    }

    private int PlanUpdate(ulong old, ulong next, Span<IoStep> steps, bool fromMessage)
    {
        var n = 0;
        if (_target && fromMessage)
        {
            steps[n++] = new IoStep(StepKind.WriteTarget);
        }

        if (_incarnations)
        {
            // Re-creating a volume whose incarnation changed needs the old directory gone first.
            n = AddDestroys(old, next, steps, n);
            n = AddCreates(old, next, steps, n);
        }
        else
        {
            n = AddCreates(old, next, steps, n);
            n = AddDestroys(old, next, steps, n);
        }

        steps[n++] = _target ? new IoStep(StepKind.RenameTarget) : new IoStep(StepKind.WriteInfo);
        return n;
    }

    private int AddCreates(ulong old, ulong next, Span<IoStep> steps, int n)
    {
        for (var slot = 0; slot < _l.Slots; slot++)
        {
            int o = _l.Inc(old, slot), x = _l.Inc(next, slot);
            if (x != 0 && o != x)
            {
                steps[n++] = new IoStep(StepKind.Mkdir, slot);
            }
        }

        return n;
    }

    private int AddDestroys(ulong old, ulong next, Span<IoStep> steps, int n)
    {
        for (var slot = 0; slot < _l.Slots; slot++)
        {
            int o = _l.Inc(old, slot), x = _l.Inc(next, slot);
            if (o != 0 && o != x)
            {
                steps[n++] = new IoStep(StepKind.Rmdir, slot);
            }
        }

        return n;
    }
}
