using System.CommandLine;
using System.Globalization;
using Harness.Checking;
using Harness.Checking.Generation;
using Harness.Checking.Results;
using Harness.Model;
using GeneratedFinding = Harness.Checking.Generation.Finding;
using ResultFinding = Harness.Checking.Results.Finding;
using ResultFindingKind = Harness.Checking.Results.FindingKind;

namespace Harness.Explorer;

/// <summary><c>harness conform</c>: generated (and optionally exhaustive) scenarios in lockstep on the model and the implementation.</summary>
public static class ConformCommand
{
    /// <summary>Declares the command and binds its action to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var design = CliOptions.Design(allowAll: false, "the agent design");
        var disk = CliOptions.Choice("--disk", "sim", ["sim", "real"],
            "sim: the agents on simulated disks (crashes, power losses, writeback); real: on the real disk, a fresh temporary directory per scenario");
        var sequences = CliOptions.Number("--sequences", 200, 0, 10_000_000, "generated scenarios to run");
        var maxLength = CliOptions.Number("--max-length", 30, 1, 200, "most model actions per scenario");
        var agents = CliOptions.Number("--agents", 1, 1, 2, "agents in the generated scenarios and the exhaustive sequences");
        var roles = CliOptions.Number("--roles", 1, 1, 2, "roles in the generated scenarios and the exhaustive sequences");
        var ids = CliOptions.Number("--ids", 2, 1, 3, "persistence ids per role; by default the most, up to 2, that fit the packed state with --agents and --roles");
        var seed = CliOptions.LongSeed("--seed", ConformOptions.DefaultSeed, "root seed: the same seed gives the same scenarios");
        var depth = CliOptions.Number("--exhaustive-depth", 0, 0, 12, "also run every model-state-distinct action sequence up to depth N");
        var json = CliOptions.Text("--json", "FILE", "also write the result document to FILE");
        var outDir = CliOptions.Text("--out", "DIR", "where the minimal scenarios, their commands and the result go (default out/conform-<design>-<seed>)");
        var command = new Command("conform", "Generate scenarios by walking the model (biased towards the windows W1-W4) and run each in lockstep on the " +
            "model and the implementation. A divergence, or a property one side reports and the other does not, is a bug of one side; a property both " +
            "sides report is a violation of the design. The first divergence and the first violation of each property are shrunk to a minimal " +
            "scenario, saved with the command that replays it. Exit codes: 0 the implementation matches the model and nothing is violated, 1 otherwise.")
        {
            design, disk, sequences, maxLength, agents, roles, ids, seed, depth, json, outDir,
        };
        CliOptions.Require(command, design, CliOptions.DesignRequired(allowAll: false));
        command.SetAction(parse =>
        {
            var d = parse.GetValue(design)![0];
            var options = new ConformOptions
            {
                Design = d,
                Disk = parse.GetValue(disk) == "real" ? DiskKind.Real : DiskKind.Simulated,
                Sequences = parse.GetValue(sequences),
                MaxLength = parse.GetValue(maxLength),
                Agents = parse.GetValue(agents),
                Roles = parse.GetValue(roles),
                Ids = parse.GetValue(ids),
                Seed = parse.GetValue(seed),
                ExhaustiveDepth = parse.GetValue(depth),
                Cancellation = context.Cancellation,
            };
            options = FitIds(options, idsGiven: CliOptions.Given(parse, ids));
            return Run(context, options, parse.GetValue(json), parse.GetValue(outDir) ?? CliFiles.DefaultOut("conform", d.Name(), options.Seed), parse);
        });
        return command;
    }

    /// <summary>
    /// Lowers <c>--ids</c> until the generator's model fits the packed state, unless the user chose it: then bounds that do
    /// not fit are an error that says which flags to lower.
    /// </summary>
    private static ConformOptions FitIds(ConformOptions options, bool idsGiven)
    {
        for (var o = options; ; o = o with { Ids = o.Ids - 1 })
        {
            try
            {
                _ = ScenarioGenerator.WalkSemantics(o.Design, new GenerationOptions { Disk = o.Disk, MaxLength = o.MaxLength, Agents = o.Agents, Roles = o.Roles, Ids = o.Ids });
                return o;
            }
            catch (ArgumentOutOfRangeException e) when (idsGiven || o.Ids == 1)
            {
                throw new UsageException($"{e.Message.Split(" (Parameter", 2)[0]}: lower --agents, --roles or --ids", e);
            }
            catch (ArgumentOutOfRangeException)
            {
                // Try one id fewer.
            }
        }
    }

    private static int Run(CliContext context, ConformOptions options, string? json, string outArg, ParseResult parse)
    {
        var stdout = context.Out;
        var outDir = CliFiles.EnsureDirectory(outArg, "--out");
        if (json is not null)
        {
            CliFiles.CheckWritableFile(json, "--json");
        }
        if (options.Disk == DiskKind.Real)
        {
            CliFiles.CheckTempSpace();
        }

        var started = DateTimeOffset.UtcNow;
        var diskName = options.Disk == DiskKind.Simulated ? "sim" : "real";
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"conform --design {options.Design.Name()} --disk {diskName} --agents {options.Agents} --roles {options.Roles} --ids {options.Ids} --seed {options.Seed}: running {options.Sequences} sequences"));
        stdout.Flush();
        ConformResult result;
        try
        {
            result = ConformanceChecker.Run(options);
        }
        catch (ExhaustiveSearchTooLargeException e)
        {
            throw new UsageException(e.Message, e);
        }

        stdout.Write(ConformReport.Text(result));
        var interrupted = !result.Complete;

        // The findings are printed above; their files are written next, each followed by the command that replays it. A
        // replay on the real disk runs in a temporary directory of its own, so the line replays the same way every time.
        var findings = new List<ResultFinding>();
        var n = 0;
        foreach (var f in result.Divergences.Concat(result.Violations))
        {
            var kind = f.Kind == Harness.Checking.Generation.FindingKind.Divergence ? "divergence" : string.Join('-', f.Properties.Select(p => p.Name()));
            var path = Path.Combine(outDir, string.Create(CultureInfo.InvariantCulture, $"{options.Design.Name()}-{kind}-{++n}.scenario"));
            CliFiles.WriteFile(path, $"# {f.Summary}\n# {f.Origin}\n{f.Minimal.Format()}");
            var replay = HarnessCommand.Line("replay", CliFiles.Display(path), "--design", options.Design.Name(), "--disk", diskName);
            stdout.WriteLine($"replay: {replay}");
            findings.Add(Finding(options, f, path, replay));
        }

        var code = result.Passed ? interrupted ? Cli.Interrupted : Cli.Ok : Cli.Violated;
        var document = new HarnessResult
        {
            Command = "conform",
            Designs = [options.Design.Name()],
            Options = CliOptions.Record(parse),
            Seed = options.Seed,
            StartedAt = started,
            Seconds = result.Seconds,
            Complete = !interrupted,
            Incomplete = interrupted ? "interrupted" : null,
            ExitCode = code,
            Coverage =
            [
                new Coverage
                {
                    Checker = "conform", Design = options.Design.Name(),
                    Bound = string.Create(CultureInfo.InvariantCulture, $"--disk {diskName} --agents {options.Agents} --roles {options.Roles} --ids {options.Ids} --max-length {options.MaxLength}"),
                    Sequences = result.Sequences, Lines = result.Lines,
                    // The windows, then the input kinds the master and the agent tell apart (docs/conformance.md).
                    Windows = WindowClassifier.All.Select(w => (Key: w.ToString(), Count: (long)Math.Round(result.HitRate(w) * result.Sequences)))
                        .Concat(result.InputKindHits.Select(k => (k.Key, Count: (long)k.Value)))
                        .ToDictionary(k => k.Key, k => k.Count),
                    Seconds = result.Seconds, Complete = !interrupted,
                },
                .. result.ExhaustiveSequences > 0
                    ? new[] { new Coverage { Checker = "exhaustive", Design = options.Design.Name(), Bound = string.Create(CultureInfo.InvariantCulture, $"--exhaustive-depth {options.ExhaustiveDepth} --agents {options.Agents} --roles {options.Roles} --ids {options.Ids}"), Sequences = result.ExhaustiveSequences, Complete = !interrupted } }
                    : [],
            ],
            Verdicts = [.. Properties.All.Select(p => new Verdict(options.Design.Name(), p.Name(), "conform",
                result.Violations.Any(v => v.Properties.Contains(p)) ? VerdictValue.Violated : interrupted ? VerdictValue.HoldsSoFar : VerdictValue.Holds))],
            Findings = findings,
        };
        CliFiles.WriteResult(Path.Combine(outDir, "result.json"), document);
        if (json is not null)
        {
            CliFiles.WriteResult(json, document);
        }

        return code;
    }

    private static ResultFinding Finding(ConformOptions options, GeneratedFinding f, string path, string replay) => new()
    {
        Kind = f.Kind == Harness.Checking.Generation.FindingKind.Divergence ? ResultFindingKind.Divergence : ResultFindingKind.Violation,
        Design = options.Design.Name(),
        Checker = "conform",
        Properties = [.. f.Properties.Select(p => p.Name())],
        Summary = $"{f.Summary} (found in {f.Origin}, shrunk from {f.OriginalLines} to {f.Minimal.Commands.Count} lines)",
        Steps = [.. f.Minimal.Commands.Select(c => c.ToString())],
        Files = [CliFiles.Display(path)],
        Replay = replay,
    };
}
