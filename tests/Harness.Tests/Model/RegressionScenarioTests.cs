using System.Text.RegularExpressions;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Model;

/// <summary>
/// Every saved counterexample in scenarios/ states its verdicts in <c># expect DESIGN: PROPERTY, ... | holds</c> lines;
/// SavedScenarioTests replays each one in lockstep and checks them on both sides.
/// </summary>
public partial class RegressionScenarioTests
{
    [Fact]
    public void Scenarios_EveryFile_StatesAtLeastOneExpectation()
    {
        var files = Directory.GetFiles(RepoFiles.PathOf("scenarios"), "*.scenario");

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Matches(ExpectLine(), File.ReadAllText(f)));
    }

    [GeneratedRegex(@"^# expect ([a-z-]+):\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();
}
