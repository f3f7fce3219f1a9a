using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Harness.Model;

namespace Harness.Checking.Mutation;

/// <summary>How a mutation run is shaped: which mutants, which checkers, with what budget each.</summary>
public sealed record MutationOptions
{
    /// <summary>The repository the scratch copy is made from (the folder that holds Harness.sln); it is never changed.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Where the kill table, the result document and the logs go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The corpus directory (default <c>mutants/</c> under the repository).</summary>
    public string? CorpusDirectory { get; init; }

    /// <summary>Only this mutant (null: the whole corpus).</summary>
    public string? Only { get; init; }

    /// <summary>The time limit of one checker process; a checker still running then has not killed the mutant.</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Generated sequences per conformance run.</summary>
    public int Sequences { get; init; } = 300;

    /// <summary>Coyote executions per interleaving run.</summary>
    public int Executions { get; init; } = 300;

    /// <summary>
    /// The depth of the exhaustive checker: every model-state-distinct sequence up to it, in lockstep on the simulated disk.
    /// The default is the deepest <c>conform --exhaustive-depth</c> takes: the search's bounds (4 operations, one fault of
    /// each kind, 2 disk units) leave almost no new state past depth 10, and depth 12 runs in about 20-30 s per design on a
    /// loaded 2-core machine, within the nightly's budget of 2 minutes per checker process.
    /// </summary>
    public int ExhaustiveDepth { get; init; } = MutationRunner.DefaultExhaustiveDepth;

    /// <summary>The checkers to run (default: all of <see cref="MutationRunner.Checkers"/>).</summary>
    public IReadOnlyList<string>? Checkers { get; init; }

    /// <summary>Keep the scratch copy afterwards (for looking at a build failure).</summary>
    public bool KeepScratch { get; init; }

    /// <summary>Where progress lines go.</summary>
    public Action<string> Progress { get; init; } = _ => { };

    /// <summary>Called with the report so far after each mutant, so a run stopped early still leaves its table.</summary>
    public Action<MutationReport> Partial { get; init; } = _ => { };
}

/// <summary>What one checker did to one mutant.</summary>
public enum KillOutcome
{
    /// <summary>The checker failed on the mutant: it was caught.</summary>
    Killed,

    /// <summary>The checker passed on the mutant within its budget.</summary>
    Survived,

    /// <summary>The checker ran out of time: not caught within the budget.</summary>
    OutOfBudget,

    /// <summary>The checker cannot judge this mutant (Coyote on a design that is buggy without it).</summary>
    NotApplicable,

    /// <summary>The checker did not run because the mutant does not build.</summary>
    NotBuilt,
}

/// <summary>One cell of the kill table.</summary>
public sealed record CheckerRun(string Checker, KillOutcome Outcome, double Seconds, string Detail);

/// <summary>One row of the kill table.</summary>
public sealed record MutantResult(Mutant Mutant, bool Built, IReadOnlyList<CheckerRun> Runs)
{
    /// <summary>True when a generative checker (exhaustive, conformance or Coyote) killed it.</summary>
    public bool KilledGeneratively => Runs.Any(r => r.Outcome == KillOutcome.Killed && MutationRunner.Generative.Contains(r.Checker));

    /// <summary>True when any checker killed it.</summary>
    public bool Killed => Runs.Any(r => r.Outcome == KillOutcome.Killed);
}

/// <summary>The whole run: the baseline (every checker must pass on the unmutated copy) and one row per mutant.</summary>
public sealed record MutationReport(MutationOptions Options, IReadOnlyList<string> Checkers, IReadOnlyList<CheckerRun> Baseline, IReadOnlyList<MutantResult> Results, double Seconds, DateTimeOffset StartedAt)
{
    /// <summary>False for the report written after each mutant while the run goes on: it may miss mutants the run would reach.</summary>
    public bool Complete { get; init; } = true;

    /// <summary>True when the baseline passed and every mutant that builds was killed by a generative checker.</summary>
    public bool Passed => Baseline.All(b => b.Outcome is KillOutcome.Survived or KillOutcome.NotApplicable) && Results.All(r => !r.Built || r.KilledGeneratively);
}

