using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

public class ScenarioTests
{
    private const string EveryCommand = """
        # every command of the format
        reserve r1 size=2
        unreserve r1 size=1
        create r1/v1 size=1
        destroy r1/v1
        use r1/v1
        deliver
        restart agent
        reconnect agent
        break link
        master notices
        crash agent
        crash agent after mkdir r1/v1
        power-loss
        power-loss keep-metadata after write target
        fail rmdir r1/v1
        fail write info
        fail rename target
        writeback
        deliver @a2
        """;

    [Fact]
    public void Parse_EveryCommand_RoundTripsThroughFormat()
    {
        var scenario = Scenario.Parse(EveryCommand);
        var again = Scenario.Parse(scenario.Format());

        Assert.Equal(19, scenario.Commands.Count);
        Assert.Equal(scenario.Format(), again.Format());
        Assert.Equal(1, scenario.Commands[^1].Agent);
        Assert.Equal(new StepSpec(StepKind.WriteTarget), scenario.Commands[13].Step);
        Assert.True(scenario.Commands[13].KeepMetadata);
    }

    [Theory]
    [InlineData("reserve", 1, "expected 'reserve ROLE [size=N]'")]
    [InlineData("deliver\ncreate r1", 2, "expected ROLE/ID")]
    [InlineData("create r1/v1 size=0", 1, "size must be a positive whole number")]
    [InlineData("create r1/v1 size=ten", 1, "size must be a positive whole number")]
    [InlineData("\n\n# c\nfail mkdir", 4, "expected an I/O step")]
    [InlineData("crash agent before mkdir r1/v1", 1, "expected 'crash agent'")]
    [InlineData("deliver @b2", 1, "expected an agent")]
    [InlineData("create ../v1", 1, "Invalid role '..': '.' and '..' are not allowed")]
    [InlineData("reserve ../x", 1, "Invalid role '../x': it must not contain '/'")]
    [InlineData("create r1/.", 1, "Invalid persistence id '.': '.' and '..' are not allowed")]
    [InlineData("reserve a=b", 1, "a role containing '=' cannot be written in a scenario")]
    [InlineData("teleport agent", 1, "unknown command 'teleport'")]
    [InlineData("reserve r\u0007", 1, "Invalid role: it must not contain control characters (found U+0007)")]
    [InlineData("create r1/vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv", 1, "Invalid persistence id: it is 266 bytes long in UTF-8, the limit is 255")]
    public void Parse_MalformedLine_ErrorNamesTheLine(string text, int line, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => Scenario.Parse(text, "bad.scenario"));

        Assert.Equal(line, e.Line);
        Assert.StartsWith($"bad.scenario:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dimension_NamesAndBudgets_FitTheScenario()
    {
        var (names, bounds) = ModelRunner.Dimension(Scenario.Parse("reserve web size=3\ncreate web/db\ncreate web/logs\nfail rmdir web/db\ncrash agent"));

        Assert.Equal(0, names.FindSlot("web", "db"));
        Assert.Equal(1, names.FindSlot("web", "logs"));
        Assert.Equal(2, bounds.Ids);
        Assert.Equal(3, bounds.Operations);
        Assert.Equal(1, bounds.IoErrors);
        Assert.Equal(1, bounds.Crashes);
        Assert.Equal(ModelRunner.ScenarioCapacity, bounds.EffectiveCapacity);
    }

    [Fact]
    public void Run_ArmedFaultThatNeverFires_IsReportedPending()
    {
        var runner = new ModelRunner(Design.Target, Scenario.Parse("reserve r1\nfail mkdir r1/v1\ndeliver"));
        runner.RunAll();

        Assert.Single(runner.PendingFaults);
    }
}
