using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Explorer;

/// <summary>Runs alone: one row points TMPDIR at a read-only directory, which no other test may see.</summary>
[CollectionDefinition(nameof(ProcessWideSettings), DisableParallelization = true)]
public sealed class ProcessWideSettings;

/// <summary>The files the bad inputs point at: foreign, truncated and malformed ones, a real result with several findings.</summary>
public sealed class BadInputFiles : IDisposable
{
    public BadInputFiles()
    {
        Directory.CreateDirectory(Path.Combine(Dir, "dir.scenario"));
        Directory.CreateDirectory(Path.Combine(Dir, "a-dir"));
        File.WriteAllText(Path.Combine(Dir, "ok.scenario"), "reserve r1 size=1\ndeliver\n");
        File.WriteAllText(Path.Combine(Dir, "a-file"), "x");
        File.WriteAllText(Path.Combine(Dir, "bad-size.scenario"), "reserve r1\n\ncreate r1/v1 size=-3\n");
        File.WriteAllText(Path.Combine(Dir, "unknown.scenario"), "reserve r1\nfrobnicate\n");
        File.WriteAllText(Path.Combine(Dir, "impossible.scenario"), "deliver\n");
        File.WriteAllText(Path.Combine(Dir, "foreign.trace"), "{}");
        File.WriteAllText(Path.Combine(Dir, "garbage.trace"), "not json at all");
        File.WriteAllText(Path.Combine(Dir, "garbage.trace.args"), "--design keep-going\n");
        File.WriteAllText(Path.Combine(Dir, "wrongargs.trace"), "{}");
        File.WriteAllText(Path.Combine(Dir, "wrongargs.trace.args"), "--frobnicate 3\n");
        File.WriteAllText(Path.Combine(Dir, "notjson.json"), "{ this is not");
        File.WriteAllText(Path.Combine(Dir, "other.json"), "{\"violations\": []}");
        File.WriteAllText(Path.Combine(Dir, "v2.json"), "{\"schema\": \"harness-result/2\"}");
        File.WriteAllText(Path.Combine(Dir, "array.json"), "[1, 2]");
        var (code, _, err) = CliRunner.Run("model-check", "--design", "keep-going", "--crashes", "0", "--power-losses", "0", "--link-breaks", "0",
            "--out", Path.Combine(Dir, "mc"), "--json", Path.Combine(Dir, "mc.json"));
        Assert.True(code == 1, err);
        var result = File.ReadAllText(Path.Combine(Dir, "mc.json"));
        File.WriteAllText(Path.Combine(Dir, "truncated.json"), result[..(result.Length / 2)]);
        (code, _, err) = CliRunner.Run("interleave", "--design", "keep-going", "--faults", "rmdir,late-notice", "--fault-budget", "1",
            "--properties", "fresh-volume", "--iterations", "100", "--seed", "7", "--out", Path.Combine(Dir, "il"));
        Assert.True(code == 1, err);
        var trace = Directory.GetFiles(Path.Combine(Dir, "il"), "*.trace").Single();
        var text = File.ReadAllText(trace);
        File.WriteAllText(Path.Combine(Dir, "truncated.trace"), text[..(text.Length / 2)]);
        File.Copy(trace + ".args", Path.Combine(Dir, "truncated.trace.args"));
    }

    /// <summary>Where the files are; the rows name it {d}.</summary>
    public static string Dir { get; } = Directory.CreateTempSubdirectory("harness-bad-").FullName;

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>
/// Every input or environment problem ends in one line on stderr that names the culprit (a flag, a path, a line) and exit
/// code 2, never a stack trace. /sys/kernel stands for a read-only directory (it refuses new entries even to root, where a
/// chmod would not), /dev/full for a full disk.
/// </summary>
[Collection(nameof(ProcessWideSettings))]
public sealed class BadInputTests(BadInputFiles files, ITestOutputHelper output) : IClassFixture<BadInputFiles>
{
    private const string ReadOnly = "/sys/kernel";

