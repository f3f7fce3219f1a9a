using System.Text.Json;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness replay</c>: runs a scenario on the model and prints what each line did.</summary>
public static class ReplayCommand
{
    /// <summary>The command's --help text.</summary>
    internal const string Help = """
        usage: harness replay FILE --design <keep-going|partial-exit|target|target-incarnation> [--json FILE]
                              [--disk model|sim|real] [--work-dir DIR] [--show-tree]

        Runs a scenario (docs/scenario.md) on the reference model, printing after each line what happened,
        the state of the master, the agent and its disk, and every property violated.
        FILE may also be a JSON file written by 'model-check --json': its first violation's steps are run
        (choose another with --property NAME), or a Coyote .trace written by 'interleave': its schedule is
        replayed on the implementation and printed as readable steps.

        options:
          --disk model      the model only (default)
          --disk sim        the model and the implementation in lockstep, the agents on simulated disks:
                            both are compared after every line and the first divergence is reported
          --disk real       as sim, with the agents on the real disk in DIR/a1, DIR/a2, ... (needs --work-dir;
                            DIR is created if missing and left in place). If DIR already holds agent state the
                            implementation recovers from it first and runs alone: the model cannot follow.
                            power-loss and writeback need the simulated disk. Convergence is judged on a copy.
          --work-dir DIR    where the real disk's agents work
          --show-tree       with sim or real: print each agent's directory tree and checkpoints after each line

        Every replay ends by driving the system to rest without faults: not converging violates convergence.
        Exit codes: 0 no property violated and no divergence, 1 a property violated or a divergence,
        2 bad usage or input (a line that cannot happen, a checkpoint that does not parse).
        """;

    /// <summary>Runs the command.</summary>
    public static int Run(ArgReader args, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        var designName = args.Option("--design");
        var json = args.Option("--json");
        var property = args.Option("--property");
        var disk = args.Option("--disk", "model");
        var workDir = args.Option("--work-dir");
        var showTree = args.Flag("--show-tree");
        var file = args.Positional("scenario FILE");
        args.End();
        if (designName is null or "all")
        {
            throw new UsageException("--design takes one design: keep-going, partial-exit, target or target-incarnation");
        }

        var design = Designs.Parse(designName);
        if (file.EndsWith(".trace", StringComparison.OrdinalIgnoreCase))
        {
            return CoyoteTraceReplay.Run(file, design, stdout);
        }

        if (disk is not ("model" or "sim" or "real"))
        {
            throw new UsageException($"--disk takes model, sim or real, got '{disk}'");
        }

        if (disk == "real" && workDir is null)
        {
            throw new UsageException("--disk real needs --work-dir DIR");
        }

        if (disk != "real" && workDir is not null)
        {
            throw new UsageException("--work-dir applies to --disk real only");
        }

        if (disk == "model" && showTree)
        {
            throw new UsageException("--show-tree needs --disk sim or --disk real");
        }

        var scenario = LoadScenario(file, property);
        if (disk != "model")
        {
            if (json is not null)
            {
                throw new UsageException("--json applies to --disk model only");
            }

            return LockstepReplay.Run(design, scenario, file, disk == "real" ? workDir : null, showTree, stdout);
        }

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

        if (json is not null)
        {
            var doc = new
            {
                command = "replay",
                design = design.Name(),
                options = new { file },
                violations = violated.Select(v => new { property = v.Property.Name(), line = v.Line }),
                converged,
            };
            Cli.WriteFile(json, JsonSerializer.Serialize(doc, Cli.Json) + "\n");
        }

        return violated.Count == 0 && converged && unmet.Count == 0 ? Cli.Ok : Cli.Violated;
    }

    /// <summary>Loads a scenario file, or the steps of a violation in a JSON report.</summary>
    public static Scenario LoadScenario(string file, string? property)
    {
        var text = Cli.ReadFile(file);
        if (!file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (property is not null)
            {
                throw new UsageException("--property applies to a JSON report only");
            }

            return Scenario.Parse(text, file);
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            if (!doc.RootElement.TryGetProperty("violations", out var violations) || violations.ValueKind != JsonValueKind.Array)
            {
                throw new ScenarioException(file, 0, "a JSON report needs a 'violations' array");
            }

            foreach (var v in violations.EnumerateArray())
            {
                var name = v.TryGetProperty("property", out var p) ? p.GetString() : null;
                if (property is null || name == property)
                {
                    if (!v.TryGetProperty("steps", out var steps) || steps.ValueKind != JsonValueKind.Array)
                    {
                        throw new ScenarioException(file, 0, "a violation needs a 'steps' array of scenario lines");
                    }

                    var lines = steps.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String
                        ? s.GetString()
                        : throw new ScenarioException(file, 0, "every step must be a scenario line (a string)"));
                    return Scenario.Parse(string.Join('\n', lines), file);
                }
            }

            throw new ScenarioException(file, 0, property is null ? "the report has no violation" : $"the report has no violation of {property}");
        }
        catch (JsonException e)
        {
            throw new ScenarioException(file, 0, $"not valid JSON: {e.Message}");
        }
    }
}
