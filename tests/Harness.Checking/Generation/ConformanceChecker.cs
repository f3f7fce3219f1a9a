using System.Diagnostics;
using Harness.Checking.Mutation;
using Harness.Impl.Agents;
using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>One conformance search: which design and disk, how many generated scenarios of what length, from which seed.</summary>
public sealed record ConformOptions
{
    /// <summary>The seed used when none is given: the tests and the nightly job rely on what it finds.</summary>
    public const ulong DefaultSeed = 20240611;

    /// <summary>The design run on both sides.</summary>
    public Design Design { get; init; } = Design.TargetIncarnation;

    /// <summary>The implementation's disk; on the real one each scenario gets its own temporary directory.</summary>
    public DiskKind Disk { get; init; } = DiskKind.Simulated;

    /// <summary>How many generated scenarios to run.</summary>
    public int Sequences { get; init; } = 100;

    /// <summary>The most model actions in one generated scenario.</summary>
    public int MaxLength { get; init; } = 30;

    /// <summary>Agents in the generated scenarios and in the exhaustive search.</summary>
    public int Agents { get; init; } = 1;

    /// <summary>Roles in the generated scenarios and in the exhaustive search.</summary>
    public int Roles { get; init; } = 1;

    /// <summary>Persistence ids per role in the generated scenarios and in the exhaustive search.</summary>
    public int Ids { get; init; } = 2;

    /// <summary>The root seed: the same seed gives the same scenarios and the same verdict.</summary>
    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>When positive, also run every model-state-distinct action sequence up to this depth.</summary>
    public int ExhaustiveDepth { get; init; }

    /// <summary>Whether counterexamples are shrunk before they are reported.</summary>
    public bool Shrink { get; init; } = true;

    /// <summary>The implementation's agent: the correct one, or a deliberately wrong one (the harness's own tests).</summary>
    public AgentMutant Mutant { get; init; } = AgentMutant.None;

    /// <summary>Stops the search between scenarios when cancelled (Ctrl-C); the result then says it is incomplete.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>Whether a finding is a bug of one side or a property both sides break.</summary>
public enum FindingKind
{
    /// <summary>Model and implementation disagree: one of them is wrong.</summary>
    Divergence,

    /// <summary>Both sides agree and both report the property violated: the design is wrong (expected for the buggy ones).</summary>
    Violation,
}

/// <summary>A counterexample, shrunk, with the lockstep report of the shrunk scenario.</summary>
public sealed record Finding(
    FindingKind Kind,
    string Summary,
    IReadOnlyList<PropertyId> Properties,
    Scenario Minimal,
    int OriginalLines,
    LockstepReport Report,
    string Origin);

/// <summary>The outcome of a conformance search.</summary>
public sealed record ConformResult(
    ConformOptions Options,
    int Sequences,
    long Lines,
    double Seconds,
    IReadOnlyDictionary<Window, int> WindowHits,
    IReadOnlyList<Finding> Divergences,
    IReadOnlyList<Finding> Violations,
    int ExhaustiveSequences)
{
    /// <summary>False when the search was cancelled before it ran every scenario (and its findings were then not shrunk).</summary>
    public bool Complete { get; init; } = true;

    /// <summary>True when the implementation matched the model everywhere and no property was violated.</summary>
    public bool Passed => Divergences.Count == 0 && Violations.Count == 0;

    /// <summary>Scenario lines run per second in lockstep (each line is one model step and one implementation step).</summary>
    public double LinesPerSecond => Seconds > 0 ? Lines / Seconds : 0;

    /// <summary>How many generated scenarios reached each input kind (<see cref="InputKinds.All"/>).</summary>
    public IReadOnlyDictionary<string, int> InputKindHits { get; init; } = new Dictionary<string, int>();

    /// <summary>The share of generated scenarios that reached <paramref name="window"/>.</summary>
    public double HitRate(Window window) => Sequences == 0 ? 0 : (double)WindowHits.GetValueOrDefault(window) / Sequences;
}

/// <summary>
/// Runs generated scenarios (and, optionally, every model-state-distinct sequence up to a depth) in lockstep on the model
/// and the implementation. A divergence, or a property one side reports and the other does not, is a bug of one side;
/// a property both report is a violation of the design. The first divergence and the first violation of each property are
/// shrunk to a minimal valid scenario.
/// </summary>
public static class ConformanceChecker
{
    /// <summary>The most scenarios drawn in one FsCheck sample: the draw itself cannot be interrupted.</summary>
    private const int GenerationChunk = 2_000;

    /// <summary>
    /// The generated scenarios of a search, drawn in chunks so that a cancellation stops the drawing too (a sample of
    /// 200,000 scenarios takes seconds). The first chunk is drawn from the root seed, so every search of up to
    /// <see cref="GenerationChunk"/> sequences draws exactly what one sample of that seed gives; later chunks draw from
    /// unrelated seeds derived from it (<see cref="Seeds.Derive(ulong, int)"/>).
    /// </summary>
    public static IReadOnlyList<GeneratedScenario> Generate(ConformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var generation = GenerationOf(options);
        var scenarios = new List<GeneratedScenario>(Math.Min(options.Sequences, GenerationChunk));
        for (var chunk = 0; scenarios.Count < options.Sequences && !options.Cancellation.IsCancellationRequested; chunk++)
        {
            var seed = Seeds.Derive(options.Seed, chunk);
            var count = Math.Min(GenerationChunk, options.Sequences - scenarios.Count);
            scenarios.AddRange(ScenarioGenerator.Sample(options.Design, generation, seed, count));
        }

        return scenarios;
    }

