using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Explorer;

/// <summary>
/// Ctrl-C and SIGTERM stop a long run of the built program: it prints what it has, writes its result marked incomplete and
/// exits 130. Each test starts the program on a run far longer than the test, waits for its first progress line and signals it.
/// </summary>
public sealed class CancellationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-cancel-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ModelCheck_Sigint_PrintsTheTableWritesAnIncompleteResultAndExits130()
    {
        var (code, stdout) = RunAndSignal("INT", "keep-going: depth 3,",
            "model-check", "--design", "all", "--ops", "8", "--io-errors", "2", "--crashes", "2", "--power-losses", "2", "--link-breaks", "2", "--progress");

        Assert.Equal(130, code);
        Assert.Contains("| design ", stdout, StringComparison.Ordinal);
        Assert.Contains("holds so far", stdout, StringComparison.Ordinal);
        Assert.Contains("interrupted:", stdout, StringComparison.Ordinal);
        AssertIncompleteResult("model-check");
    }

    [Fact]
    public void Conform_Sigterm_PrintsTheReportWritesAnIncompleteResultAndExits130()
    {
        var (code, stdout) = RunAndSignal("TERM", "conform --design target-incarnation",
            "conform", "--design", "target-incarnation", "--sequences", "1000000", "--max-length", "10");

        Assert.Equal(130, code);
        Assert.Contains("interrupted: the search stopped", stdout, StringComparison.Ordinal);
        AssertIncompleteResult("conform");
    }

    [Fact]
    public void InterleaveTime_Sigint_PrintsTheSummaryWritesAnIncompleteResultAndExits130()
    {
        var (code, stdout) = RunAndSignal("INT", "(exploring for 10m)",
            "interleave", "--design", "target-incarnation", "--time", "10m");

        Assert.Equal(130, code);
        Assert.Contains("(interrupted)", stdout, StringComparison.Ordinal);
        AssertIncompleteResult("interleave");
    }

    /// <summary>
    /// A signal can arrive at any moment, even before the command has done any work; the processes above only see the
    /// moments their timing happens to hit. A token cancelled before the command starts is the earliest of them all.
    /// </summary>
    [Theory]
    [InlineData("model-check", "--design", "all")]
    [InlineData("conform", "--design", "target-incarnation", "--sequences", "1000000")]
    [InlineData("conform", "--design", "target", "--sequences", "0", "--exhaustive-depth", "3")]
    [InlineData("interleave", "--design", "target-incarnation", "--time", "10m")]
    [InlineData("interleave", "--design", "target", "--iterations", "1000000")]
    public void Command_CancelledBeforeItStarts_WritesAnIncompleteResultAndExits130(params string[] args)
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var (code, _, err) = CliRunner.Run(cancelled.Token, [.. args, "--out", Path.Combine(_dir, "out"), "--json", Path.Combine(_dir, "result.json")]);

        Assert.True(code == 130, $"exit {code}: {err}");
        AssertIncompleteResult(args[0]);
    }

    private static string Program()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "harness.dll");
        return File.Exists(Path.Combine(AppContext.BaseDirectory, "harness.runtimeconfig.json"))
            ? beside
            : RepoFiles.PathOf("tests/Harness.Explorer/bin/Release/net10.0/harness.dll");
    }

    private (int Code, string Stdout) RunAndSignal(string signal, string waitFor, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir };
        start.ArgumentList.Add(Program());
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("--json");
        start.ArgumentList.Add(Path.Combine(_dir, "result.json"));
        using var process = new Process { StartInfo = start };
        var lines = new List<string>();
        var ready = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data);
            }

            if (e.Data.Contains(waitFor, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            Assert.True(ready.Task.Wait(TimeSpan.FromSeconds(120)), $"no '{waitFor}' line: {string.Join('\n', lines)}");
            var signalled = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the program did not stop");
            process.WaitForExit();
            output.WriteLine($"stopped {signalled.Elapsed.TotalSeconds:F2} s after SIG{signal}; stderr: {stderr.Result}");
            lock (lines)
            {
                return (process.ExitCode, string.Join('\n', lines));
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private void AssertIncompleteResult(string command)
    {
        var result = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "result.json")))!;
        Assert.Equal(command, result["command"]!.GetValue<string>());
        Assert.False(result["complete"]!.GetValue<bool>());
        Assert.Equal("interrupted", result["incomplete"]!.GetValue<string>());
        Assert.Equal(130, result["exitCode"]!.GetValue<int>());
    }
}