/// <summary>
/// Measures the harness's bug-finding power: copies the repository to a scratch directory, and for each mutant of the
/// corpus applies its patch there, builds, runs every checker as a child process of the scratch build (the impl unit
/// tests, the saved scenarios in lockstep, the exhaustive sequences, generated conformance on both disks, Coyote), and
/// reverts the patch. The user's
/// tree is only read.
/// </summary>
public static class MutationRunner
{
    /// <summary>The checkers, in the kill table's column order.</summary>
    public static IReadOnlyList<string> Checkers { get; } = ["unit", "replay", "exhaustive", "conform-sim", "conform-real", "interleave"];

    /// <summary>
    /// The checkers that generate their inputs (what a nightly run spends its hours on): the exhaustive sequences, generated
    /// conformance and Coyote.
    /// </summary>
    public static IReadOnlySet<string> Generative { get; } = new HashSet<string>(StringComparer.Ordinal) { "exhaustive", "conform-sim", "conform-real", "interleave" };

    /// <summary>The exhaustive checker's default depth (see <see cref="MutationOptions.ExhaustiveDepth"/>).</summary>
    public const int DefaultExhaustiveDepth = 12;

    /// <summary>
    /// The <c>conform</c> arguments (beyond the design and the output files) a lockstep checker runs on each of a mutant's
    /// designs, one after the other until one kills: conform-sim one agent and one role, then two roles sharing an id, then
    /// two agents; conform-real the first two; exhaustive no generated sequence and every model-state-distinct sequence up
    /// to <see cref="MutationOptions.ExhaustiveDepth"/>, as the nightly's exhaustive checker runs them.
    /// </summary>
    public static IReadOnlyList<string[]> ConformShapes(string checker, MutationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sequences = options.Sequences.ToString(CultureInfo.InvariantCulture);
        return checker switch
        {
            "conform-sim" =>
            [
                ["--disk", "sim", "--sequences", sequences],
                ["--disk", "sim", "--sequences", sequences, "--roles", "2", "--ids", "1"],
                ["--disk", "sim", "--sequences", sequences, "--agents", "2", "--ids", "1"],
            ],
            "conform-real" =>
            [
                ["--disk", "real", "--sequences", sequences],
                ["--disk", "real", "--sequences", sequences, "--roles", "2", "--ids", "1"],
            ],
            "exhaustive" => [["--disk", "sim", "--sequences", "0", "--exhaustive-depth", options.ExhaustiveDepth.ToString(CultureInfo.InvariantCulture)]],
            _ => throw new ArgumentOutOfRangeException(nameof(checker), checker, "not a lockstep checker"),
        };
    }

    /// <summary>
    /// The kill rule of the lockstep checkers (exhaustive, conform-sim, conform-real) for one <c>conform</c> process:
    /// a divergence (<paramref name="divergence"/>, read from its result) or a crash of the harness kills; running out of
    /// <paramref name="budget"/> is out of budget; null means it passed and the next shape may run. A property both sides
    /// violate is the design's own bug, found on the unmutated copy too, so it is not a kill. Exit code 2 means the
    /// runner built a command line the harness refuses: a defect of the runner, thrown.
    /// </summary>
    public static CheckerRun? JudgeConform(string checker, string what, ChildOutcome run, string? divergence, double seconds, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.TimedOut)
        {
            return new CheckerRun(checker, KillOutcome.OutOfBudget, seconds, what);
        }

        if (run.ExitCode is not (0 or 1))
        {
            return run.ExitCode == 2
                ? throw new InvalidOperationException($"{checker}: conform refused its arguments: {run.Output.Trim()}")
                : new CheckerRun(checker, KillOutcome.Killed, seconds, $"{what}: the harness crashed (exit {run.ExitCode})");
        }

        if (divergence is not null)
        {
            return new CheckerRun(checker, KillOutcome.Killed, seconds, $"{what}: {divergence}");
        }

