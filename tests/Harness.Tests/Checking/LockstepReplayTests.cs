using Harness.Explorer;
using Harness.Impl.Storage;
using Xunit;

namespace Harness.Tests.Checking;

public sealed class LockstepReplayTests : IDisposable
{
    private const string Window = """
        reserve r1 size=1
        create r1/v1 size=1
        deliver
        deliver
        use r1/v1
        destroy r1/v1
        create r1/v1 size=1
        fail rmdir r1/v1
        deliver
        deliver
        use r1/v1
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("harness-replay-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    private string Scenario(string text)
    {
        var file = Path.Combine(_dir, "test.scenario");
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>A result file of the window's scenario: a violation on each disk, then a divergence on the simulated one.</summary>
    private string WindowResult()
    {
        var steps = Window.Split('\n').Select(l => l.Trim()).ToList();
        Harness.Checking.Results.Finding Finding(Harness.Checking.Results.FindingKind kind, string[] properties, string disk) => new()
        {
            Kind = kind, Design = "keep-going", Checker = "conform", Properties = properties, Summary = "s", Steps = steps,
            Replay = $"./harness replay x.scenario --design keep-going{(disk == "model" ? "" : " --disk " + disk)}",
        };
        var json = Path.Combine(_dir, "result.json");
        File.WriteAllText(json, new Harness.Checking.Results.HarnessResult
        {
            Command = "conform",
            Findings =
            [
                Finding(Harness.Checking.Results.FindingKind.Violation, ["fresh-volume"], "model"),
                Finding(Harness.Checking.Results.FindingKind.Violation, ["fresh-volume"], "real"),
                Finding(Harness.Checking.Results.FindingKind.Divergence, [], "sim"),
            ],
        }.ToJson());
        return json;
    }

    [Fact]
    public void Replay_ResultFileFindingOnTheRealDisk_TakesTheDiskAndItsOptionsFromTheFindingsLine()
    {
        var json = WindowResult();
        var record = Path.Combine(_dir, "r.json");

        var temporary = Run("replay", json, "--finding", "2", "--json", record);
        var kept = Run("replay", json, "--finding", "2", "--work-dir", Path.Combine(_dir, "w"), "--show-tree");
        var onTheModel = Run("replay", json, "--finding", "1", "--work-dir", Path.Combine(_dir, "w2"));

        Assert.Equal(1, temporary.Code);
        Assert.Contains("on the real disk in a temporary directory", temporary.Out, StringComparison.Ordinal);
        var recorded = Harness.Checking.Results.HarnessResult.Parse(File.ReadAllText(record), record).Options;
        Assert.Equal("real", recorded["disk"]!.GetValue<string>());
        Assert.Equal(2, recorded["finding"]!.GetValue<int>());
        Assert.Equal(1, kept.Code);
        Assert.Contains("| a1/", kept.Out, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_dir, "w", "a1")));
        Assert.Equal(2, onTheModel.Code);
        Assert.Contains("--work-dir applies to --disk real only (the finding replays on --disk model)", onTheModel.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dir, "w2")));
    }

    [Fact]
    public void Replay_ResultFileDivergence_SelectedAsDivergenceAndReplayedInLockstepAsItsLineSays()
    {
        var json = WindowResult();

        var byKind = Run("replay", json, "--property", "divergence");
        var byNumber = Run("replay", json, "--finding", "3");
        var record = Path.Combine(_dir, "model.json");
        var onTheModel = Run("replay", json, "--finding", "3", "--disk", "model", "--json", record);
        var line = Harness.Checking.Results.HarnessResult.Parse(File.ReadAllText(record), record).Findings.Single().Replay!;

        Assert.Equal(1, byKind.Code);
        Assert.Contains("model and implementation in lockstep on the simulated disk", byKind.Out, StringComparison.Ordinal);
        Assert.Equal(byKind, byNumber);
        Assert.DoesNotContain("lockstep", onTheModel.Out, StringComparison.Ordinal);
        Assert.Contains(" --disk model", line, StringComparison.Ordinal);
        Assert.Equal(onTheModel.Out, Run(Harness.Tests.Explorer.ShellWords.HarnessArguments(line)).Out);
    }

    [Fact]
    public void Replay_RealDiskInAWorkDirectory_RecordsAReplayLineThatReplaysTheSameWayEveryTime()
    {
        var json = Path.Combine(_dir, "r.json");
        var (code, output, _) = Run("replay", Scenario(Window), "--design", "keep-going", "--disk", "real", "--work-dir", Path.Combine(_dir, "w"), "--json", json);

        var replay = Harness.Checking.Results.HarnessResult.Parse(File.ReadAllText(json), json).Findings.Single().Replay!;
        var first = CliRunner.RunTwice(Harness.Tests.Explorer.ShellWords.HarnessArguments(replay));

        Assert.Equal(1, code);
        Assert.DoesNotContain("--work-dir", replay, StringComparison.Ordinal);
        Assert.False(Harness.Checking.Results.HarnessResult.Parse(File.ReadAllText(json), json).Options.ContainsKey("finding"));
        Assert.Equal(1, first.Code);
        Assert.Equal(output[output.IndexOf('\n', StringComparison.Ordinal)..], first.Out[first.Out.IndexOf('\n', StringComparison.Ordinal)..]);
    }

    [Fact]
    public void Replay_SimDiskOnKeepGoingWindow_ReportsTheViolationOnBothSidesAndExitsOne()
    {
        var (code, output, _) = Run("replay", Scenario(Window), "--design", "keep-going", "--disk", "sim", "--show-tree");

        Assert.Equal(1, code);
        Assert.DoesNotContain("DIVERGENCE", output, StringComparison.Ordinal);
        Assert.Contains("model: violated: fresh-volume (line 11)", output, StringComparison.Ordinal);
        Assert.Contains("impl: violated: fresh-volume (line 11)", output, StringComparison.Ordinal);
        Assert.Contains("volumes/roles/r1/v1/data = '1'", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_RealDiskOnTargetIncarnation_ExitsZeroAndLeavesTheWorkDirectory()
    {
        var work = Path.Combine(_dir, "work");

        var restart = Window.Replace("fail rmdir r1/v1\ndeliver\n", "fail rmdir r1/v1\ndeliver\nrestart agent\n", StringComparison.Ordinal);

        var (code, output, _) = Run("replay", Scenario(restart), "--design", "target-incarnation", "--disk", "real", "--work-dir", work);

        Assert.Equal(0, code);
        Assert.Contains("impl: no property violated", output, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(work, "a1", "volumes", "roles", "r1", "v1")));
    }

    [Fact]
    public void Replay_RealDiskWithExistingState_RecoversAndRunsTheImplementationAlone()
    {
        var work = Path.Combine(_dir, "work");
        Assert.Equal(0, Run("replay", Scenario("reserve r1 size=2\ncreate r1/v1\ndeliver\ndeliver\n"), "--design", "target", "--disk", "real", "--work-dir", work).Code);

        var (code, output, _) = Run("replay", Scenario("reserve r1\n"), "--design", "target", "--disk", "real", "--work-dir", work);

        Assert.Equal(0, code);
        Assert.Contains("cannot follow", output, StringComparison.Ordinal);
        Assert.Contains("a1 starts with {r1:2 r1/v1}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_RealDiskWithCorruptCheckpoint_ExitsNonZeroNamingTheFileAndChangesNothing()
    {
        var work = Path.Combine(_dir, "work");
        var meta = Directory.CreateDirectory(Path.Combine(work, "a1", "meta", "resources")).FullName;
        File.WriteAllBytes(Path.Combine(meta, "resources.info"), [0x01, 0x02, 0x03]);
        Directory.CreateDirectory(Path.Combine(work, "a1", "volumes", "roles", "r1", "v1"));
        var before = FileSystemTree.Capture(new LocalFileSystem(work));

        var (code, _, err) = Run("replay", Scenario("reserve r1\ndeliver\n"), "--design", "target", "--disk", "real", "--work-dir", work);

        Assert.NotEqual(0, code);
        Assert.Contains("resources.info", err, StringComparison.Ordinal);
        Assert.Equal(before, FileSystemTree.Capture(new LocalFileSystem(work)));
    }

    [Fact]
    public void Replay_RealDiskWithPowerLoss_ExitsTwo()
    {
        var (code, _, err) = Run("replay", Scenario("reserve r1\npower-loss\n"), "--design", "target", "--disk", "real", "--work-dir", Path.Combine(_dir, "w"));

        Assert.Equal(2, code);
        Assert.Contains("simulated disk", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_RealDiskWithoutWorkDirectory_RunsTheSameWayEveryTime()
    {
        var scenario = Scenario("reserve r1 size=2\ncreate r1/v1\ndeliver\ndeliver\n");

        var first = CliRunner.RunTwice("replay", scenario, "--design", "target", "--disk", "real");

        Assert.Equal(0, first.Code);
        Assert.Contains("on the real disk in a temporary directory", first.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--disk", "nope")]
    [InlineData("--show-tree")]
    public void Replay_BadDiskOptions_ExitTwo(params string[] extra)
    {
        var (code, _, err) = Run(["replay", Scenario("reserve r1\n"), "--design", "target", .. extra]);

        Assert.Equal(2, code);
        Assert.StartsWith("harness: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_SimDiskLineImpossibleOnBothSides_ExitsTwo()
    {
        var (code, output, err) = Run("replay", Scenario("deliver\n"), "--design", "target", "--disk", "sim");

        Assert.Equal(2, code);
        Assert.DoesNotContain("DIVERGENCE", output, StringComparison.Ordinal);
        Assert.Contains("test.scenario:1:", err, StringComparison.Ordinal);
    }
}
