using Harness.Checking;
using Harness.Checking.Generation;
using Harness.Checking.Nightly;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>
/// Searches that draw their scenarios in several samples (the nightly job's batches, conform's chunks) draw different
/// scenarios in each: seeds a fixed step apart once gave FsCheck the same stream a step later (200 nightly batches of 20
/// held 287 distinct scenarios out of 4,000).
/// </summary>
public sealed class SeedsTests
{
    private static readonly GenerationOptions RealDisk = new() { Disk = DiskKind.Real };

    [Fact]
    public void BatchSeed_SuccessiveBatches_DrawAsManyDistinctScenariosAsOneSample()
    {
        var batches = Enumerable.Range(0, 100)
            .SelectMany(b => ScenarioGenerator.Sample(Design.PartialExit, RealDisk, NightlyLockstep.BatchSeed(ConformOptions.DefaultSeed, b), 20))
            .Select(g => g.Scenario.Format())
            .ToList();
        var oneSample = ScenarioGenerator.Sample(Design.PartialExit, RealDisk, ConformOptions.DefaultSeed, batches.Count)
            .Select(g => g.Scenario.Format())
            .ToList();

        // Short scenarios repeat by chance within one sample too; batches must not repeat more than that.
        var distinctInBatches = batches.Distinct(StringComparer.Ordinal).Count();
        var distinctInOneSample = oneSample.Distinct(StringComparer.Ordinal).Count();
        Assert.True(distinctInBatches >= distinctInOneSample - (batches.Count / 50),
            $"{distinctInBatches} distinct scenarios in {batches.Count} drawn in batches, {distinctInOneSample} in one sample");
    }

    [Fact]
    public void Generate_MoreThanOneChunk_SecondChunkRepeatsAlmostNothingOfTheFirst()
    {
        var scenarios = ConformanceChecker.Generate(new ConformOptions { Design = Design.PartialExit, Disk = DiskKind.Real, Sequences = 4_000 })
            .Select(g => g.Scenario.Format())
            .ToList();
        var first = scenarios.Take(2_000).ToHashSet(StringComparer.Ordinal);

        var repeated = scenarios.Skip(2_000).Count(first.Contains);

        Assert.Equal(4_000, scenarios.Count);
        Assert.True(repeated < 100, $"{repeated} of the second chunk's 2,000 scenarios are in the first");
    }

    [Fact]
    public void Derive_IndexZero_IsTheRoot()
    {
        Assert.Equal(ConformOptions.DefaultSeed, Seeds.Derive(ConformOptions.DefaultSeed, 0));
        Assert.Equal(7u, Seeds.Derive(7u, 0));
        Assert.NotEqual(7u, Seeds.Derive(7u, 1));
    }

    [Fact]
    public void Generate_OneChunk_IsOneSampleOfTheSeed()
    {
        // So "sequence i of seed S" in a report is sequence i of `conform --seed S`, and of a nightly batch seed.
        Assert.Equal(
            ScenarioGenerator.Sample(Design.Target, new GenerationOptions(), 7, 50).Select(g => g.Scenario.Format()),
            ConformanceChecker.Generate(new ConformOptions { Design = Design.Target, Sequences = 50, Seed = 7 }).Select(g => g.Scenario.Format()));
    }
}
