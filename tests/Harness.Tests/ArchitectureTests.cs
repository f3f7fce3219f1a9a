using System.Reflection;
using Harness.Impl.Agents;
using Harness.Model;
using Xunit;

namespace Harness.Tests;

/// <summary>
/// The architecture the checking depends on: the system under test does not know its specification, the model knows
/// nothing of ours, and the harness in between owns the checking.
/// </summary>
public class ArchitectureTests
{
    [Fact]
    public void Implementation_ReferencesNoHarnessAssembly()
    {
        var references = typeof(Agent).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain(references, n => n is not null && n.StartsWith("Harness.", StringComparison.Ordinal));
    }

    [Fact]
    public void Model_ReferencesNoHarnessAssembly()
    {
        var references = typeof(Semantics).Assembly.GetReferencedAssemblies().Select(a => a.Name);

        Assert.DoesNotContain(references, n => n is not null && n.StartsWith("Harness.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("impl/Harness.Impl/Harness.Impl.csproj")]
    [InlineData("model/Harness.Model/Harness.Model.csproj")]
    public void ProjectFile_HasNoProjectReference(string project)
    {
        var text = File.ReadAllText(RepoFiles.PathOf(project));

        Assert.DoesNotContain("ProjectReference", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Model_DoesNoFileSystemIo()
    {
        var sources = Directory.GetFiles(RepoFiles.PathOf("model"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);

        Assert.NotEmpty(sources);
        Assert.DoesNotContain(sources, s => s.Value.Contains("File.", StringComparison.Ordinal) || s.Value.Contains("Directory.", StringComparison.Ordinal));
    }

    [Fact]
    public void Implementation_PublicApi_HasNoTestOnlySwitch()
    {
        var switches = TestOnlySwitches(typeof(Agent).Assembly.GetExportedTypes());

        Assert.Empty(switches);
    }

    [Fact]
    public void TestOnlySwitches_TypeWithAMistakeFlag_AreFound()
    {
        var switches = TestOnlySwitches([typeof(SampleFaultsForTesting), typeof(SampleAgent)]);

        Assert.Equal(["SampleAgent.SkipFsync", "SampleAgent.Start(mistakes)", "SampleFaultsForTesting", "SampleFaultsForTesting.IgnoreMistakes"], switches);
    }

    [Fact]
    public void Implementation_Sources_SayNothingOfTesting()
    {
        var sources = Directory.GetFiles(RepoFiles.PathOf("impl"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllText);

        Assert.NotEmpty(sources);
        Assert.DoesNotContain(sources, s => s.Value.Contains("ForTesting", StringComparison.OrdinalIgnoreCase) || s.Value.Contains("Mistake", StringComparison.OrdinalIgnoreCase));
    }

    // A test-only switch reads like one: a type or member (or a parameter of a public method) whose name says it is for
    // testing, a deliberate mistake, or a skipped step.
    private static List<string> TestOnlySwitches(IEnumerable<Type> types)
    {
        static bool Suspicious(string name) =>
            name.Contains("ForTesting", StringComparison.OrdinalIgnoreCase) ||
            name.Contains("Mistake", StringComparison.OrdinalIgnoreCase) ||
            name.StartsWith("Skip", StringComparison.OrdinalIgnoreCase);

        var found = new List<string>();
        foreach (var type in types)
        {
            if (Suspicious(type.Name))
            {
                found.Add(type.Name);
            }

            const BindingFlags Public = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(Public))
            {
                if (Suspicious(member.Name) && member is not MethodInfo { IsSpecialName: true })
                {
                    found.Add($"{type.Name}.{member.Name}");
                }

                if (member is MethodBase method)
                {
                    found.AddRange(method.GetParameters().Where(p => p.Name is not null && Suspicious(p.Name)).Select(p => $"{type.Name}.{member.Name}({p.Name})"));
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>What the implementation must not carry: the shape the switches had before they moved beside the tests.</summary>
    public sealed record SampleFaultsForTesting
    {
        public bool IgnoreMistakes { get; init; }
    }

    /// <summary>An agent with a switch in its API.</summary>
    public sealed class SampleAgent
    {
        public bool SkipFsync { get; init; }

        public static SampleAgent Start(SampleFaultsForTesting? mistakes) => new() { SkipFsync = mistakes is not null };
    }
}