    public static TheoryData<string, string> Rows => new()
    {
        // Usage.
        { "", "a command is required" },
        { "frobnicate", "unknown command 'frobnicate'" },
        { "model-check", "--design is required" },
        { "model-check --design nope", "unknown design 'nope'; designs:" },
        { "replay {d}/ok.scenario --design nope", "unknown design 'nope'; designs:" },
        { "conform --design nope", "unknown design 'nope'; designs:" },
        { "interleave --design nope", "unknown design 'nope'; designs:" },
        { "interleave --design all", "--design all is for model-check; interleave takes one design" },
        { "conform --design all", "--design all is for model-check; conform takes one design" },
        { "model-check --design target --ids 99", "--ids takes a whole number from 1 to 4, got '99'" },
        { "model-check --design target --ids x", "--ids takes a whole number from 1 to 4, got 'x'" },
        { "model-check --design target --ids", "--ids needs a value" },
        { "model-check --design target --ids 1 --ids 2", "--ids is given more than once" },
        { "model-check --design target --frobnicate", "unknown option '--frobnicate' for model-check" },
        { "model-check --desing target", "unknown option '--desing' for model-check; did you mean '--design'?" },
        { "model-check --design=target --opz=3", "unknown option '--opz' for model-check; did you mean '--ops'?" },
        { "model-check --design target --agents 3 --roles 3 --ids 4", "lower --agents, --roles, --ids or --ops" },
        { "model-check --design target --max-states 0", "--max-states takes a whole number" },
        { "model-check --design target stray", "unexpected argument 'stray' for model-check" },
        { "conform --design target --agents 3", "--agents takes a whole number from 1 to 2, got '3'" },
        { "conform --design target --roles 3 --sequences 1", "--roles" },
        { "conform --design target --disk nope", "--disk takes sim or real, got 'nope'" },
        { "conform --design target --seed -1", "--seed takes a whole number" },
        { "conform --design target --exhaustive-depth 13", "--exhaustive-depth takes a whole number from 0 to 12" },
        { "interleave", "--design is required" },
        { "interleave --design target --faults meteor", "--faults: unknown fault kind 'meteor'" },
        { "interleave --design target --strategy dfs", "--strategy takes random, pct, probabilistic, prioritization or portfolio, got 'dfs'" },
        { "interleave --design target --time soon", "--time takes a positive duration" },
        { "interleave --design target --time 0s", "--time takes a positive duration" },
        { "interleave --design target --seed -1", "--seed takes a whole number" },
        { "interleave --design target --seed 4294967296", "--seed takes a whole number from 0 to 4294967295" },
        { "interleave --design target --parallel -1", "--parallel takes a whole number" },
        { "interleave --design target --iterations 0", "--iterations takes a whole number" },
        { "interleave --design target --time 5s --iterations 10", "--time and --iterations do not combine" },
        { "interleave --design target --seeds 3 --parallel 2", "--seeds and --parallel do not combine" },
        { "interleave --design target --seeds 3 --replay {d}/foreign.trace", "--seeds and --replay do not combine" },
        { "interleave --design target --seeds 3 --json {d}/s.json", "--seeds and --json do not combine" },
        { "interleave --design target --seeds 3 --out {d}/s", "--seeds and --out do not combine" },
        { "interleave --design target --replay {d}/foreign.trace --out {d}/r", "--replay and --out do not combine" },
        { "interleave --design target --properties liveness", "--properties: unknown property 'liveness'" },
        { "replay", "replay needs FILE" },
        { "replay {d}/ok.scenario", "--design is required" },
        { "replay {d}/ok.scenario --design target --disk nope", "--disk takes model, sim or real, got 'nope'" },
        { "replay {d}/ok.scenario --design target --show-tree", "--show-tree needs --disk sim or --disk real" },
        { "replay {d}/ok.scenario --design target --work-dir {d}/w", "--work-dir applies to --disk real only" },
        { "replay {d}/ok.scenario --design target --property fresh-volume", "--property applies to a result file" },

        // Files that are missing, of another kind, foreign, truncated or malformed.
        { "replay {d}/missing.scenario --design target", "'{d}/missing.scenario': no such file" },
        { "replay {d}/dir.scenario --design target", "'{d}/dir.scenario' is a directory" },
        { "replay {d}/bad-size.scenario --design target", "bad-size.scenario:3:" },
        { "replay {d}/unknown.scenario --design target", "unknown.scenario:2: unknown command 'frobnicate'" },
        { "replay {d}/impossible.scenario --design target --disk sim", "impossible.scenario:1:" },
        { "replay {d}/foreign.trace", "'{d}/foreign.trace.args' is missing" },
        { "replay {d}/garbage.trace", "cannot read trace '{d}/garbage.trace': not a Coyote trace" },
        { "replay {d}/truncated.trace", "cannot read trace '{d}/truncated.trace': not a Coyote trace" },
        { "replay {d}/wrongargs.trace", "'{d}/wrongargs.trace.args' does not hold the options of an interleave run" },
        { "replay {d}/truncated.trace --design target", "was explored on --design keep-going, not target" },
        { "replay {d}/truncated.trace --show-tree", "a Coyote trace replays on the implementation under Coyote: --disk, --work-dir, --show-tree" },
        { "replay {d}/truncated.trace --work-dir {d}/w", "a Coyote trace replays on the implementation under Coyote: --disk, --work-dir, --show-tree" },
        { "interleave --design keep-going --replay {d}/missing.trace", "'{d}/missing.trace': no such file" },
        { "interleave --design keep-going --replay {d}/truncated.trace", "cannot read trace '{d}/truncated.trace'" },
        { "replay {d}/notjson.json", "{d}/notjson.json: not JSON" },
        { "replay {d}/other.json", "{d}/other.json: not a result document" },
        { "replay {d}/array.json", "{d}/array.json: not a result document" },
        { "replay {d}/v2.json", "result schema 'harness-result/2' is not supported" },
        { "replay {d}/truncated.json", "{d}/truncated.json: not JSON" },
        { "replay {d}/mc.json", "choose one with --finding; they are: --finding 1 (keep-going, " },
        { "replay {d}/mc.json --design target-incarnation", "holds no finding for --design target-incarnation; it holds: --finding 1 (keep-going, " },
        { "replay {d}/mc.json --finding 99", "holds no finding for --finding 99; it holds: --finding 1 (" },
        { "replay {d}/ok.scenario --design target --finding 1", "--finding applies to a result file (.json) only" },
        { "replay {d}/mc.json --property no-data-loss", "holds no finding for --property no-data-loss" },

        // Directories that cannot be created or written, a directory where a file is expected, a full disk, no temporary space.
        { "replay {d}/ok.scenario --design target --disk real --work-dir /sys/kernel/harness-work", "--work-dir '/sys/kernel/harness-work': cannot create the directory" },
        { "replay {d}/ok.scenario --design target --disk real --work-dir {d}/a-file", "--work-dir '{d}/a-file' is a file" },
        { "model-check --design target-incarnation --ops 1 --out /sys/kernel/harness-out", "--out '/sys/kernel/harness-out': cannot create the directory" },
        { "model-check --design target-incarnation --ops 1 --out /sys/kernel", "--out '/sys/kernel': the directory is not writable" },
        { "model-check --design target-incarnation --ops 1 --out {d}/a-file", "--out '{d}/a-file' is a file" },
        { "model-check --design target-incarnation --ops 1 --out {d}/o --json {d}/a-dir", "--json '{d}/a-dir' is a directory" },
        { "model-check --design target-incarnation --ops 1 --out {d}/o --json {d}/missing/x.json", "--json '{d}/missing/x.json': directory" },
        { "model-check --design target-incarnation --ops 1 --out {d}/o --json /sys/kernel/x.json", "--json '/sys/kernel/x.json'" },
        { "model-check --design target-incarnation --ops 1 --out {d}/o --json /dev/full", "cannot write '/dev/full': No space left on device" },
        { "replay {d}/ok.scenario --design keep-going --json /dev/full", "cannot write '/dev/full': No space left on device" },
        { "conform --design target-incarnation --sequences 1 --out {d}/o --json /dev/full", "cannot write '/dev/full': No space left on device" },
        { "interleave --design target-incarnation --faults none --iterations 1 --out {d}/o --json /dev/full", "cannot write '/dev/full': No space left on device" },
        { "conform --design target --out /sys/kernel", "--out '/sys/kernel': the directory is not writable" },
        { "interleave --design target --out /sys/kernel/harness-out", "--out '/sys/kernel/harness-out': cannot create the directory" },
        { "TMPDIR=/sys/kernel conform --design target-incarnation --disk real --sequences 1 --out {d}/o", "the temporary directory '/sys/kernel/' is not writable (set TMPDIR" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Run_BadInput_OneLineNamingTheCulpritAndExitTwo(string input, string culprit)
    {
        Assert.True(Directory.Exists(ReadOnly), "these rows need Linux's /sys");
        var line = input.Replace("{d}", BadInputFiles.Dir, StringComparison.Ordinal);
        string? tmp = null;
        if (line.StartsWith("TMPDIR=", StringComparison.Ordinal))
        {
            tmp = Environment.GetEnvironmentVariable("TMPDIR");
            Environment.SetEnvironmentVariable("TMPDIR", line[7..line.IndexOf(' ', StringComparison.Ordinal)]);
            line = line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        }

        (int Code, string Out, string Err) run;
        try
        {
            run = CliRunner.Run(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            if (input.StartsWith("TMPDIR=", StringComparison.Ordinal))
            {
                Environment.SetEnvironmentVariable("TMPDIR", tmp);
            }
        }

        output.WriteLine($"| `{input}` | `{run.Err.TrimEnd().Replace(BadInputFiles.Dir, "{d}", StringComparison.Ordinal)}` | {run.Code} |");
        Assert.Equal(2, run.Code);
        var lines = run.Err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("harness: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(culprit.Replace("{d}", BadInputFiles.Dir, StringComparison.Ordinal), lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Err + run.Out, StringComparison.Ordinal);
        _ = files;
    }

    [Fact]
    public void Interleave_ResultFileOnAFullDisk_PrintsTheBugAndItsReplayFirst()
    {
        var (code, stdout, err) = CliRunner.Run("interleave", "--design", "keep-going", "--faults", "rmdir,late-notice", "--fault-budget", "1",
            "--properties", "fresh-volume", "--iterations", "100", "--seed", "7", "--out", Path.Combine(BadInputFiles.Dir, "full"), "--json", "/dev/full");

        Assert.Equal(2, code);
        Assert.Contains("fresh-volume violated: a task on r1/v1", stdout, StringComparison.Ordinal);
        Assert.Contains("replay with: ./harness interleave --design keep-going", stdout, StringComparison.Ordinal);
        Assert.Equal("harness: cannot write '/dev/full': No space left on device", err.TrimEnd());
    }
}
