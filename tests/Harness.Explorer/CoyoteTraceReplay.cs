using Harness.Checking;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Explorer;

/// <summary>
/// <c>harness replay FILE.trace</c>: replays a schedule that <c>interleave</c> saved, with the options saved beside it
/// (<c>FILE.trace.args</c>), and prints the readable steps the actors narrated, then the bug. It writes nothing but <c>--json</c>.
/// </summary>
public static class CoyoteTraceReplay
{
    /// <summary>Replays the trace; exit 1 when it reproduces a bug, 0 when it does not.</summary>
    public static int Run(CliContext context, string trace, Design? design, string? json)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(trace);
        var stdout = context.Out;
        var argsPath = trace + ".args";
        if (!File.Exists(argsPath))
        {
            throw new UsageException(
                $"'{argsPath}' is missing: a Coyote trace replays only with the options it was explored with, which interleave writes beside it");
        }

        var saved = CliFiles.ReadFile(argsPath, "the options of a trace").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var options = InterleaveCommand.SavedOptions(saved, argsPath);
        if (design is { } d && d.ToAgentDesign() != options.Design)
        {
            throw new UsageException($"'{trace}' was explored on --design {options.Design.Name()}, not {d.Name()}");
        }

        var text = InterleaveCommand.ReadTrace(trace);
        var steps = new List<string>();
        var started = DateTimeOffset.UtcNow;
        InterleavingResult result;
        try
        {
            var problems = new List<string?>();
            result = CoyoteLog.Quiet(null, () => InterleavingExplorer.Replay(options with { Narration = steps, ConvergenceProblems = problems }, text));
            result = InterleaveCommand.InWords(result, problems);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or ArgumentException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
        {
            throw new UsageException($"cannot replay trace '{trace}': it is not a schedule Coyote wrote for the options in '{argsPath}' ({e.GetType().Name})", e);
        }

        stdout.WriteLine($"replay {CliFiles.Display(trace)}: interleave {options.ToArguments()}");
        for (var i = 0; i < steps.Count; i++)
        {
            stdout.WriteLine($"{i + 1,4}. {steps[i]}");
        }

        stdout.WriteLine();
        stdout.WriteLine(InterleavingExplorer.Summary(result));
        if (!result.BugFound)
        {
            stdout.WriteLine("the trace did not reproduce a bug");
        }

        var code = result.BugFound ? Cli.Violated : Cli.Ok;
        if (json is not null)
        {
            CliFiles.WriteResult(json, new HarnessResult
            {
                Command = "replay",
                Designs = [options.Design.Name()],
                Options = new System.Text.Json.Nodes.JsonObject { ["trace"] = CliFiles.Display(trace), ["interleave"] = options.ToArguments() },
                StartedAt = started,
                Seconds = result.Elapsed.TotalSeconds,
                ExitCode = code,
                Coverage = [new Coverage { Checker = "replay", Design = options.Design.Name(), Executions = result.Iterations, SchedulingSteps = result.SchedulingSteps, Seconds = result.Elapsed.TotalSeconds }],
                Findings = result.BugFound
                    ? [new Finding
                    {
                        Kind = FindingKind.Violation, Design = options.Design.Name(), Checker = "interleave",
                        Properties = result.Property is null ? [] : [result.Property], Summary = result.BugText ?? "bug", Steps = steps,
                        Files = [CliFiles.Display(trace), CliFiles.Display(argsPath)], Replay = HarnessCommand.Line("replay", CliFiles.Display(trace)),
                    }]
                    : [],
            });
        }

        return code;
    }
}
