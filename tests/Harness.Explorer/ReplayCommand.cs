using System.CommandLine;
using System.Globalization;
using Harness.Checking;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness replay</c>: runs a scenario, a finding of a result file, or a saved Coyote trace, and prints what each step did.</summary>
public static class ReplayCommand
{
    /// <summary>Declares the command and binds its action to <paramref name="context"/>.</summary>
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = new System.CommandLine.Argument<string>("FILE")
        {
            Description = "a scenario (docs/scenario.md), a result file (--json of any command, or a nightly report.json: choose its " +
                "finding with --design and --property, or --finding), or a .trace written by interleave (replayed with the options saved beside it)",
        };
        var design = CliOptions.Design(allowAll: false, "the agent design (taken from the file when it says which)");
        var property = CliOptions.Text("--property", "P", "with a result file: the property whose finding to replay, or divergence");
        var findingNumber = CliOptions.Number("--finding", 0, 1, int.MaxValue,
            "with a result file: its N-th finding, counted from 1 in the order of the file's findings");
        var disk = CliOptions.Choice("--disk", "model", ["model", "sim", "real"],
            "model: the model only; sim: the model and the implementation in lockstep on simulated disks, compared after every line; " +
            "real: as sim on the real disk, in a temporary directory removed afterwards, or in --work-dir DIR. " +
            "A finding of a result file replays on the disk its own replay line names unless --disk is given");
        var workDir = CliOptions.Text("--work-dir", "DIR",
            "with --disk real: run the agents in DIR/a1, DIR/a2, ... (created if missing) and leave their disks there; " +
            "a DIR that already holds agent state is recovered from, so a second run does not start from empty disks");
        var showTree = CliOptions.Flag("--show-tree", "with --disk sim or real: print each agent's directory tree and checkpoints after each line");
        var json = CliOptions.Text("--json", "FILE", "also write the result document to FILE");
        var command = new Command("replay", "Run a scenario on the reference model (or on the model and the implementation in lockstep), " +
            "printing after each line what happened, the state of the master, the agent and its disk, and every property violated. " +
            "Every replay ends by driving the system to rest without faults (on the real disk on a copy of the agents' directories): " +
            "not converging violates convergence, and an 'expect' line that does not hold is reported with its line. " +
            "Exit codes: 0 nothing violated and no divergence, 1 a property violated, an expectation not met or a divergence, 2 bad usage or input.")
        {
            file, design, property, findingNumber, disk, workDir, showTree, json,
        };
        command.SetAction(parse => Run(
            context,
            parse.GetValue(file)!,
            parse.GetValue(design) is [var d] ? d : null,
            parse.GetValue(property),
            CliOptions.Given(parse, findingNumber) ? parse.GetValue(findingNumber) : null,
            CliOptions.Given(parse, disk) ? parse.GetValue(disk)! : null,
            parse.GetValue(workDir),
            parse.GetValue(showTree),
            parse.GetValue(json),
            CliOptions.Record(parse)));
        return command;
    }

    private static int Run(CliContext context, string file, Design? design, string? property, int? findingNumber, string? diskGiven, string? workDir,
        bool showTree, string? json, System.Text.Json.Nodes.JsonObject options)
    {
        var disk = diskGiven ?? "model";
        if (findingNumber is null)
        {
            options.Remove("finding");
        }

        if (json is not null)
        {
            CliFiles.CheckWritableFile(json, "--json");
        }

        if (file.EndsWith(".trace", StringComparison.OrdinalIgnoreCase))
        {
            if (diskGiven is not null || property is not null || findingNumber is not null || workDir is not null || showTree)
            {
                throw new UsageException("a Coyote trace replays on the implementation under Coyote: --disk, --work-dir, --show-tree, --property and --finding do not apply");
            }

            return CoyoteTraceReplay.Run(context, file, design, json);
        }

        Scenario scenario;
        var resultFile = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        if (resultFile)
        {
            var finding = SelectFinding(file, design, property, findingNumber);
            design = Designs.Parse(finding.Design);
            if (finding.Files.FirstOrDefault(f => f.EndsWith(".trace", StringComparison.Ordinal)) is { } trace)
            {
                if (diskGiven is not null || workDir is not null || showTree)
                {
                    throw new UsageException($"the {finding.Design} finding in '{file}' is a Coyote schedule: --disk, --work-dir and --show-tree do not apply");
                }

                // A nightly report names its files relative to itself; a command's result names them as its command lines do.
                var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, trace);
                return CoyoteTraceReplay.Run(context, File.Exists(beside) ? beside : trace, design, json);
            }

            scenario = Scenario.Parse(string.Join('\n', finding.Steps), file);

            // A divergence shows only with the implementation beside the model: as the finding's own line replays it.
            disk = diskGiven ?? DiskOf(finding.Replay) ?? "model";
            options["disk"] = disk;
        }
        else
        {
            if (property is not null || findingNumber is not null)
            {
                throw new UsageException($"{(property is not null ? "--property" : "--finding")} applies to a result file (.json) only");
            }

            if (design is null)
            {
                throw new UsageException(CliOptions.DesignRequired(allowAll: false) + " (a scenario runs on the design you name)");
            }

            scenario = Scenario.Parse(CliFiles.ReadFile(file, "a scenario file"), file);
        }

        // Checked once the disk is known: a result file's finding replays on its own line's disk unless --disk is given.
        if (DiskProblem(disk, workDir is not null, showTree) is { } problem)
        {
            throw new UsageException(resultFile && diskGiven is null ? $"{problem} (the finding replays on --disk {disk})" : problem);
        }

        // Without --work-dir: the line must replay the same way every time, and a work directory keeps what a run left. A
        // result file's finding without --disk replays on its own line's disk, so its line names the disk it ran on.
        var replay = HarnessCommand.Line(["replay", CliFiles.Display(file), "--design", design.Value.Name(), .. property is null ? Array.Empty<string>() : ["--property", property],
            .. findingNumber is { } n ? ["--finding", n.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
            .. disk == "model" && !resultFile ? Array.Empty<string>() : ["--disk", disk]]);
        var started = DateTimeOffset.UtcNow;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var findings = new List<Finding>();
        int code;
        if (disk != "model")
        {
            code = LockstepReplay.Run(design.Value, scenario, file, disk == "real" ? DiskKind.Real : DiskKind.Simulated, workDir, showTree, context.Out, out var report);
            var steps = scenario.Commands.Select(c => c.ToString()).ToList();
            if (report.Diverged)
            {
                findings.Add(new Finding
                {
                    Kind = FindingKind.Divergence, Design = design.Value.Name(), Checker = "replay",
                    Properties = [.. report.ModelViolated.Union(report.ImplViolated).Select(p => p.Name())],
                    Summary = $"the implementation diverges from the model after line {report.FirstDivergence!.Command.Line}",
                    Steps = steps, Files = [CliFiles.Display(file)], Replay = replay,
                });
            }
            else if (report.ModelViolated.Union(report.ImplViolated).ToList() is { Count: > 0 } violated)
            {
                findings.Add(new Finding
                {
                    Kind = FindingKind.Violation, Design = design.Value.Name(), Checker = "replay",
                    Properties = [.. violated.Select(p => p.Name())],
                    Summary = $"violated: {string.Join(", ", violated.Select(p => p.Name()))}",
                    Steps = steps, Files = [CliFiles.Display(file)], Replay = replay,
                });
            }

            if (!report.Diverged && report.ExpectationFailed)
            {
                findings.Add(Unmet(design.Value, report.UnmetExpectations, steps, file, replay));
            }
        }
        else
        {
            var run = RunOnModel(design.Value, scenario, file, context.Out);
            var steps = scenario.Commands.Select(c => c.ToString()).ToList();
            // Convergence is judged as the lockstep replays judge it (the model driven to rest without faults).
            var violated = run.Converges ? run.Violated : [.. run.Violated, (0, PropertyId.Convergence)];
            if (violated.Count > 0)
            {
                findings.Add(new Finding
                {
                    Kind = FindingKind.Violation, Design = design.Value.Name(), Checker = "replay",
                    Properties = [.. violated.Select(v => v.Property.Name()).Distinct()],
                    Summary = "violated: " + string.Join(", ", violated.Select(v => v.Line > 0 ? $"{v.Property.Name()} (line {v.Line})" : $"{v.Property.Name()} (at rest)")),
                    Steps = steps, Files = [CliFiles.Display(file)], Replay = replay,
                });
            }

            if (run.Unmet.Count > 0)
            {
                findings.Add(Unmet(design.Value, run.Unmet, steps, file, replay));
            }

            code = violated.Count == 0 && run.Unmet.Count == 0 ? Cli.Ok : Cli.Violated;
        }

        if (json is not null)
        {
            CliFiles.WriteResult(json, new HarnessResult
            {
                Command = "replay",
                Designs = [design.Value.Name()],
                Options = options,
                StartedAt = started,
                Seconds = clock.Elapsed.TotalSeconds,
                ExitCode = code,
                Coverage = [new Coverage { Checker = "replay", Design = design.Value.Name(), Sequences = 1, Lines = scenario.Commands.Count, Seconds = clock.Elapsed.TotalSeconds }],
                Findings = findings,
            });
        }

        return code;
    }

    // A scenario's own expectations that did not hold: a violation of the scenario, not of a property.
    private static Finding Unmet(Design design, IReadOnlyList<string> unmet, List<string> steps, string file, string replay) => new()
    {
        Kind = FindingKind.Violation, Design = design.Name(), Checker = "replay", Properties = [],
        Summary = "expectation not met: " + string.Join("; ", unmet), Steps = steps, Files = [CliFiles.Display(file)], Replay = replay,
    };

    private static ModelReplay RunOnModel(Design design, Scenario scenario, string file, TextWriter stdout)
    {
        var runner = new ModelRunner(design, scenario);
        var violated = new List<(int Line, PropertyId Property)>();
        var unmet = new List<string>();
        stdout.WriteLine($"replay {file} on {design.Name()}");
        foreach (var command in scenario.Commands)
        {
            var step = runner.Execute(command);
            stdout.WriteLine($"{command.Line,4}: {command}");
            foreach (var e in step.Events)
            {
                stdout.WriteLine($"        {e}");
            }

            if (!command.Arms)
            {
                foreach (var line in StateText.Describe(runner.Semantics, runner.State))
                {
                    stdout.WriteLine($"        | {line}");
                }
            }

            violated.AddRange(step.Violated.Select(p => (command.Line, p)));
            if (step.Unmet is not null)
            {
                unmet.Add($"line {command.Line} ({command}): {step.Unmet}");
            }
        }

        foreach (var pending in runner.PendingFaults)
        {
            stdout.WriteLine($"warning: line {pending.Line}: '{pending}' never fired");
        }

        // The same verdict as the lockstep replays: driven to rest without faults, does the model converge?
        var converged = runner.Converges();
        stdout.WriteLine();
        stdout.WriteLine(violated.Count == 0
            ? "no property violated"
            : "violated: " + string.Join(", ", violated.Select(v => $"{v.Property.Name()} (line {v.Line})")));
        stdout.WriteLine($"converges once faults stop: {(converged ? "yes" : "no (convergence violated)")}");
        foreach (var u in unmet)
        {
            stdout.WriteLine($"expectation not met: {u}");
        }

        return new ModelReplay(violated, converged, unmet);
    }

    /// <summary>What is wrong with <c>--work-dir</c> or <c>--show-tree</c> on <paramref name="disk"/>, or null.</summary>
    private static string? DiskProblem(string? disk, bool workDir, bool showTree) =>
        disk != "real" && workDir ? "--work-dir applies to --disk real only"
        : disk == "model" && showTree ? "--show-tree needs --disk sim or --disk real"
        : null;

    /// <summary>
    /// The finding of a result file that <paramref name="design"/>, <paramref name="property"/> (a property, or
    /// <c>divergence</c>) and <paramref name="number"/> (the N-th of its findings, as they stand in the file) select. When they select none or
    /// several, the error lists every replayable finding with the <c>--finding</c> that selects it alone.
    /// </summary>
    public static Finding SelectFinding(string file, Design? design, string? property, int? number = null)
    {
        var result = HarnessResult.Parse(CliFiles.ReadFile(file, "a result file (.json)"), file);
        var replayable = result.Findings
            .Select((f, i) => (Finding: f, Number: i + 1))
            .Where(f => f.Finding.Steps.Count > 0 || f.Finding.Files.Any(p => p.EndsWith(".trace", StringComparison.Ordinal)))
            .ToList();
        var picked = replayable
            .Where(f => number is null || f.Number == number)
            .Where(f => design is null || f.Finding.Design == design.Value.Name())
            .Where(f => property is null || f.Finding.Properties.Contains(property) || (property == Divergence && f.Finding.Kind == FindingKind.Divergence))
            .ToList();
        if (picked.Count == 1)
        {
            return picked[0].Finding;
        }

        // Several matches: those are the choice. None: every finding is.
        var choices = picked.Count > 1 ? picked : replayable;
        var held = replayable.Count == 0
            ? "it holds no replayable finding"
            : (picked.Count > 1 ? "they are: " : "it holds: ") + string.Join("; ", choices.Select(f => string.Create(CultureInfo.InvariantCulture,
                $"--finding {f.Number} ({f.Finding.Design}, {What(f.Finding)}, found by {f.Finding.Checker})")));
        var asked = string.Join(' ', new[]
        {
            number is null ? null : string.Create(CultureInfo.InvariantCulture, $"--finding {number}"),
            design is null ? null : $"--design {design.Value.Name()}",
            property is null ? null : $"--property {property}",
        }.Where(s => s is not null));
        throw new UsageException(picked.Count == 0
            ? $"'{file}' holds no finding{(asked.Length > 0 ? " for " + asked : string.Empty)}; {held}"
            : $"'{file}' holds {picked.Count} findings{(asked.Length > 0 ? " for " + asked : string.Empty)}: choose one with --finding; {held}");
    }

    private const string Divergence = "divergence";

    private static string What(Finding f) =>
        f.Kind == FindingKind.Divergence ? Divergence : f.Properties.Count > 0 ? string.Join(" and ", f.Properties) + " violated" : "a violation";

    /// <summary>The disk a finding's own replay line names, or null.</summary>
    private static string? DiskOf(string? replay)
    {
        var words = replay is null ? [] : HarnessCommand.Words(replay).ToList();
        var at = words.IndexOf("--disk");
        return at >= 0 && at + 1 < words.Count && words[at + 1] is "model" or "sim" or "real" ? words[at + 1] : null;
    }
}

/// <summary>What a model-only replay found: the properties violated by line, whether it converges at rest, and unmet expectations.</summary>
internal sealed record ModelReplay(List<(int Line, PropertyId Property)> Violated, bool Converges, List<string> Unmet);
