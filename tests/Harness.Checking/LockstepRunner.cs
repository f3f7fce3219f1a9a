using Harness.Model;

namespace Harness.Checking;

/// <summary>What one scenario line did on both sides, and whether they still agree.</summary>
/// <remarks>
/// Both sides are captured structurally after the line (the model's state, the implementation's
/// <see cref="ImplSnapshot"/>); their <see cref="Observation"/>s are written as text when first asked for.
/// </remarks>
public sealed class LockstepLine
{
    private readonly Semantics? semantics;
    private readonly ModelState modelState;
    private Observation? modelObservation;

    /// <summary>Records a line; <paramref name="semantics"/> is null when the model does not run.</summary>
    public LockstepLine(
        ScenarioCommand command,
        RunStep? model,
        string? modelError,
        ImplStep? implementation,
        string? implError,
        Semantics? semantics,
        in ModelState modelState,
        ImplSnapshot implSnapshot,
        IReadOnlyList<string>? divergence)
    {
        Command = command;
        Model = model;
        ModelError = modelError;
        Implementation = implementation;
        ImplError = implError;
        this.semantics = semantics;
        this.modelState = modelState;
        ImplSnapshot = implSnapshot;
        Divergence = divergence;
    }

    /// <summary>The line.</summary>
    public ScenarioCommand Command { get; }

    /// <summary>The model's step, or null when the line was an error there (or the model does not run).</summary>
    public RunStep? Model { get; }

    /// <summary>Why the line cannot happen on the model, or null.</summary>
    public string? ModelError { get; }

    /// <summary>The implementation's step, or null when the line was an error there.</summary>
    public ImplStep? Implementation { get; }

    /// <summary>Why the line cannot happen on the implementation, or null.</summary>
    public string? ImplError { get; }

    /// <summary>The implementation after the line, as captured.</summary>
    public ImplSnapshot ImplSnapshot { get; }

    /// <summary>How the two sides differ after this line, or null.</summary>
    public IReadOnlyList<string>? Divergence { get; }

    /// <summary>The model after the line (null when it does not run).</summary>
    public Observation? ModelObservation =>
        semantics is null ? null : modelObservation ??= Observation.OfModel(semantics, modelState);

