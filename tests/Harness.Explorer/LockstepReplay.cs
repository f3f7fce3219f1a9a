using Harness.Checking;
using Harness.Impl.Resources;
using Harness.Model;

namespace Harness.Explorer;

/// <summary><c>harness replay --disk sim|real</c>: the scenario on the model and the implementation in lockstep.</summary>
public static class LockstepReplay
{
    /// <summary>
    /// Runs the scenario, printing each line's events on both sides and any divergence; returns the exit code. On the real
    /// disk the agents work in <paramref name="workDirectory"/>, which keeps their disks, or else in a temporary directory
    /// removed afterwards, so that the same command line replays the same way every time it is run.
    /// </summary>
    public static int Run(Design design, Scenario scenario, string file, DiskKind disk, string? workDirectory, bool showTree, TextWriter stdout, out LockstepReport report)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(stdout);
        if (disk == DiskKind.Simulated || workDirectory is not null)
        {
            return Run(design, scenario, file, disk, workDirectory, showTree, stdout, out report, kept: true);
        }

        CliFiles.CheckTempSpace();
        var temporary = Directory.CreateTempSubdirectory("harness-replay-").FullName;
        try
        {
            return Run(design, scenario, file, disk, temporary, showTree, stdout, out report, kept: false);
        }
        finally
        {
            // Best effort: a directory that cannot be removed must not hide what the replay found.
            try
            {
                Directory.Delete(temporary, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stdout.WriteLine($"warning: could not remove the temporary directory {temporary}: {e.Message}");
            }
        }
    }

    private static int Run(Design design, Scenario scenario, string file, DiskKind disk, string? workDirectory, bool showTree, TextWriter stdout, out LockstepReport report, bool kept)
    {
        var impl = new ImplOptions { Disk = disk, WorkDirectory = workDirectory };
        if (disk == DiskKind.Real && kept)
        {
            // Checked before the run: a read-only work directory is bad input, not a crash halfway through the scenario.
            CliFiles.EnsureDirectory(workDirectory!, "--work-dir");
        }

        // On the real disk the liveness phase runs on a copy, so the user's directory shows the scenario's outcome.
        var runner = new LockstepRunner(design, scenario, new LockstepOptions { Implementation = impl });
        stdout.WriteLine($"replay {file} on {design.Name()}, model and implementation in lockstep on the " +
            (disk == DiskKind.Simulated ? "simulated disk" : kept ? $"real disk in {workDirectory}" : "real disk in a temporary directory"));
        IReadOnlyList<string> started;
        try
        {
            started = runner.Start();
        }
        catch (CorruptCheckpointException e)
        {
            throw new UsageException($"the implementation refuses to start, nothing was changed: {e.Message}");
        }

        if (runner.Model is null)
        {
            stdout.WriteLine($"{workDirectory} already holds agent state: the implementation recovered from it; the model starts empty and cannot follow, so the implementation runs alone");
        }

        foreach (var e in started)
        {
            stdout.WriteLine($"        impl: {e}");
        }

        report = runner.Run(line => Print(line, runner.Cluster, showTree, stdout));
        foreach (var pending in report.UnfiredFaults)
        {
            stdout.WriteLine($"warning: line {pending.Line}: '{pending}' never fired on the implementation");
        }

        stdout.WriteLine();
        if (report.FirstDivergence is { } d)
        {
            stdout.WriteLine(d.Command.Line > 0
                ? $"DIVERGENCE after line {d.Command.Line} ({d.Command}):"
                : "DIVERGENCE when both sides are driven to rest after the last line:");
            foreach (var diff in d.Divergence!)
            {
                stdout.WriteLine($"  {diff}");
            }

            if (d.ModelObservation is not null)
            {
                foreach (var line in d.ModelObservation.SideBySide(d.ImplObservation))
                {
                    stdout.WriteLine(line);
                }
            }
        }

        if (runner.Model is not null)
        {
            stdout.WriteLine(report.ModelViolations.Count == 0
                ? "model: no property violated"
                : "model: violated: " + string.Join(", ", report.ModelViolations.Select(v => $"{v.Property.Name()} (line {v.Line})")));
        }

        stdout.WriteLine(report.ImplViolations.Count == 0
            ? "impl: no property violated"
            : "impl: violated: " + string.Join(", ", report.ImplViolations.Select(v => $"{v.Violation.Property.Name()} (line {v.Line})")));
        if (report.ImplConverges is { } converges)
        {
            stdout.WriteLine($"converges once faults stop: model {Verdict(report.ModelConverges)}, impl {Verdict(converges)}");
        }

        if (report.ErrorLine is { } errorLine)
        {
            var error = report.Lines[^1].ImplError;
            throw new ScenarioException(error ?? $"{file}:{errorLine}: the line cannot happen");
        }

        foreach (var unmet in report.UnmetExpectations)
        {
            stdout.WriteLine($"expectation not met: {unmet}");
        }

        var violated = report.ModelViolated.Any() || report.ImplViolated.Any() || report.ExpectationFailed;
        return report.Diverged || violated ? Cli.Violated : Cli.Ok;
    }

    private static void Print(LockstepLine line, ImplCluster cluster, bool showTree, TextWriter stdout)
    {
        stdout.WriteLine($"{line.Command.Line,4}: {line.Command}");
        foreach (var e in line.Model?.Events ?? [])
        {
            stdout.WriteLine($"        model: {e}");
        }

        if (line.ModelError is not null)
        {
            stdout.WriteLine($"        model: error: {line.ModelError}");
        }

        foreach (var e in line.Implementation?.Events ?? [])
        {
            stdout.WriteLine($"        {e}");
        }

        if (line.ImplError is not null)
        {
            stdout.WriteLine($"        impl: error: {line.ImplError}");
        }

        if (showTree && !line.Command.Arms)
        {
            foreach (var agent in cluster.Agents)
            {
                stdout.WriteLine($"        | {agent.Name}/ ({agent.Status.ToString().ToLowerInvariant()})");
                foreach (var entry in cluster.Tree(agent))
                {
                    stdout.WriteLine($"        |   {entry}");
                }
            }
        }
    }

    private static string Verdict(bool? converges) => converges switch
    {
        true => "yes",
        false => "no",
        _ => "not checked",
    };
}
