using Harness.Checking;
using Harness.Checking.Mutation;
using Harness.Model;
using Xunit;

namespace Harness.Tests.Checking;

public sealed class LockstepRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("harness-lockstep-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, DiskKind> Examples()
    {
        var data = new TheoryData<string, string, DiskKind>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "docs", "examples"), "*.scenario").Order(StringComparer.Ordinal))
        {
            foreach (var design in Designs.All)
            {
                data.Add(Path.GetFileName(file), design.Name(), DiskKind.Simulated);
                data.Add(Path.GetFileName(file), design.Name(), DiskKind.Real);
            }
        }

        return data;
    }

    public static TheoryData<string, bool> Counterexamples()
    {
        var data = new TheoryData<string, bool>();
        foreach (var design in Designs.All)
        {
            data.Add(design.Name(), false);
            data.Add(design.Name(), true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Run_DocumentedExample_NoDivergence(string file, string designName, DiskKind disk)
    {
        var design = Designs.Parse(designName);
        var scenario = Scenario.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "examples", file)), file);

        var report = Run(design, scenario, disk);

        Assert.False(report.Diverged, Describe(report));
        Assert.Equal(report.ModelViolated.Order(), report.ImplViolated.Order());
    }

    [Theory]
    [MemberData(nameof(Counterexamples))]
    public void Run_ModelCheckerCounterexample_ImplementationDivergesNowhereAndViolatesTheSameProperty(string designName, bool realDisk)
    {
        var design = Designs.Parse(designName);
        var bounds = realDisk ? new Bounds { PowerLosses = 0 } : new Bounds();
        var result = ModelChecker.Check(design, bounds);

        foreach (var violation in result.Violations)
        {
            var report = Run(design, violation.ToScenario(), realDisk ? DiskKind.Real : DiskKind.Simulated);

            Assert.False(report.Diverged, $"{violation.Property.Name()}:\n{Describe(report)}");
            Assert.Contains(violation.Property, report.ModelViolated);
            Assert.Contains(violation.Property, report.ImplViolated);
        }
    }

    [Fact]
    public void Run_AgentThatSkipsTheRmdir_Diverges()
    {
        var scenario = Scenario.Parse("reserve r1\ncreate r1/v1\ndeliver\ndeliver\ndestroy r1/v1\ndeliver\n", "skip");

        var report = Run(Design.TargetIncarnation, scenario, DiskKind.Simulated, skipRemoval: true);

        Assert.True(report.Diverged);
        Assert.Equal(6, report.FirstDivergence!.Command.Line);
        Assert.Contains(report.FirstDivergence.Divergence!, d => d.Contains("volume directories", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_TargetIncarnationPowerLossBetweenTwoVolumeSteps_NoDivergence()
    {
        // The creates reach the agent as one update (their messages were lost while it was down): the first mkdir must
        // be durable before the second starts, as the model assumes.
        var scenario = Scenario.Parse(
            "reserve r1 size=2\ndeliver\ncrash agent\ncreate r1/v1\ncreate r1/v2\nrestart agent\npower-loss after mkdir r1/v1\ndeliver\nrestart agent\n", "steps");

        var report = Run(Design.TargetIncarnation, scenario, DiskKind.Simulated);

        Assert.False(report.Diverged, Describe(report));
        Assert.Contains("r1/v1:0", report.Lines[^1].ImplObservation.Agents[0].Volumes);
        Assert.Empty(report.UnfiredFaults);
    }

    [Fact]
    public void Run_LineImpossibleOnBothSides_StopsThereWithoutDivergence()
    {
        var scenario = Scenario.Parse("reserve r1\ndeliver\ndeliver\nreserve r1\n", "impossible");

        var report = Run(Design.Target, scenario, DiskKind.Simulated);

        Assert.False(report.Diverged, Describe(report));
        Assert.Equal(3, report.ErrorLine);
    }

    [Fact]
    public void Run_EveryKindOfRejection_BothMastersGiveTheSameMessage()
    {
        // One line for each rule of the master; lockstep compares the text of each rejection.
        var scenario = Scenario.Parse(
            "reserve r1 size=9\nreserve r1 size=2\nunreserve r1 size=3\ncreate r1/v1 size=3\ncreate r1/v1\ncreate r1/v1\n" +
            "unreserve r1 size=2\ndestroy r1/v2\nbreak link\nmaster notices\nreserve r1\n", "rejections");

        var report = Run(Design.Target, scenario, DiskKind.Simulated);

        Assert.False(report.Diverged, Describe(report));
        var rejected = report.Lines.Where(l => l.Model?.Rejected is not null).Select(l => l.Command.Line).ToList();
        Assert.Equal([1, 3, 4, 6, 7, 8, 11], rejected);
        Assert.All(report.Lines, l => Assert.Equal(l.Model?.Rejected, l.Implementation?.Rejected));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData("Persistent volumes not found: r1/v1", "Persistent volumes not found: r1/v1", null)]
    [InlineData(null, "x", "the implementation's master rejects the operation, the model's accepts it: x")]
    [InlineData("x", null, "the model's master rejects the operation, the implementation's accepts it: x")]
    [InlineData("Insufficient unreserved disk: 0 left, 1 asked", "Insufficient unreserved disk: RESERVE 1 for role 'r1' but only 0 unreserved",
        "the masters reject the operation with different messages: model 'Insufficient unreserved disk: 0 left, 1 asked', impl 'Insufficient unreserved disk: RESERVE 1 for role 'r1' but only 0 unreserved'")]
    public void RejectionDifference_TwoAnswers_DifferOnlyWhenTheTextDiffers(string? model, string? impl, string? expected)
    {
        // The last row is the wording the model used before it took the master's: lockstep now reports it.
        Assert.Equal(expected, LockstepRunner.RejectionDifference(model, impl));
    }

    private LockstepReport Run(Design design, Scenario scenario, DiskKind disk, bool skipRemoval = false)
    {
        var work = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        var runner = new LockstepRunner(design, scenario, new LockstepOptions
        {
            Implementation = new ImplOptions { Disk = disk, WorkDirectory = work, Mutant = skipRemoval ? AgentMutant.SkipVolumeRemoval : AgentMutant.None },
        });
        runner.Start();
        return runner.Run();
    }

    private static string Describe(LockstepReport report)
    {
        var lines = new List<string>();
        foreach (var line in report.Lines)
        {
            lines.Add($"{line.Command.Line}: {line.Command}");
            lines.AddRange((line.Model?.Events ?? []).Select(e => "   model " + e));
            lines.AddRange((line.Implementation?.Events ?? []).Select(e => "   " + e));
            if (line.ModelError is not null || line.ImplError is not null)
            {
                lines.Add($"   errors: model {line.ModelError}; impl {line.ImplError}");
            }
        }

        if (report.FirstDivergence is { } d)
        {
            lines.Add($"DIVERGENCE at line {d.Command.Line}:");
            lines.AddRange(d.Divergence!);
            if (d.ModelObservation is not null)
            {
                lines.AddRange(d.ModelObservation.SideBySide(d.ImplObservation));
            }
        }

        lines.Add("model violated: " + string.Join(", ", report.ModelViolated.Select(p => p.Name())));
        lines.Add("impl violated: " + string.Join(", ", report.ImplViolated.Select(p => p.Name())));
        lines.AddRange(report.ConvergenceEvents.Select(e => "   converge " + e));
        return string.Join('\n', lines);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Harness.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Harness.sln not found above the test binaries");
    }
}
