using Xunit;

namespace Harness.Tests.Checking;

/// <summary>The model-only, simulated-disk and real-disk replays judge convergence the same way and exit alike.</summary>
public sealed class ConvergenceVerdictTests : IDisposable
{
    // keep-going logs the failed mkdir and keeps running with its old set; nothing ever sends the view again.
    private const string NeverConverges = "reserve r1\ncreate r1/v1\ndeliver\nfail mkdir r1/v1\ndeliver\n";

    // The CREATE's message is still in flight at the end: driving to rest delivers it.
    private const string ConvergesAtRest = "reserve r1\ncreate r1/v1\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("harness-convergence-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("model")]
    [InlineData("sim")]
    [InlineData("real")]
    public void Replay_ScenarioThatNeverConverges_ExitsOneOnEveryDisk(string disk)
    {
        var (code, output, _) = Replay(NeverConverges, "keep-going", disk);

        Assert.Equal(1, code);
        Assert.Contains(disk == "model" ? "converges once faults stop: no" : "converges once faults stop: model no, impl no", output, StringComparison.Ordinal);
        Assert.DoesNotContain("DIVERGENCE", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model")]
    [InlineData("sim")]
    [InlineData("real")]
    public void Replay_ScenarioThatConvergesAtRest_ExitsZeroOnEveryDisk(string disk)
    {
        var (code, output, _) = Replay(ConvergesAtRest, "keep-going", disk);

        Assert.Equal(0, code);
        Assert.Contains(disk == "model" ? "converges once faults stop: yes" : "converges once faults stop: model yes, impl yes", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_RealDisk_LivenessPhaseLeavesTheWorkDirectoryAsTheScenarioLeftIt()
    {
        // Driving to rest delivers the CREATE and makes the directory, but on a copy: the user's directory shows the
        // scenario's own outcome, with the message still undelivered.
        var (code, _, _) = Replay(ConvergesAtRest, "target", "real");

        Assert.Equal(0, code);
        Assert.True(Directory.Exists(Path.Combine(_dir, "work", "a1", "meta")));
        Assert.False(Directory.Exists(Path.Combine(_dir, "work", "a1", "volumes", "roles", "r1", "v1")));
    }

    private (int Code, string Out, string Err) Replay(string text, string design, string disk)
    {
        var file = Path.Combine(_dir, "test.scenario");
        File.WriteAllText(file, text);
        return disk == "real"
            ? CliRunner.Run("replay", file, "--design", design, "--disk", "real", "--work-dir", Path.Combine(_dir, "work"))
            : CliRunner.Run("replay", file, "--design", design, "--disk", disk);
    }
}