    /// <summary>The implementation after the line.</summary>
    public Observation ImplObservation => ImplSnapshot.ToObservation();
}

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
    IReadOnlyList<ScenarioCommand> UnfiredFaults,
    IReadOnlyList<string> UnmetExpectations)
{
    /// <summary>True when some <c>expect</c> line did not hold on either side.</summary>
    public bool ExpectationFailed => UnmetExpectations.Count > 0;

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
/// every line; the first divergence stops the comparison, and the implementation alone runs the rest of the lines so
/// that its own checks still report what it breaks later. Both sides must also agree on which lines are errors (a line that
/// cannot happen) and which operations the master rejects. The model's property verdicts and the implementation's own
/// checks are both reported, so a mistake the two share is still caught by the latter.
/// </summary>
public sealed class LockstepRunner
{
    private readonly ModelRunner? model;
    private readonly StructuralComparison? comparison;
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
        comparison = model is null ? null : new StructuralComparison(model.Semantics);
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
        foreach (var v in Cluster.StartViolations)
        {
            implViolations.Add((0, v));
        }

        if (model is not null)
        {
            var m0 = model.State;
            var i0 = Cluster.Snapshot();
            if (Compare(m0, i0) is { Count: > 0 } startDiff)
            {
                divergence = new LockstepLine(new ScenarioCommand(0, CommandKind.Writeback), null, null, null, null, model.Semantics, m0, i0, startDiff);
                return Report(lines, divergence, null, modelViolations, implViolations, null, null, []);
            }
        }

        for (var n = 0; n < Scenario.Commands.Count; n++)
        {
            var command = Scenario.Commands[n];
            var line = Step(command);
            lines.Add(line);
            onLine?.Invoke(line);
            if (line.Model is { } ms && ms.Violations != 0)
            {
                foreach (var p in ms.Violated)
                {
                    modelViolations.Add((command.Line, p));
                }
            }

            if (line.Implementation is { } isr)
            {
                foreach (var v in isr.Violations)
                {
                    implViolations.Add((command.Line, v));
                }
            }

            if (line.Divergence is not null)
            {
                divergence = line;
                // The model can no longer be compared with, but the implementation's own checks still can run: a
                // property it breaks later is a finding of its own, reported beside the divergence.
                RunImplementationAlone(Scenario.Commands.Skip(n + 1), implViolations);
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
            (implConverges, var impl) = ConvergeImplementation(convergenceEvents);
            if (model is not null)
            {
                var s = model.State;
                modelConverges = model.Semantics.DriveToRest(ref s);
                var diff = Compare(s, impl);
                if (modelConverges != implConverges)
                {
                    diff = [.. diff, $"convergence: model {Verdict(modelConverges)}, impl {Verdict(implConverges)}"];
                }

                if (diff.Count > 0)
                {
                    divergence = new LockstepLine(new ScenarioCommand(0, CommandKind.Deliver), null, null, null, null, model.Semantics, s, impl, diff);
                }
            }
        }

        return Report(lines, divergence, errorLine, modelViolations, implViolations, modelConverges, implConverges, convergenceEvents);
    }

    /// <summary>
    /// The implementation's liveness phase. On the real disk it runs on a copy of the work directory, in a temporary
    /// directory removed afterwards, so the user's directory keeps showing what the scenario left.
    /// </summary>
    private (bool Converges, ImplSnapshot AtRest) ConvergeImplementation(List<string> events)
    {
        if (Cluster.Disk != DiskKind.Real)
        {
            return (Cluster.Converge(events), Cluster.Snapshot());
        }

        var scratch = Directory.CreateTempSubdirectory("harness-converge-").FullName;
        try
        {
            Cluster.MoveToCopy(scratch);
            events.Add("impl: the work directory is copied; the agents are driven to rest on the copy");
            return (Cluster.Converge(events), Cluster.Snapshot());
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    // The lines after a divergence, on the implementation alone, until one cannot happen there.
    private void RunImplementationAlone(IEnumerable<ScenarioCommand> rest, List<(int, ImplViolation)> implViolations)
    {
        foreach (var command in rest)
        {
            try
            {
                foreach (var v in Cluster.Execute(command).Violations)
                {
                    implViolations.Add((command.Line, v));
                }
            }
            catch (ScenarioException)
            {
                return;
            }
        }
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

        var implSnapshot = Cluster.Snapshot();
        if (model is null)
        {
            return new LockstepLine(command, null, null, implStep, implError, null, default, implSnapshot, null);
        }

        var modelState = model.State;
        List<string>? diff = null;
        if ((modelError is null) != (implError is null))
        {
            (diff ??= []).Add(modelError is null
                ? $"the line is an error on the implementation only: {implError}"
                : $"the line is an error on the model only: {modelError}");
        }
        else if (modelError is null && RejectionDifference(modelStep!.Rejected, implStep!.Rejected) is { } rejection)
        {
            (diff ??= []).Add(rejection);
        }

        if (modelError is null && implError is null && Compare(modelState, implSnapshot) is { Count: > 0 } observed)
        {
            (diff ??= []).AddRange(observed);
        }

        return new LockstepLine(command, modelStep, modelError, implStep, implError, model.Semantics, modelState, implSnapshot, diff);
    }

    /// <summary>
    /// How the two masters' answers to one operation differ, or null when they agree: both accept it, or both refuse it
    /// with the same message (the model states the master's rules in the master's words, so a different message is a
    /// different rule).
    /// </summary>
    public static string? RejectionDifference(string? modelRejected, string? implRejected) =>
        (modelRejected, implRejected) switch
        {
            (null, null) => null,
            (null, { } impl) => $"the implementation's master rejects the operation, the model's accepts it: {impl}",
            ({ } model, null) => $"the model's master rejects the operation, the implementation's accepts it: {model}",
            var (model, impl) when model == impl => null,
            var (model, impl) => $"the masters reject the operation with different messages: model '{model}', impl '{impl}'",
        };

    /// <summary>
    /// The fields in which the two sides' observations differ (see <see cref="Observation.Diff"/>). They are compared
    /// structurally first; only when that cannot show them equal are both written as text and compared field by field,
    /// so the verdict is always the text's.
    /// </summary>
    private IReadOnlyList<string> Compare(in ModelState modelState, ImplSnapshot implSnapshot) =>
        comparison!.Agrees(modelState, implSnapshot)
            ? []
            : Observation.OfModel(model!.Semantics, modelState).Diff(implSnapshot.ToObservation());

    /// <summary>The model's liveness phase (<see cref="Semantics.DriveToRest"/>), the same as <see cref="ImplCluster.Converge"/>.</summary>
    public static bool ConvergeModel(Semantics semantics, ref ModelState s)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        return semantics.DriveToRest(ref s);
    }

    private LockstepReport Report(
        List<LockstepLine> lines, LockstepLine? divergence, int? errorLine, List<(int, PropertyId)> modelViolations,
        List<(int, ImplViolation)> implViolations, bool? modelConverges, bool? implConverges, List<string> convergenceEvents) =>
        new(lines, divergence, errorLine, modelViolations, implViolations, modelConverges, implConverges, convergenceEvents,
            [.. Cluster.PendingFaults], Unmet(lines));

    // Each side's unmet expectations, by line: a failed expectation is a violation on whichever side it fails.
    private static List<string> Unmet(List<LockstepLine> lines)
    {
        var unmet = new List<string>();
        foreach (var line in lines)
        {
            if (line.Model?.Unmet is { } m)
            {
                unmet.Add($"line {line.Command.Line} ({line.Command}): model: {m}");
            }

            if (line.Implementation?.Unmet is { } i)
            {
                unmet.Add($"line {line.Command.Line} ({line.Command}): impl: {i}");
            }
        }

        return unmet;
    }

    private static string Verdict(bool? converges) => converges switch
    {
        true => "converges",
        false => "does not converge",
        _ => "not checked",
    };
}
