using System.Diagnostics;
using System.Text;

namespace Harness.Checking.Mutation;

/// <summary>What a child process did: its exit code (null when it ran out of time and was stopped), its time and output.</summary>
public sealed record ChildOutcome(int? ExitCode, double Seconds, string Output)
{
    /// <summary>True when the process was stopped because it ran past its time limit.</summary>
    public bool TimedOut => ExitCode is null;
}

/// <summary>Runs the tools a mutation run needs (git, dotnet, the scratch copy's harness) as child processes with a time limit.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, stopping it
    /// (and every process it started) after <paramref name="limit"/>; stdout and stderr are collected together and, when
    /// <paramref name="log"/> is given, written there.
    /// </summary>
    public static ChildOutcome Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan limit, string? log = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        int? exit;
        if (process.WaitForExit(limit))
        {
            process.WaitForExit();
            exit = process.ExitCode;
        }
        else
        {
            // Our own child and what it started (a test host, a build server's worker): nothing else.
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            exit = null;
        }

        string text;
        lock (output)
        {
            text = output.ToString();
        }

        if (log is not null)
        {
            File.WriteAllText(log, $"$ {fileName} {string.Join(' ', arguments)}\n{text}");
        }

        return new ChildOutcome(exit, watch.Elapsed.TotalSeconds, text);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
