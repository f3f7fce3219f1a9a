using Harness.Model;

namespace Harness.Checking;

/// <summary>What one scenario line did on both sides, and whether they still agree.</summary>
/// <param name="Command">The line.</param>
/// <param name="Model">The model's step, or null when the line was an error there (or the model does not run).</param>
/// <param name="ModelError">Why the line cannot happen on the model, or null.</param>
/// <param name="Implementation">The implementation's step, or null when the line was an error there.</param>
/// <param name="ImplError">Why the line cannot happen on the implementation, or null.</param>
/// <param name="ModelObservation">The model after the line (null when it does not run).</param>
/// <param name="ImplObservation">The implementation after the line.</param>
/// <param name="Divergence">How the two sides differ after this line, or null.</param>
public sealed record LockstepLine(
    ScenarioCommand Command,
    RunStep? Model,
    string? ModelError,
    ImplStep? Implementation,
    string? ImplError,
    Observation? ModelObservation,
    Observation ImplObservation,
    IReadOnlyList<string>? Divergence);

/// <summary>The outcome of a lockstep run.</summary>
public sealed record LockstepReport(
    IReadOnlyList<LockstepLine> Lines,
    LockstepLine? FirstDivergence,
    int? ErrorLine,
    IReadOnlyList<(int Line, PropertyId Property)> ModelViolations,
    IReadOnlyList<(int Line, ImplViolation Violation)> ImplViolations,
    bool? ModelConverges,
    bool? ImplConverges,
    IReadOnlyList<string> ConvergenceEvents,
    IReadOnlyList<ScenarioCommand> UnfiredFaults)
{
    /// <summary>True when the two sides disagreed somewhere.</summary>
    public bool Diverged => FirstDivergence is not null;

    /// <summary>Every property the model found violated, convergence included.</summary>
    public IEnumerable<PropertyId> ModelViolated =>
        ModelViolations.Select(v => v.Property).Concat(ModelConverges == false ? [PropertyId.Convergence] : []).Distinct();

    /// <summary>Every property the implementation's own checks found violated, convergence included.</summary>
    public IEnumerable<PropertyId> ImplViolated =>
        ImplViolations.Select(v => v.Violation.Property).Concat(ImplConverges == false ? [PropertyId.Convergence] : []).Distinct();
}

/// <summary>How a lockstep run is set up.</summary>
public sealed record LockstepOptions
{
    /// <summary>The implementation's options (disk, work directory, test-only misbehaviour).</summary>
    public ImplOptions Implementation { get; init; } = new();

    /// <summary>Test-only: deliberately wrong model rules, to show what catches a mistake both sides share.</summary>
    public ModelMistakes ModelMistakesForTesting { get; init; }

    /// <summary>After the last line, drive both sides to rest without faults and compare whether they converge.</summary>
    public bool CheckConvergence { get; init; } = true;
}

/// <summary>
/// Runs a scenario on the model and the implementation together and compares their <see cref="Observation"/>s after
/// every line; the first divergence stops the run. Both sides must also agree on which lines are errors (a line that
/// cannot happen) and which operations the master rejects. The model's property verdicts and the implementation's own
/// checks are both reported, so a mistake the two share is still caught by the latter.
/// </summary>
public sealed class LockstepRunner
{
    private readonly ModelRunner? model;
    private readonly LockstepOptions options;

    /// <summary>Prepares a run; <see cref="Start"/> must be called before the lines.</summary>
    public LockstepRunner(Design design, Scenario scenario, LockstepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        this.options = options ?? new LockstepOptions();
        Scenario = scenario;
        if (this.options.Implementation.Disk == DiskKind.Real &&
            scenario.Commands.FirstOrDefault(c => c.Kind is CommandKind.PowerLoss or CommandKind.Writeback) is { } needsSim)
        {
            throw new ScenarioException(scenario.Source, needsSim.Line, $"'{needsSim}' needs the simulated disk (--disk sim)");
        }

        Cluster = new ImplCluster(design, scenario, this.options.Implementation);
        // A disk that already holds agent state is recovered by the implementation; the model starts empty and cannot follow.
        model = Cluster.Recovered ? null : new ModelRunner(design, scenario, this.options.ModelMistakesForTesting)
        {
            Narrate = this.options.Implementation.Narrate,
        };
    }

    /// <summary>The scenario.</summary>
    public Scenario Scenario { get; }

    /// <summary>The implementation being driven.</summary>
    public ImplCluster Cluster { get; }

    /// <summary>The model, or null when the implementation recovered existing state and runs alone.</summary>
    public ModelRunner? Model => model;

    /// <summary>Starts the implementation's agents (recovering existing state on a real disk); returns what happened.</summary>
    public IReadOnlyList<string> Start() => Cluster.Start();

