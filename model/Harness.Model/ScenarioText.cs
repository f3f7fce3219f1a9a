namespace Harness.Model;

/// <summary>Turns model actions back into scenario lines, so that every trace the checker prints can be replayed.</summary>
public static class ScenarioText
{
    /// <summary>
    /// The scenario lines of <paramref name="action"/> taken in <paramref name="before"/>: an arming line
    /// first when the action carries a fault at an I/O step, then the action itself.
    /// </summary>
    public static IReadOnlyList<ScenarioCommand> Lines(Semantics semantics, in ModelState before, in ModelAction action)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        var names = semantics.Names;
        var a = action.Agent;
        var lines = new List<ScenarioCommand>(2);
        if (action.Kind is ActionKind.Deliver or ActionKind.Restart && action.Fault != Fault.None)
        {
            Span<IoStep> steps = stackalloc IoStep[Semantics.MaxSteps];
            PlannedSteps(semantics, before, action, steps);
            var step = steps[action.Step];
            var spec = step.Kind is StepKind.Mkdir or StepKind.Rmdir
                ? new StepSpec(step.Kind, names.Role(semantics.Layout.RoleOf(step.Slot)), names.Id(step.Slot))
                : new StepSpec(step.Kind);
            lines.Add(action.Fault switch
            {
                Fault.Fail => new ScenarioCommand(0, CommandKind.Fail, a, Step: spec),
                Fault.Crash => new ScenarioCommand(0, CommandKind.Crash, a, Step: spec),
                Fault.Writeback => new ScenarioCommand(0, CommandKind.Writeback, a, Step: spec),
                _ => new ScenarioCommand(0, CommandKind.PowerLoss, a, Step: spec, KeepMetadata: action.Fault == Fault.PowerLossKeepMetadata),
            });
        }

        var role = names.Role(action.Role);
        var id = names.Id(action.Slot);
        lines.Add(action.Kind switch
        {
            ActionKind.Reserve => new ScenarioCommand(0, CommandKind.Reserve, a, role, Size: action.Size),
            ActionKind.Unreserve => new ScenarioCommand(0, CommandKind.Unreserve, a, role, Size: action.Size),
            ActionKind.Create => new ScenarioCommand(0, CommandKind.Create, a, role, id, action.Size),
            ActionKind.Destroy => new ScenarioCommand(0, CommandKind.Destroy, a, role, id),
            ActionKind.Use => new ScenarioCommand(0, CommandKind.Use, a, role, id),
            ActionKind.Deliver => new ScenarioCommand(0, CommandKind.Deliver, a),
            ActionKind.Restart => new ScenarioCommand(0, CommandKind.Restart, a),
            ActionKind.Reconnect => new ScenarioCommand(0, CommandKind.Reconnect, a),
            ActionKind.BreakLink => new ScenarioCommand(0, CommandKind.BreakLink, a),
            ActionKind.MasterNotices => new ScenarioCommand(0, CommandKind.MasterNotices, a),
            ActionKind.Crash => new ScenarioCommand(0, CommandKind.Crash, a),
            ActionKind.PowerLoss => new ScenarioCommand(0, CommandKind.PowerLoss, a, KeepMetadata: action.Fault == Fault.PowerLossKeepMetadata),
            ActionKind.Writeback => new ScenarioCommand(0, CommandKind.Writeback, a),
            ActionKind.Failover => new ScenarioCommand(0, CommandKind.Failover),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        });
        return lines;
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="action"/> arms a fault at an I/O step beyond the I/O
    /// the model plans for it in <paramref name="before"/>, which <see cref="Lines"/> could not write as a scenario line.
    /// </summary>
    public static void CheckStep(Semantics semantics, in ModelState before, in ModelAction action)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        if (action.Kind is ActionKind.Deliver or ActionKind.Restart && action.Fault != Fault.None)
        {
            Span<IoStep> steps = stackalloc IoStep[Semantics.MaxSteps];
            PlannedSteps(semantics, before, action, steps);
        }
    }

    // The I/O the model plans for a delivery or a recovery, checked to hold the fault's step.
    private static void PlannedSteps(Semantics semantics, in ModelState before, in ModelAction action, Span<IoStep> steps)
    {
        var n = action.Kind == ActionKind.Deliver
            ? semantics.PlanDelivery(in before, action.Agent, steps)
            : semantics.PlanRecovery(in before, action.Agent, steps);
        if (action.Step >= n)
        {
            throw new ArgumentException("the fault's step is beyond the planned I/O", nameof(action));
        }
    }
}
