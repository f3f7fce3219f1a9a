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
}
