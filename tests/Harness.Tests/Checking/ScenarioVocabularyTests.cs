using Harness.Checking;
using Harness.Checking.Mutation;
using Harness.Impl.Agents;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>The scenario lines a test needs beyond the protocol's actions, run by the model and the implementation alike.</summary>
public sealed class ScenarioVocabularyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-vocabulary-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(DiskKind.Simulated)]
    [InlineData(DiskKind.Real)]
    public void Run_CleanRestartOfARunningAgent_LosesMessagesInFlightAndKeepsTheDisk(DiskKind disk)
    {
        var scenario = Parse("""
            reserve r1
            create r1/v1
            deliver
            deliver
            expect dir r1/v1
            destroy r1/v1
            restart agent        # the DESTROY's message is lost with the process; the disk keeps r1/v1
            expect agent up
            expect dir r1/v1
            deliver              # re-registration brought the master's view, without r1/v1
            expect no dir r1/v1
            expect checkpoint = master
            """);

        var report = Run(Design.Target, scenario, disk);

        Assert.False(report.Diverged, Describe(report));
        Assert.Empty(report.UnmetExpectations);
        Assert.Contains(report.Lines[6].Implementation!.Events, e => e.Contains("orderly shutdown); 1 message(s) in flight are lost", StringComparison.Ordinal));
        Assert.Contains(report.Lines[6].Model!.Events, e => e.Contains("orderly shutdown); 1 message(s) in flight are lost", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("info", "truncate", DiskKind.Simulated)]
    [InlineData("info", "empty", DiskKind.Simulated)]
    [InlineData("info", "garbage", DiskKind.Real)]
    [InlineData("target", "truncate", DiskKind.Real)]
    [InlineData("target", "empty", DiskKind.Simulated)]
    [InlineData("target", "garbage", DiskKind.Simulated)]
    public void Run_DamagedCheckpoint_BothSidesReadItAsUnparseableAndTheAgentStaysDown(string file, string damage, DiskKind disk)
    {
        var scenario = Parse($"reserve r1\ndeliver\ndamage {file} {damage}\nrestart agent\nexpect agent stuck\n");

        var report = Run(Design.Target, scenario, disk);

        Assert.False(report.Diverged, Describe(report));
        Assert.Empty(report.UnmetExpectations);
        var field = file == "info" ? report.Lines[2].ImplObservation.Agents[0].Info : report.Lines[2].ImplObservation.Agents[0].Target;
        Assert.Equal(AgentObservation.Unparseable, field);
        Assert.Contains(PropertyId.Convergence, report.ImplViolated);
    }

    [Fact]
    public void Run_DamageThenPowerLoss_TheDamageIsDurable()
    {
        var scenario = Parse("reserve r1\ndeliver\ndamage info garbage\npower-loss\nrestart agent\nexpect agent stuck\n");

        var report = Run(Design.KeepGoing, scenario, DiskKind.Simulated);

        Assert.False(report.Diverged, Describe(report));
        Assert.Empty(report.UnmetExpectations);
    }

    [Theory]
    [InlineData(DiskKind.Simulated)]
    [InlineData(DiskKind.Real)]
    public void Run_HostileNameSentStraightToTheAgent_RejectedWithTheMastersWordsAndNothingChanges(DiskKind disk)
    {
        var scenario = Parse("reserve r1\ncreate r1/v1\ndeliver\ndeliver\nsend-agent create ../x/v1\nexpect rejected\nsend-agent use r1/..\nexpect rejected\n");

        var report = Run(Design.TargetIncarnation, scenario, disk);

        Assert.False(report.Diverged, Describe(report));
        Assert.Empty(report.UnmetExpectations);
        Assert.Empty(report.ImplViolated);
        Assert.Equal(
            "Invalid role '..': '.' and '..' are not allowed; Invalid persistence id 'x/v1': it must not contain '/'",
            report.Lines[4].Implementation!.Rejected);
        Assert.Equal(report.Lines[4].Model!.Rejected, report.Lines[4].Implementation!.Rejected);
    }

    [Theory]
    [InlineData("send-agent create ../x/v1")]
    [InlineData("send-agent create r1/bad\u0001")]
    [InlineData("send-agent use r1/bad\u0001")]
    public void Run_AgentThatTrustsNames_ConfinementIsViolated(string line)
    {
        var scenario = Parse($"reserve r1\ndeliver\n{line}\n");

        var report = Run(Design.Target, scenario, DiskKind.Simulated, AgentMutant.TrustsNames);

        Assert.Contains(PropertyId.Confinement, report.ImplViolated);
    }

    [Fact]
    public void Run_UnmetExpectation_ReportedWithItsLineOnBothSides()
    {
        var scenario = Parse("reserve r1\nexpect rejected\ndeliver\nexpect dir r1/v1\n");

        var report = Run(Design.Target, scenario, DiskKind.Simulated);

        Assert.False(report.Diverged, Describe(report));
        Assert.Equal(
            [
                "line 2 (expect rejected): model: the previous line was accepted",
                "line 2 (expect rejected): impl: the previous line was accepted",
                "line 4 (expect dir r1/v1): model: volumes/roles/r1/v1 does not exist",
                "line 4 (expect dir r1/v1): impl: volumes/roles/r1/v1 does not exist",
            ],
            report.UnmetExpectations);
    }

    [Theory]
    [InlineData("model")]
    [InlineData("sim")]
    public void Replay_UnmetExpectation_ExitsOneNamingTheLine(string disk)
    {
        var file = Path.Combine(_dir, "expect.scenario");
        File.WriteAllText(file, "reserve r1\nexpect rejected\n");

        var (code, output, _) = CliRunner.Run("replay", file, "--design", "target", "--disk", disk);

        Assert.Equal(1, code);
        Assert.Contains("expectation not met: line 2 (expect rejected)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model")]
    [InlineData("sim")]
    public void Replay_RoleWithSlash_ExitsTwoWithTheMastersMessage(string disk)
    {
        // The hole this closes: the parser let '../x' through, the model accepted it and only the master refused it.
        var file = Path.Combine(_dir, "slash.scenario");
        File.WriteAllText(file, "reserve ../x\n");

        var (code, _, err) = CliRunner.Run("replay", file, "--design", "target", "--disk", disk);

        Assert.Equal(2, code);
        Assert.Contains("slash.scenario:1: Invalid role '../x': it must not contain '/'", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("expect rejected", "must follow an operation")]
    [InlineData("deliver\nexpect accepted", "must follow an operation")]
    [InlineData("send-agent create r1/v1", "send-agent is for names the master refuses")]
    [InlineData("damage info shred", "expected 'damage info|target truncate|empty|garbage'")]
    [InlineData("expect nothing", "expected 'expect rejected'")]
    public void Parse_BadVocabularyLine_IsAnErrorNamingTheLine(string text, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse(text, "bad.scenario"));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_EveryNewLine_ParsesBackToItself()
    {
        const string Text = "restart agent\ndamage target garbage\nsend-agent create ../x/v1 size=1\nexpect rejected\nsend-agent use r1/..\n" +
                            "expect dir r1/v1\nexpect no dir r1/v1 @a2\nexpect checkpoint = master\nexpect no target\nexpect agent stuck\n" +
                            "writeback after rename target\n";

        var scenario = Scenario.Parse(Text);

        Assert.Equal(Text, scenario.Format());
    }

    private static Scenario Parse(string text) => Scenario.Parse(text.Replace("\r", string.Empty, StringComparison.Ordinal), "test");

    private LockstepReport Run(Design design, Scenario scenario, DiskKind disk, AgentMutant? mutant = null)
    {
        var runner = new LockstepRunner(design, scenario, new LockstepOptions
        {
            Implementation = new ImplOptions { Disk = disk, WorkDirectory = Path.Combine(_dir, Guid.NewGuid().ToString("N")), Mutant = mutant ?? AgentMutant.None },
        });
        runner.Start();
        return runner.Run();
    }

    private static string Describe(LockstepReport report) => string.Join('\n', report.Lines.SelectMany(l =>
        new[] { $"{l.Command.Line}: {l.Command} {l.ModelError} {l.ImplError}" }
            .Concat(l.Model?.Events ?? []).Concat(l.Implementation?.Events ?? []).Concat(l.Divergence ?? [])));
}
