using System.Text.Json;
using Harness.Explorer;
using Xunit;

namespace Harness.Tests.Explorer;

public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void Help_PrintsUsageAndExitsZero()
    {
        var (code, output, _) = Run("--help");

        Assert.Equal(0, code);
        Assert.Contains("model-check", output, StringComparison.Ordinal);
        foreach (var command in new[] { "model-check", "replay", "interleave", "conform" })
        {
            var help = Run(command, "--help");
            Assert.Equal(0, help.Code);
            Assert.Contains($"Usage:\n  ./harness {command} ", help.Out.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Version_PrintsTheProgramsVersionAndExitsZero()
    {
        var (code, output, _) = Run("--version");

        Assert.Equal(0, code);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
        Assert.Equal(2, Run("model-check", "--version").Code);
    }

    [Theory]
    [InlineData("model-check", "--design", "nope")]
    [InlineData("model-check")]
    [InlineData("model-check", "--design", "target", "--ids", "99")]
    [InlineData("model-check", "--design", "target", "--frobnicate")]
    [InlineData("model-check", "--design", "target", "--agents", "3", "--roles", "3", "--ids", "4")]
    [InlineData("conform", "--design", "target", "--roles", "3", "--sequences", "1")]
    [InlineData("conform", "--design", "target", "--agents", "3")]
    [InlineData("replay", "--design", "target")]
    [InlineData("no-such-command")]
    public void BadUsage_ExitsTwoWithAMessage(params string[] args)
    {
        var (code, _, err) = Run(args);

        Assert.Equal(2, code);
        Assert.StartsWith("harness: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_RealDisk_EveryPrintedReplayLineReproducesItsFinding()
    {
        var (code, output, _) = Run("conform", "--design", "partial-exit", "--disk", "real", "--sequences", "100", "--out", Path.Combine(_dir, "conform"));
        var replays = output.Split('\n')
            .Where(l => l.StartsWith("replay: ", StringComparison.Ordinal))
            .Select(l => ShellWords.Split(l["replay: ".Length..]).Skip(1).ToArray())
            .ToList();

        // Pasted as printed, each one twice: the second run must not start from the disk the first one left.
        Assert.Equal(1, code);
        Assert.True(replays.Count >= 2, output);
        Assert.All(replays, args => Assert.Equal(1, CliRunner.RunTwice(args).Code));
    }

    [Fact]
    public void ModelCheck_FoundByLineOfAScenario_RunsTheSameSearch()
    {
        var first = Run("model-check", "--design", "target", "--max-states", "3000", "--no-symmetry", "--out", Path.Combine(_dir, "first"));
        var foundBy = File.ReadLines(Directory.GetFiles(Path.Combine(_dir, "first"), "*.scenario")[0]).ElementAt(1);

        Assert.StartsWith("# found by: ./harness model-check ", foundBy, StringComparison.Ordinal);
        var again = Run([.. ShellWords.HarnessArguments(foundBy["# found by: ".Length..]), "--out", Path.Combine(_dir, "again")]);

        Assert.Equal(1, first.Code);
        Assert.Equal(first.Code, again.Code);
        static string Table(string output) => string.Join('\n', output.Split('\n').Where(l => l.StartsWith("| target ", StringComparison.Ordinal)).Select(l => l[..l.LastIndexOf('|', l.Length - 2)]));
        Assert.Contains("| target |", Table(first.Out), StringComparison.Ordinal);
        Assert.Equal(Table(first.Out), Table(again.Out));
    }

    [Fact]
    public void ModelCheck_TargetIncarnation_HoldsAndExitsZero()
    {
        var (code, output, _) = Run("model-check", "--design", "target-incarnation", "--ops", "3", "--out", _dir);

        Assert.Equal(0, code);
        Assert.Contains("| target-incarnation | holds", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelCheck_OptionsWithEquals_AreTheSameAsWithASpace()
    {
        var (code, output, err) = Run("model-check", "--design=target-incarnation", "--ops=2", $"--out={_dir}");

        Assert.True(code == 0, err);
        Assert.Contains("| target-incarnation | holds", output, StringComparison.Ordinal);
        Assert.Contains("ops=2", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Conform_TwoAgentsTwoRolesWithoutIds_KeepsTheDefaultIdsThatFit()
    {
        // The packed state holds up to 32 words: the largest shape conform takes (2 agents x 2 roles x 3 ids) fits, so
        // the ids the user left out stay at their default instead of being lowered.
        var (code, output, err) = Run("conform", "--design", "target-incarnation", "--agents", "2", "--roles", "2", "--sequences", "2", "--out", _dir);

        Assert.True(code == 0, err);
        Assert.Contains("--agents 2 --roles 2 --ids 2 ", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelCheck_Progress_PrintsOneLinePerLevel()
    {
        var (code, output, _) = Run("model-check", "--design", "target-incarnation", "--ops", "2", "--progress", "--out", _dir);

        Assert.Equal(0, code);
        Assert.Contains("target-incarnation: depth 1,", output, StringComparison.Ordinal);
        Assert.Contains("target-incarnation: depth 2,", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelCheck_SpillDir_SameVerdictsAndTracesAsInMemoryAndNoFileLeft()
    {
        var spillParent = Directory.CreateDirectory(Path.Combine(_dir, "spill")).FullName;

        var spilled = Run("model-check", "--design", "target", "--agents", "2", "--ops", "2", "--spill-dir", spillParent, "--out", Path.Combine(_dir, "a"));
        var memory = Run("model-check", "--design", "target", "--agents", "2", "--ops", "2", "--no-spill", "--out", Path.Combine(_dir, "b"));

        Assert.Equal(1, spilled.Code);
        Assert.Contains("parents and edges: spilled to temporary files", spilled.Out, StringComparison.Ordinal);
        Assert.Contains("parents and edges: in memory", memory.Out, StringComparison.Ordinal);
        Assert.Equal(Comparable(memory.Out), Comparable(spilled.Out));
        Assert.Empty(Directory.EnumerateFileSystemEntries(spillParent));

        // Everything but the header, the timings and the memory line, which differ by design.
        static List<string> Comparable(string output) =>
            [.. output.ReplaceLineEndings("\n").Split('\n')
                .Where(l => !l.StartsWith("model-check ", StringComparison.Ordinal) && !l.Contains("states/s", StringComparison.Ordinal) && !l.StartsWith("replay ", StringComparison.Ordinal))
                .Select(l => l.StartsWith("| target ", StringComparison.Ordinal) ? l[..l.LastIndexOf('|', l.Length - 2)] : l)];
    }

    [Fact]
    public void ModelCheck_SpillDirAndNoSpill_ExitsTwo()
    {
        var (code, _, err) = Run("model-check", "--design", "target", "--spill-dir", _dir, "--no-spill");

        Assert.Equal(2, code);
        Assert.Contains("--spill-dir and --no-spill do not combine", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelCheck_Json_StepsReplayToTheSameViolation()
    {
        var json = Path.Combine(_dir, "out.json");
        var (code, _, _) = Run("model-check", "--design", "keep-going", "--crashes", "0", "--power-losses", "0", "--link-breaks", "0", "--json", json, "--out", _dir);

        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("model-check", doc.RootElement.GetProperty("command").GetString());
        var first = doc.RootElement.GetProperty("findings")[0];
        Assert.Equal("fresh-volume", first.GetProperty("properties")[0].GetString());

        var (replayCode, replayOut, _) = Run("replay", json, "--design", "keep-going", "--property", "fresh-volume");
        Assert.Equal(1, replayCode);
        Assert.Contains("violated: fresh-volume", replayOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_MalformedScenario_ExitsTwoNamingTheLine()
    {
        var file = Path.Combine(_dir, "bad.scenario");
        File.WriteAllText(file, "reserve r1\n\ncreate r1/v1 size=-3\n");

        var (code, _, err) = Run("replay", file, "--design", "target");

        Assert.Equal(2, code);
        Assert.Contains("bad.scenario:3:", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"violations\": 3}")]
    [InlineData("{\"violations\": [{\"property\": \"fresh-volume\", \"steps\": [1]}]}")]
    public void Replay_MalformedJson_ExitsTwo(string text)
    {
        var file = Path.Combine(_dir, "bad.json");
        File.WriteAllText(file, text);

        Assert.Equal(2, Run("replay", file, "--design", "target").Code);
    }

    [Fact]
    public void Replay_MissingFile_ExitsTwo()
    {
        Assert.Equal(2, Run("replay", Path.Combine(_dir, "missing.scenario"), "--design", "target").Code);
    }
}