        return seconds >= budget.TotalSeconds ? new CheckerRun(checker, KillOutcome.OutOfBudget, seconds, what) : null;
    }

    private static readonly string[] CopiedDirectories = ["model", "impl", "tests", "scenarios", "expectations", "docs", ".config"];
    private static readonly string[] CopiedFiles = ["Harness.sln", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "nuget.config"];
    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal) { "bin", "obj", "TestResults", "out", "interleave-out" };

    /// <summary>Runs the mutants <paramref name="options"/> selects; throws <see cref="FormatException"/> for an unknown mutant or checker.</summary>
    public static MutationReport Run(MutationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        var corpus = MutantCorpus.Load(options.CorpusDirectory ?? Path.Combine(options.RepositoryRoot, "mutants"));
        var mutants = options.Only is null ? corpus.Mutants : corpus.Mutants.Where(m => m.Id == options.Only).ToList();
        if (mutants.Count == 0)
        {
            throw new FormatException($"no mutant '{options.Only}' in the corpus; known: {string.Join(", ", corpus.Mutants.Select(m => m.Id))}");
        }

        var checkers = options.Checkers ?? Checkers;
        foreach (var c in checkers.Where(c => !Checkers.Contains(c)))
        {
            throw new FormatException($"unknown checker '{c}'; known: {string.Join(", ", Checkers)}");
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var logs = Directory.CreateDirectory(Path.Combine(options.OutputDirectory, "logs")).FullName;
        var scratch = Directory.CreateTempSubdirectory("harness-mutants-").FullName;
        try
        {
            options.Progress($"scratch copy: {scratch}");
            CopyRepository(options.RepositoryRoot, scratch);
            var scope = new Scope(options, scratch, logs, checkers);
            options.Progress("building the unmutated copy");
            if (!scope.Build("baseline"))
            {
                throw new MutationSetupException($"the unmutated copy does not build; see {Path.Combine(logs, "baseline-build.log")}");
            }

            // The baseline runs every checker on each design some selected mutant names: none may fail there.
            var baseline = scope.CheckAll("baseline", [.. Designs.All.Select(d => d.Name()).Where(d => mutants.Any(m => m.Designs.Contains(d)))]);
            options.Progress("baseline: " + string.Join(", ", baseline.Select(b => $"{b.Checker} {Cell(b)}")));
            var results = new List<MutantResult>();
            foreach (var mutant in mutants)
            {
                results.Add(scope.RunMutant(mutant, corpus.PatchPath(mutant)));
                options.Partial(new MutationReport(options, checkers, baseline, [.. results], watch.Elapsed.TotalSeconds, started) { Complete = false });
            }

            return new MutationReport(options, checkers, baseline, results, watch.Elapsed.TotalSeconds, started);
        }
        finally
        {
            if (!options.KeepScratch)
            {
                TryDelete(scratch);
            }
        }
    }

    /// <summary>The first divergence in a <c>conform --json</c> file (a harness-result/1 document, or the command's older format), or null.</summary>
    public static string? FirstDivergence(string json)
    {
        if (!File.Exists(json))
        {
            return null;
        }

        var root = JsonNode.Parse(File.ReadAllText(json));
        if (root?["divergences"] is JsonArray old)
        {
            return old.Count == 0 ? null : old[0]?["summary"]?.GetValue<string>() ?? "divergence";
        }

        if (root?["findings"] is JsonArray findings)
        {
            return findings.FirstOrDefault(f => f?["kind"]?.GetValue<string>() == "divergence")?["summary"]?.GetValue<string>();
        }

        return null;
    }

    /// <summary>A kill-table cell: "killed 12.3 s", "survived", "n/a", ...</summary>
    public static string Cell(CheckerRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Outcome switch
        {
            KillOutcome.Killed => string.Create(CultureInfo.InvariantCulture, $"killed {run.Seconds:0.0} s"),
            KillOutcome.Survived => "survived",
            KillOutcome.OutOfBudget => "out of budget",
            KillOutcome.NotApplicable => "n/a",
            _ => "not built",
        };
    }

    private static void CopyRepository(string root, string scratch)
    {
        foreach (var d in CopiedDirectories.Where(d => Directory.Exists(Path.Combine(root, d))))
        {
            CopyDirectory(Path.Combine(root, d), Path.Combine(scratch, d));
        }

        foreach (var f in CopiedFiles.Where(f => File.Exists(Path.Combine(root, f))))
        {
            File.Copy(Path.Combine(root, f), Path.Combine(scratch, f));
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from).Where(d => !SkippedDirectories.Contains(Path.GetFileName(d))))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary directory is harmless; the run's result is not.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>One run's scratch copy and settings.</summary>
    private sealed class Scope(MutationOptions options, string scratch, string logs, IReadOnlyList<string> checkers)
    {
        private const string UnitFilter = "FullyQualifiedName~Harness.Tests.Impl.";
        private const string ReplayFilter = "FullyQualifiedName~SavedScenarioTests";
        private const string ImplProject = "impl/Harness.Impl/Harness.Impl.csproj";
        private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(20);
        private static readonly string[] OutputDirectories =
        [
            Path.Combine("tests", "Harness.Explorer", "bin", "Release", "net10.0"),
            Path.Combine("tests", "Harness.Tests", "bin", "Release", "net10.0"),
        ];
        private readonly string harness = Path.Combine(scratch, "tests", "Harness.Explorer", "bin", "Release", "net10.0", "harness.dll");

        public MutantResult RunMutant(Mutant mutant, string patch)
        {
            options.Progress($"{mutant.Id}: applying {mutant.Patch}");
            var apply = ChildProcess.Run("git", ["apply", "--whitespace=nowarn", patch], scratch, TimeSpan.FromMinutes(1), Path.Combine(logs, mutant.Id + "-apply.log"));
            if (apply.ExitCode != 0)
            {
                throw new FormatException($"mutant {mutant.Id}: its patch does not apply ({apply.Output.Trim()})");
            }

            MutantResult result;
            try
            {
                result = RunApplied(mutant);
            }
            catch
            {
                Revert(mutant, patch);
                throw;
            }

            Revert(mutant, patch);
            return result;
        }

        /// <summary>Builds the whole copy (the test project and everything it references).</summary>
        public bool Build(string name)
        {
            var build = ChildProcess.Run("dotnet", ["build", "tests/Harness.Tests/Harness.Tests.csproj", "-c", "Release", "-nologo", "-v", "q"],
                scratch, BuildLimit, Path.Combine(logs, name + "-build.log"));
            return build.ExitCode == 0;
        }

        // A patch changes only the implementation's insides, never its public API, so only that assembly is rebuilt and
        // copied over the one the harness and the tests were built with: minutes saved per mutant on a busy machine.
        private bool BuildImplementation(string name)
        {
            var build = ChildProcess.Run("dotnet", ["build", ImplProject, "-c", "Release", "-nologo", "-v", "q", "--no-restore"],
                scratch, BuildLimit, Path.Combine(logs, name + "-build.log"));
            if (build.ExitCode != 0)
            {
                return false;
            }

            var built = Path.Combine(scratch, "impl", "Harness.Impl", "bin", "Release", "net10.0");
            foreach (var target in OutputDirectories)
            {
                foreach (var file in new[] { "Harness.Impl.dll", "Harness.Impl.pdb" })
                {
                    File.Copy(Path.Combine(built, file), Path.Combine(scratch, target, file), overwrite: true);
                }
            }

            return true;
        }

        private MutantResult RunApplied(Mutant mutant)
        {
            if (!BuildImplementation(mutant.Id))
            {
                options.Progress($"{mutant.Id}: does not build (see logs/{mutant.Id}-build.log)");
                return new MutantResult(mutant, false, [.. checkers.Select(c => new CheckerRun(c, KillOutcome.NotBuilt, 0, "the patched copy does not build"))]);
            }

            return new MutantResult(mutant, true, CheckAll(mutant.Id, mutant.Designs));
        }

        private void Revert(Mutant mutant, string patch)
        {
            var revert = ChildProcess.Run("git", ["apply", "-R", "--whitespace=nowarn", patch], scratch, TimeSpan.FromMinutes(1));
            if (revert.ExitCode != 0)
            {
                throw new InvalidOperationException($"mutant {mutant.Id}: its patch does not revert ({revert.Output.Trim()})");
            }
        }

        /// <summary>Runs the checkers on the copy as it is now: one row of the kill table.</summary>
        public IReadOnlyList<CheckerRun> CheckAll(string name, IReadOnlyList<string> designs)
        {
            var runs = new List<CheckerRun>();
            var tests = checkers.Where(c => c is "unit" or "replay").ToList();
            if (tests.Count > 0)
            {
                runs.AddRange(Tests(tests, name));
            }

            foreach (var c in checkers.Where(c => c is not ("unit" or "replay")))
            {
                runs.Add(c switch
                {
                    "interleave" => Interleave(c, name, designs),
                    _ => Conform(c, name, designs),
                });
                options.Progress($"{name}: {runs[^1].Checker} {Cell(runs[^1])}{(runs[^1].Detail.Length == 0 ? "" : " (" + runs[^1].Detail + ")")}");
            }

            return [.. checkers.Select(c => runs.First(r => r.Checker == c))];
        }

        // The unit tests of the implementation and the saved scenarios run in one test process (one start-up, one
        // discovery); each failed test is credited to the checker it belongs to, and both get the process's time.
        private IEnumerable<CheckerRun> Tests(IReadOnlyList<string> tests, string name)
        {
            var filter = string.Join('|', tests.Select(t => t == "unit" ? UnitFilter : ReplayFilter));
            var run = ChildProcess.Run("dotnet", ["test", "tests/Harness.Tests/Harness.Tests.csproj", "-c", "Release", "--no-build", "-nologo", "--filter", filter],
                scratch, options.Budget, Path.Combine(logs, $"{name}-tests.log"));
            var failed = run.Output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Failed Harness.", StringComparison.Ordinal)).ToList();
            foreach (var t in tests)
            {
                var mark = t == "unit" ? "Harness.Tests.Impl." : ".SavedScenarioTests.";
                var mine = failed.Where(l => l.Contains(mark, StringComparison.Ordinal)).ToList();
                CheckerRun result = run.TimedOut ? new CheckerRun(t, KillOutcome.OutOfBudget, run.Seconds, "")
                    : mine.Count > 0 ? new CheckerRun(t, KillOutcome.Killed, run.Seconds, $"{mine.Count} failed, first: {mine[0]}")
                    : run.ExitCode is 0 or 1 ? new CheckerRun(t, KillOutcome.Survived, run.Seconds, "")
                    : new CheckerRun(t, KillOutcome.Killed, run.Seconds, $"the test process crashed (exit {run.ExitCode})");
                options.Progress($"{name}: {t} {Cell(result)}{(result.Detail.Length == 0 ? "" : " (" + result.Detail + ")")}");
                yield return result;
            }
        }

        // The lockstep checkers run conform once per design and shape until one kills (MutationRunner.JudgeConform).
        private CheckerRun Conform(string checker, string name, IReadOnlyList<string> designs)
        {
            double seconds = 0;
            var n = 0;
            var shapes = ConformShapes(checker, options);
            foreach (var design in designs)
            {
                foreach (var shape in shapes)
                {
                    var json = Path.Combine(logs, $"{name}-{checker}-{++n}.json");
                    string[] args = [harness, "conform", "--design", design, .. shape, "--json", json, "--out", Path.Combine(logs, $"{name}-{checker}-{n}")];
                    var run = ChildProcess.Run("dotnet", args, scratch, options.Budget - TimeSpan.FromSeconds(seconds), Path.Combine(logs, $"{name}-{checker}-{n}.log"));
                    seconds += run.Seconds;
                    var what = $"{design} {string.Join(' ', shape.Skip(4))}".Trim();
                    if (JudgeConform(checker, what, run, run.TimedOut ? null : FirstDivergence(json), seconds, options.Budget) is { } judged)
                    {
                        return judged;
                    }
                }
            }

            return new CheckerRun(checker, KillOutcome.Survived, seconds, "");
        }

        // Coyote checks the implementation's properties alone, so it can only judge a mutant on the design that holds every
        // property without it.
        private CheckerRun Interleave(string checker, string name, IReadOnlyList<string> designs)
        {
            const string Correct = "target-incarnation";
            if (!designs.Contains(Correct))
            {
                return new CheckerRun(checker, KillOutcome.NotApplicable, 0, "the mutant's designs violate properties without it");
            }

            string[] args = [harness, "interleave", "--design", Correct, "--iterations", Number(options.Executions), "--out", Path.Combine(logs, $"{name}-{checker}")];
            var run = ChildProcess.Run("dotnet", args, scratch, options.Budget, Path.Combine(logs, $"{name}-{checker}.log"));
            if (run.TimedOut)
            {
                return new CheckerRun(checker, KillOutcome.OutOfBudget, run.Seconds, "");
            }

            return run.ExitCode switch
            {
                0 => new CheckerRun(checker, KillOutcome.Survived, run.Seconds, ""),
                1 => new CheckerRun(checker, KillOutcome.Killed, run.Seconds, FirstLine(run.Output, "bug") ?? "a property is violated"),
                2 => throw new InvalidOperationException($"{name}: interleave refused its arguments: {run.Output.Trim()}"),
                _ => new CheckerRun(checker, KillOutcome.Killed, run.Seconds, $"the harness crashed (exit {run.ExitCode})"),
            };
        }

        private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

        private static string? FirstLine(string output, string word) =>
            output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains(word, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>The scratch copy cannot be set up (it does not build unmutated): nothing was measured.</summary>
public sealed class MutationSetupException(string message) : Exception(message);
