using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace Harness.Tests.Explorer;

/// <summary>
/// Runs every command once (small budgets, fixed seeds, a temporary directory) and holds what each printed and wrote, so that
/// the schema test and the printed-replay test share the runs.
/// </summary>
public sealed class CommandRuns : IDisposable
{
    public CommandRuns()
    {
        var scenario = RepoFiles.PathOf("docs/examples/seed-window.scenario");
        string[] window = ["--design", "keep-going", "--faults", "rmdir,late-notice", "--fault-budget", "1", "--properties", "fresh-volume", "--iterations", "100", "--seed", "7"];
        Runs["model-check"] = Run("mc", ["model-check", "--design", "keep-going", "--crashes", "0", "--power-losses", "0", "--link-breaks", "0"]);
        Runs["model-check-holds"] = Run("mch", ["model-check", "--design", "target-incarnation", "--ops", "2", "--max-states", "100000"]);
        Runs["conform"] = Run("cf", ["conform", "--design", "keep-going", "--sequences", "10", "--max-length", "12"]);
        Runs["interleave"] = Run("il", ["interleave", .. window]);
        Runs["interleave-parallel"] = Run("il2", ["interleave", .. window, "--parallel", "2"]);
        Runs["replay-scenario"] = Run("rs", ["replay", scenario, "--design", "keep-going"], withOut: false);
        Runs["replay-lockstep"] = Run("rl", ["replay", scenario, "--design", "keep-going", "--disk", "sim"], withOut: false);
        Runs["replay-result"] = Run("rr", ["replay", Path.Combine(Directory, "mc.json"), "--design", "keep-going", "--property", "fresh-volume"], withOut: false);
        var trace = System.IO.Directory.GetFiles(Path.Combine(Directory, "il"), "*.trace").Single();
        Runs["replay-trace"] = Run("rt", ["replay", trace], withOut: false);
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("harness-runs-").FullName;

    public Dictionary<string, (int Code, string Out, string Err, string Json)> Runs { get; } = [];

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private (int Code, string Out, string Err, string Json) Run(string name, string[] args, bool withOut = true)
    {
        var json = Path.Combine(Directory, name + ".json");
        var (code, output, err) = CliRunner.Run([.. args, "--json", json, .. withOut ? new[] { "--out", Path.Combine(Directory, name) } : []]);
        return (code, output, err, json);
    }
}

public sealed class CommandResultTests(CommandRuns runs) : IClassFixture<CommandRuns>
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(RepoFiles.PathOf("docs/harness-result.schema.json")));

    public static TheoryData<string> Commands => new(["model-check", "model-check-holds", "conform", "interleave", "interleave-parallel", "replay-scenario", "replay-lockstep", "replay-result", "replay-trace"]);

    private static EvaluationResults Validate(string json) =>
        Schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List });

    private static string Errors(EvaluationResults results) =>
        string.Join("; ", results.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));

    [Theory]
    [MemberData(nameof(Commands))]
    public void Json_EveryCommand_MatchesTheSchema(string command)
    {
        var run = runs.Runs[command];
        Assert.True(run.Code is 0 or 1, $"{command} exited {run.Code}: {run.Err}");

        var results = Validate(File.ReadAllText(run.Json));

        Assert.True(results.IsValid, $"{command}: {Errors(results)}");
        Assert.Equal(run.Code, JsonNode.Parse(File.ReadAllText(run.Json))!["exitCode"]!.GetValue<int>());
    }

    [Fact]
    public void Json_TheOldModelCheckDialect_FailsTheSchema()
    {
        const string old = """{"command": "model-check", "design": "target", "violations": [{"design": "target", "property": "no-data-loss", "steps": []}]}""";

        Assert.False(Validate(old).IsValid);
    }

    [Theory]
    [InlineData("model-check")]
    [InlineData("conform")]
    [InlineData("interleave")]
    [InlineData("interleave-parallel")]
    public void PrintedReplayLine_Run_ReproducesTheSameBug(string command)
    {
        var run = runs.Runs[command];
        Assert.Equal(1, run.Code);
        var findings = JsonNode.Parse(File.ReadAllText(run.Json))!["findings"]!.AsArray();
        var printed = run.Out.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith("replay", StringComparison.Ordinal) && l.Contains("harness ", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf("./harness", StringComparison.Ordinal) is var i and >= 0 ? i : l.IndexOf(':') + 2)..])
            .ToList();
        Assert.Equal(findings.Count, printed.Count);
        var traces = System.IO.Directory.GetFiles(runs.Directory, "*.trace", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);

        for (var i = 0; i < printed.Count; i++)
        {
            var (code, output, err) = CliRunner.Run(ShellWords.HarnessArguments(printed[i]));

            Assert.True(code == 1, $"{printed[i]} exited {code}: {err}");
            var finding = findings[i]!;
            Assert.Equal(finding["replay"]!.GetValue<string>(), printed[i]);
            if (command.StartsWith("interleave", StringComparison.Ordinal))
            {
                Assert.Contains(finding["summary"]!.GetValue<string>(), output, StringComparison.Ordinal);
            }
            else
            {
                foreach (var property in finding["properties"]!.AsArray().Select(p => p!.GetValue<string>()))
                {
                    // Convergence is decided by driving both sides to rest after the last line.
                    Assert.Contains(property == "convergence" ? "converges once faults stop: model no" : $"violated: {property}", output, StringComparison.Ordinal);
                }
            }
        }

        // A replay never writes to what it reads: every trace is as it was.
        foreach (var (path, text) in traces)
        {
            Assert.Equal(text, File.ReadAllText(path));
        }
    }

    [Theory]
    [InlineData("model-check")]
    [InlineData("conform")]
    [InlineData("interleave")]
    public void ReplayOfTheResultFile_EveryFindingItLists_ReplaysByItsNumber(string command)
    {
        var run = runs.Runs[command];
        var count = JsonNode.Parse(File.ReadAllText(run.Json))!["findings"]!.AsArray().Count;
        Assert.True(count >= 1, run.Out);

        var unselected = CliRunner.Run("replay", run.Json);

        if (count > 1)
        {
            Assert.Equal(2, unselected.Code);
            Assert.All(Enumerable.Range(1, count), n => Assert.Contains($"--finding {n} (", unselected.Err, StringComparison.Ordinal));
        }

        for (var n = 1; n <= count; n++)
        {
            var (code, _, err) = CliRunner.Run("replay", run.Json, "--finding", n.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(code == 1, $"--finding {n} exited {code}: {err}");
        }
    }
}
