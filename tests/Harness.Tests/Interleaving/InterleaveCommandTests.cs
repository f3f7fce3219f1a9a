using Harness.Explorer;
using Xunit;

namespace Harness.Tests.Interleaving;

public sealed class InterleaveCommandTests : IDisposable
{
    private readonly string outputDirectory = Directory.CreateTempSubdirectory("harness-interleave-cli-").FullName;

    public void Dispose() => Directory.Delete(outputDirectory, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Theory]
    [InlineData("interleave")]
    [InlineData("interleave", "--design", "nope")]
    [InlineData("interleave", "--design", "target", "--faults", "meteor")]
    [InlineData("interleave", "--design", "target", "--strategy", "dfs")]
    [InlineData("interleave", "--design", "target", "--time", "soon")]
    [InlineData("interleave", "--design", "target", "--seed", "-1")]
    [InlineData("interleave", "--design", "target", "--seed", "4294967296")]
    [InlineData("interleave", "--design", "target", "--parallel", "-1")]
    [InlineData("interleave", "--design", "target", "--seeds", "3", "--parallel", "2")]
    [InlineData("interleave", "--design", "target", "--refinement", "--no-refinement")]
    [InlineData("interleave", "--design", "target", "--fault-focus", "--no-fault-focus")]
    [InlineData("interleave", "--design", "target", "--roles", "4")]
    [InlineData("interleave", "--design", "target", "--rare-inputs", "-1")]
    [InlineData("interleave", "--design", "target", "--fault-odds", "0")]
    [InlineData("interleave", "--design", "target", "--faults", "power-loss,flush")]
    public void Run_BadUsage_ExitsTwo(params string[] args) => Assert.Equal(2, Run(args).Code);

