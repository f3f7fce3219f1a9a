using Harness.Checking.Nightly;
using Xunit;

namespace Harness.Tests.Nightly;

public sealed class SequenceDiagramTests
{
    [Fact]
    public void Of_ScenarioLines_LanesHaveAliasesAndEachLineIsOneStatement()
    {
        string[] steps = ["create r1/v1 size=1", "deliver", "destroy r1/v1", "fail rmdir r1/v1", "deliver", "break link", "use r1/v1"];

        var diagram = SequenceDiagram.Of(steps);

        Assert.Contains("participant L as link", diagram, StringComparison.Ordinal);
        Assert.Contains("F->>M: create r1/v1 size=1", diagram, StringComparison.Ordinal);
        Assert.Contains("Note over A,D: fail rmdir r1/v1 (armed)", diagram, StringComparison.Ordinal);
        Assert.Contains("Note over L: break link", diagram, StringComparison.Ordinal);
        Assert.DoesNotContain("->>link", diagram, StringComparison.Ordinal);
        Assert.Equal(6 + steps.Length, diagram.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Of_CoyoteSteps_MessagesLoseStatementSeparatorsAndArrows()
    {
        var diagram = SequenceDiagram.Of(["agent: rename meta/t -> meta/i FAILS", "master accepts CREATE; #1"]);

        Assert.Contains("A->>D: rename meta/t to meta/i FAILS", diagram, StringComparison.Ordinal);
        Assert.Contains("F->>M: master accepts CREATE, no. 1", diagram, StringComparison.Ordinal);
    }
}