    private static GenerationOptions GenerationOf(ConformOptions options) =>
        new() { Disk = options.Disk, MaxLength = options.MaxLength, Agents = options.Agents, Roles = options.Roles, Ids = options.Ids };

    /// <summary>Runs the search described by <paramref name="options"/>.</summary>
    public static ConformResult Run(ConformOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var watch = Stopwatch.StartNew();
        var scenarios = Generate(options)
            .Select((g, i) => (g.Scenario, Origin: $"sequence {i + 1} of seed {options.Seed}"))
            .ToList();
        var exhaustive = options.ExhaustiveDepth > 0
            ? ExhaustiveSequences.UpTo(options.Design, options.ExhaustiveDepth, options.Disk, options.Agents, options.Roles, options.Ids)
            : [];
        var hits = WindowClassifier.All.ToDictionary(w => w, _ => 0);
        var inputs = InputKinds.All.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);

        long lines = 0;
        var ran = 0;
        (Scenario Scenario, string Origin, LockstepReport Report, string Summary)? divergence = null;
        var violations = new Dictionary<PropertyId, (Scenario Scenario, string Origin)>();
        foreach (var (scenario, origin) in scenarios.Concat(exhaustive.Select((s, i) => (s, $"exhaustive sequence {i + 1}"))))
        {
            if (options.Cancellation.IsCancellationRequested)
            {
                break;
            }

            var report = RunLockstep(options, scenario, narrate: false);
            if (++ran <= scenarios.Count)
            {
                foreach (var w in WindowClassifier.Classify(scenario))
                {
                    hits[w]++;
                }

                foreach (var k in InputKinds.Classify(options.Design, scenario))
                {
                    inputs[k]++;
                }
            }

            lines += report.Lines.Count;
            var (why, shared) = Judge(report);
            if (why is not null)
            {
                divergence ??= (scenario, origin, report, why);
                continue;
            }

            foreach (var p in shared)
            {
                violations.TryAdd(p, (scenario, origin));
            }
        }

        var divergences = new List<Finding>();
        if (divergence is { } d)
        {
            var minimal = options.Shrink && !options.Cancellation.IsCancellationRequested
                ? ScenarioShrinker.Shrink(options.Design, d.Scenario, c => Judge(RunLockstep(options, c, narrate: false)).Divergence is not null)
                : d.Scenario;
            var report = RunLockstep(options, minimal);
            divergences.Add(new Finding(FindingKind.Divergence, Judge(report).Divergence ?? d.Summary, [.. report.ImplViolated.Union(report.ModelViolated)],
                minimal, d.Scenario.Commands.Count, report, d.Origin));
        }

        var found = new List<Finding>();
        foreach (var (property, (scenario, origin)) in violations.OrderBy(v => v.Key))
        {
            var minimal = options.Shrink && !options.Cancellation.IsCancellationRequested
                ? ScenarioShrinker.Shrink(options.Design, scenario, c => Judge(RunLockstep(options, c, narrate: false)) is { Divergence: null } j && j.Shared.Contains(property))
                : scenario;
            var report = RunLockstep(options, minimal);
            found.Add(new Finding(FindingKind.Violation, $"{property.Name()} violated on both sides", [property], minimal,
                scenario.Commands.Count, report, origin));
        }

        // A cancellation can also cut the drawing short, before a single scenario is drawn: complete means every requested
        // sequence was drawn and run.
        var complete = scenarios.Count == options.Sequences && ran == scenarios.Count + exhaustive.Count;
        return new ConformResult(options, Math.Min(ran, scenarios.Count), lines, watch.Elapsed.TotalSeconds, hits, divergences, found, Math.Max(0, ran - scenarios.Count))
        {
            Complete = complete,
            InputKindHits = inputs,
        };
    }

    /// <summary>
    /// Why a lockstep report shows a bug of one side (a divergence, a line that is an error, or property verdicts that differ),
    /// or null; and the properties both sides report violated.
    /// </summary>
    public static (string? Divergence, IReadOnlyList<PropertyId> Shared) Judge(LockstepReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.FirstDivergence is { } line)
        {
            var where = line.Command.Line == 0 ? "in the final convergence phase" : $"after line {line.Command.Line} ({line.Command})";
            return ($"divergence {where}: {string.Join("; ", line.Divergence ?? [])}", []);
        }

        if (report.ErrorLine is { } error)
        {
            return ($"line {error} cannot happen on either side, though the scenario came from the model", []);
        }

        var model = report.ModelViolated.Order().ToList();
        var impl = report.ImplViolated.Order().ToList();
        if (!model.SequenceEqual(impl))
        {
            return ($"the property verdicts differ: model [{string.Join(", ", model.Select(p => p.Name()))}], " +
                    $"implementation [{string.Join(", ", impl.Select(p => p.Name()))}]", []);
        }

        return (null, model);
    }

    /// <summary>Runs one scenario in lockstep with the search's implementation options (a fresh temporary directory on the real disk); <paramref name="narrate"/> false skips writing events nobody reads.</summary>
    public static LockstepReport RunLockstep(ConformOptions options, Scenario scenario, bool narrate = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? work = options.Disk == DiskKind.Real ? Directory.CreateTempSubdirectory("harness-conform-").FullName : null;
        try
        {
            var runner = new LockstepRunner(options.Design, scenario, new LockstepOptions
            {
                Implementation = new ImplOptions
                {
                    Disk = options.Disk,
                    WorkDirectory = work,
                    Mutant = options.Mutant,
                    Narrate = narrate,
                },
            });
            runner.Start();
            return runner.Run();
        }
        finally
        {
            if (work is not null)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