    [Fact]
    public void Run_RefinementOnOrOff_SaysWhatItFollowedOnlyWhenOn()
    {
        var on = Run("interleave", "--design", "target-incarnation", "--faults", "none", "--iterations", "3", "--out", Path.Combine(outputDirectory, "on"));
        var off = Run("interleave", "--design", "target-incarnation", "--faults", "none", "--iterations", "3", "--no-refinement", "--out", Path.Combine(outputDirectory, "off"));

        Assert.Equal(0, on.Code);
        Assert.Contains("refinement followed 3 execution(s)", on.Out, StringComparison.Ordinal);
        Assert.Equal(0, off.Code);
        Assert.Contains("--no-refinement", off.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("refinement followed", off.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SeedsWithoutABug_SaysSoWithoutAMedian()
    {
        var (code, output, _) = Run("interleave", "--design", "target-incarnation", "--faults", "none", "--seeds", "2", "--iterations", "2");

        Assert.Equal(0, code);
        Assert.Contains("target-incarnation prioritization: bug in 0 of 2 seeds\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--faults", "rmdir,late-notice", "--fault-budget", "1", "--properties", "fresh-volume")]
    [InlineData("--properties", "convergence")]
    public void Run_SeedsThatFindBugs_PrintForEachACommandThatExploresToTheSameBugAndWritesItsTrace(params string[] system)
    {
        var (code, output, _) = Run(["interleave", "--design", "keep-going", .. system, "--iterations", "100", "--seed", "7", "--seeds", "2"]);

        // The bug in the project's words, as the single-seed run prints it, not in Coyote's.
        Assert.Equal(1, code);
        Assert.DoesNotContain("hot state", output, StringComparison.Ordinal);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        var bugs = lines.Select((l, i) => (Seed: l, Next: i + 1 < lines.Length ? lines[i + 1] : "")).Where(p => p.Seed.Contains("bug found", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, bugs.Count);
        foreach (var (seedLine, traceLine) in bugs)
        {
            Assert.StartsWith("  its trace: ", traceLine, StringComparison.Ordinal);
            var dir = Path.Combine(outputDirectory, seedLine.Split(':')[0].Replace(' ', '-'));

            var again = Run([.. Harness.Tests.Explorer.ShellWords.HarnessArguments(traceLine.Trim()["its trace: ".Length..]), "--out", dir]);

            Assert.Equal(1, again.Code);
            var found = seedLine[(seedLine.IndexOf(": ", StringComparison.Ordinal) + 2)..];
            Assert.Contains(found[..found.IndexOf(" in ", StringComparison.Ordinal)], again.Out, StringComparison.Ordinal);
            Assert.Contains(found[found.IndexOf("): ", StringComparison.Ordinal)..], again.Out, StringComparison.Ordinal);
            Assert.NotEmpty(Directory.GetFiles(dir, "*.trace"));
        }
    }

    [Fact]
    public void Run_SeedWindowOnKeepGoing_ExitsOneWithReportsAndReplayCommand()
    {
        var json = Path.Combine(outputDirectory, "result.json");

        var (code, output, _) = Run(
            "interleave", "--design", "keep-going", "--faults", "rmdir,late-notice", "--fault-budget", "1",
            "--properties", "fresh-volume", "--iterations", "100", "--seed", "7", "--out", outputDirectory, "--json", json);

        Assert.Equal(1, code);
        Assert.Contains("fresh-volume violated", output, StringComparison.Ordinal);
        Assert.Contains("replay with: ./harness interleave --design keep-going", output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(outputDirectory, "*.trace"));
        Assert.NotEmpty(Directory.GetFiles(outputDirectory, "*.dgml"));

        // Coyote's own console lines go to its log in --out, not to the user's terminal.
        Assert.DoesNotContain("Assembly is not rewritten", output, StringComparison.Ordinal);
        Assert.Contains("Assembly is not rewritten", File.ReadAllText(Path.Combine(outputDirectory, "coyote.log")), StringComparison.Ordinal);
        var report = File.ReadAllText(json);
        Assert.Contains("\"kind\": \"violation\"", report, StringComparison.Ordinal);
        Assert.Contains("\"parallel\": 1", report, StringComparison.Ordinal);
        Assert.DoesNotContain("\"schedulingSteps\": 0,", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_SavedCoyoteTrace_PrintsReadableStepsAndTheSameBug()
    {
        Run("interleave", "--design", "keep-going", "--faults", "rmdir,late-notice", "--fault-budget", "1",
            "--properties", "fresh-volume", "--iterations", "100", "--seed", "7", "--out", outputDirectory);
        var trace = Assert.Single(Directory.GetFiles(outputDirectory, "*.trace"));

        var (code, output, _) = Run("replay", trace, "--design", "keep-going");

        Assert.Equal(1, code);
        Assert.Contains("rmdir volumes/roles/r1/v1 FAILS", output, StringComparison.Ordinal);
        Assert.Contains("fresh-volume violated: a task on r1/v1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fault-focus")]
    [InlineData("--no-fault-focus")]
    public void Replay_EveryFaultWithOrWithoutFocus_ReplaysTheSameBug(string focus)
    {
        // With focus the execution's fault profile is a controlled choice in the trace; without, the saved options say so.
        var (found, output, _) = Run("interleave", "--design", "keep-going", focus, "--iterations", "200", "--seed", "3", "--out", outputDirectory);
        var trace = Assert.Single(Directory.GetFiles(outputDirectory, "*.trace"));
        var bug = System.Text.RegularExpressions.Regex.Match(output, "[a-z-]+ violated: [^\r\n]*").Value;

        var (code, replayed, _) = Run("replay", trace, "--design", "keep-going");

        Assert.Equal(1, found);
        Assert.NotEmpty(bug);
        Assert.Equal(focus == "--no-fault-focus", File.ReadAllText(trace + ".args").Contains("--no-fault-focus", StringComparison.Ordinal));
        Assert.Equal(1, code);
        Assert.Contains(bug, replayed, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_CoyoteTraceWithoutItsOptions_ExitsTwo()
    {
        var trace = Path.Combine(outputDirectory, "lonely.trace");
        File.WriteAllText(trace, "{}");

        var (code, _, err) = Run("replay", trace, "--design", "keep-going");

        Assert.Equal(2, code);
        Assert.Contains("lonely.trace.args", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_TargetIncarnationWithoutFaults_ExitsZero()
    {
        var (code, output, _) = Run("interleave", "--design", "target-incarnation", "--faults", "none", "--iterations", "20", "--out", outputDirectory);

        Assert.Equal(0, code);
        Assert.Contains("no bug in 20 executions", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_SpreadSeedsAndTwoEngines_AcceptTheWholeSeedRange()
    {
        var (code, output, _) = Run(
            "interleave", "--design", "target-incarnation", "--faults", "none", "--iterations", "6", "--parallel", "2",
            "--seed", "4294967295", "--out", outputDirectory);

        Assert.Equal(0, code);
        Assert.Contains("--seed 4294967295", output, StringComparison.Ordinal);
        Assert.Contains("no bug in 6 executions", output, StringComparison.Ordinal);
    }
}
