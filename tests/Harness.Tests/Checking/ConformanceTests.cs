using Harness.Checking;
using Harness.Checking.Generation;
using Harness.Impl.Agents;
using Harness.Model;
using Xunit;
using Xunit.Abstractions;

namespace Harness.Tests.Checking;

public sealed class ConformanceTests(ITestOutputHelper output)
{
    public static TheoryData<string, DiskKind, int> DesignsAndDisks()
    {
        var data = new TheoryData<string, DiskKind, int>();
        foreach (var design in Designs.All)
        {
            data.Add(design.Name(), DiskKind.Simulated, 150);
            data.Add(design.Name(), DiskKind.Real, 25);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DesignsAndDisks))]
    public void Run_GeneratedScenarios_ImplementationNeverDiverges(string designName, DiskKind disk, int sequences)
    {
        var result = ConformanceChecker.Run(new ConformOptions { Design = Designs.Parse(designName), Disk = disk, Sequences = sequences });

        output.WriteLine(ConformReport.Text(result));
        Assert.Empty(result.Divergences);
        Assert.Equal(sequences, result.Sequences);
    }
}
