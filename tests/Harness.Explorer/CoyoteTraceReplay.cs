using Harness.Model;

namespace Harness.Explorer;

/// <summary>
/// <c>harness replay FILE.trace</c>: replays a schedule that <c>interleave</c> saved, with the options saved beside it,
/// and prints the readable steps the actors wrote into Coyote's log, then the bug.
/// </summary>
public static class CoyoteTraceReplay
{
    /// <summary>Replays the trace; exit 1 when it reproduces a bug, 0 when it does not.</summary>
    public static int Run(string trace, Design design, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var argsPath = trace + ".args";
        if (!File.Exists(argsPath))
        {
            throw new UsageException(
                $"'{argsPath}' is missing: a Coyote trace replays only with the options it was explored with, which 'interleave' writes beside it");
        }

        var saved = Cli.ReadFile(argsPath).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var savedDesign = saved.SkipWhile(a => a != "--design").Skip(1).FirstOrDefault();
        if (savedDesign != design.Name())
        {
            throw new UsageException($"the trace was explored on --design {savedDesign}, not {design.Name()}");
        }

        var outDir = Directory.CreateTempSubdirectory("harness-replay-").FullName;
        try
        {
            using var summary = new StringWriter();
            var steps = new List<string>();
            var code = InterleaveCommand.Run(new ArgReader([.. saved, "--replay", trace, "--out", outDir]), summary, steps);
            for (var i = 0; i < steps.Count; i++)
            {
                stdout.WriteLine($"{i + 1,4}. {steps[i]}");
            }

            stdout.WriteLine();
            foreach (var line in summary.ToString().Split('\n'))
            {
                if (line.Length > 0 && !line.StartsWith("report:", StringComparison.Ordinal) &&
                    !line.StartsWith("replay with:", StringComparison.Ordinal) && !line.TrimStart().StartsWith("or:", StringComparison.Ordinal))
                {
                    stdout.WriteLine(line);
                }
            }

            if (code == Cli.Ok)
            {
                stdout.WriteLine("the trace did not reproduce a bug");
            }

            return code;
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}