    /// <summary>Runs every line, calling <paramref name="onLine"/> after each; stops at the first divergence or error.</summary>
    public LockstepReport Run(Action<LockstepLine>? onLine = null)
    {
        var lines = new List<LockstepLine>();
        var modelViolations = new List<(int, PropertyId)>();
        var implViolations = new List<(int, ImplViolation)>();
        LockstepLine? divergence = null;
        int? errorLine = null;
        if (model is not null && Observation.OfModel(model.Semantics, model.State) is var m0 &&
            m0.Diff(Cluster.Observe()) is { Count: > 0 } startDiff)
        {
            divergence = new LockstepLine(new ScenarioCommand(0, CommandKind.Writeback), null, null, null, null, m0, Cluster.Observe(), startDiff);
            return Report(lines, divergence, null, modelViolations, implViolations, null, null, []);
        }

        foreach (var command in Scenario.Commands)
        {
            var line = Step(command);
            lines.Add(line);
            onLine?.Invoke(line);
            if (line.Model is { } ms)
            {
                modelViolations.AddRange(ms.Violated.Select(p => (command.Line, p)));
            }

            if (line.Implementation is { } isr)
            {
                implViolations.AddRange(isr.Violations.Select(v => (command.Line, v)));
            }

            if (line.Divergence is not null)
            {
                divergence = line;
                break;
            }

            if (line.ImplError is not null)
            {
                errorLine = command.Line;
                break;
            }
        }

        bool? modelConverges = null, implConverges = null;
        var convergenceEvents = new List<string>();
        if (divergence is null && errorLine is null && options.CheckConvergence)
        {
            implConverges = Cluster.Converge(convergenceEvents);
            if (model is not null)
            {
                var s = model.State;
                modelConverges = ConvergeModel(model.Semantics, ref s);
                var mo = Observation.OfModel(model.Semantics, s);
                var diff = mo.Diff(Cluster.Observe());
                if (modelConverges != implConverges)
                {
                    diff = [.. diff, $"convergence: model {Verdict(modelConverges)}, impl {Verdict(implConverges)}"];
                }

                if (diff.Count > 0)
                {
                    divergence = new LockstepLine(new ScenarioCommand(0, CommandKind.Deliver), null, null, null, null, mo, Cluster.Observe(), diff);
                }
            }
        }

        return Report(lines, divergence, errorLine, modelViolations, implViolations, modelConverges, implConverges, convergenceEvents);
    }

    /// <summary>Runs one line on both sides and compares.</summary>
    public LockstepLine Step(ScenarioCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        RunStep? modelStep = null;
        string? modelError = null;
        if (model is not null)
        {
            try
            {
                modelStep = model.Execute(command);
            }
            catch (ScenarioException e)
            {
                modelError = e.Message;
            }
        }

        ImplStep? implStep = null;
        string? implError = null;
        try
        {
            implStep = Cluster.Execute(command);
        }
        catch (ScenarioException e)
        {
            implError = e.Message;
        }

        var implObservation = Cluster.Observe();
        if (model is null)
        {
            return new LockstepLine(command, null, null, implStep, implError, null, implObservation, null);
        }

        var modelObservation = Observation.OfModel(model.Semantics, model.State);
        var diff = new List<string>();
        if ((modelError is null) != (implError is null))
        {
            diff.Add(modelError is null
                ? $"the line is an error on the implementation only: {implError}"
                : $"the line is an error on the model only: {modelError}");
        }
        else if (modelError is null && (modelStep!.Rejected is null) != (implStep!.Rejected is null))
        {
            diff.Add(modelStep.Rejected is null
                ? $"the implementation's master rejects the operation, the model's accepts it: {implStep.Rejected}"
                : $"the model's master rejects the operation, the implementation's accepts it: {modelStep.Rejected}");
        }

        if (modelError is null && implError is null)
        {
            diff.AddRange(modelObservation.Diff(implObservation));
        }

        return new LockstepLine(command, modelStep, modelError, implStep, implError, modelObservation, implObservation, diff.Count == 0 ? null : diff);
    }

    /// <summary>
    /// The model's liveness phase, the same as <see cref="ImplCluster.Converge"/>: restart what is down, reconnect what is
    /// disconnected, deliver everything; then whether every agent converged.
    /// </summary>
    public static bool ConvergeModel(Semantics semantics, ref ModelState s)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        var l = semantics.Layout;
        for (var round = 0; round < 3; round++)
        {
            for (var a = 0; a < l.Agents; a++)
            {
                var status = (AgentStatus)s.GetInt(l.Status[a]);
                if (status == AgentStatus.Down)
                {
                    semantics.Apply(ref s, new ModelAction(ActionKind.Restart, a));
                }
                else if (status == AgentStatus.Disconnected)
                {
                    semantics.Apply(ref s, new ModelAction(ActionKind.Reconnect, a));
                }

                while (s.GetInt(l.Status[a]) == (int)AgentStatus.Connected && s.GetInt(l.ChannelLength[a]) > 0)
                {
                    semantics.Apply(ref s, new ModelAction(ActionKind.Deliver, a));
                }
            }
        }

        return semantics.IsConverged(s);
    }

    private LockstepReport Report(
        List<LockstepLine> lines, LockstepLine? divergence, int? errorLine, List<(int, PropertyId)> modelViolations,
        List<(int, ImplViolation)> implViolations, bool? modelConverges, bool? implConverges, List<string> convergenceEvents) =>
        new(lines, divergence, errorLine, modelViolations, implViolations, modelConverges, implConverges, convergenceEvents,
            [.. Cluster.PendingFaults]);

    private static string Verdict(bool? converges) => converges switch
    {
        true => "converges",
        false => "does not converge",
        _ => "not checked",
    };
}
