using System.Text.RegularExpressions;
using Xunit;

namespace Harness.Tests.Impl;

public partial class PortBoundaryTests
{
    // The one production file allowed to touch the disk directly.
    private const string RealAdapter = "LocalFileSystem.cs";

    [GeneratedRegex(@"System\.IO\.File\b|(?<![\w.])File\.|(?<![\w.])Directory\.|\bFileStream\b|\bFileInfo\b|\bDirectoryInfo\b|DateTime\.(Utc)?Now|DateTimeOffset\.(Utc)?Now|new Random\(|Random\.Shared|Environment\.TickCount|Stopwatch|Thread\.Sleep|Task\.Delay|\bDllImport\b")]
    private static partial Regex BannedApi();

    [Fact]
    public void ImplSources_OutsideRealAdapter_UseNoDirectIoClockOrRandomness()
    {
        var implDirectory = Path.Combine(FindRepositoryRoot(), "impl");
        var sources = Directory.GetFiles(implDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        var violations = sources
            .Where(p => Path.GetFileName(p) != RealAdapter)
            .SelectMany(p => File.ReadAllLines(p).Select((line, i) => (p, i, line)))
            .Where(x => !x.line.TrimStart().StartsWith("//", StringComparison.Ordinal) && BannedApi().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(implDirectory, x.p)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.Contains(sources, p => Path.GetFileName(p) == RealAdapter);
        Assert.True(violations.Count == 0, "I/O, clock or randomness outside the ports:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void BannedApi_KnownViolation_IsDetected()
    {
        Assert.Matches(BannedApi(), "var x = File.ReadAllBytes(p);");
        Assert.Matches(BannedApi(), "var now = DateTime.UtcNow;");
        Assert.DoesNotMatch(BannedApi(), "fileSystem.ReadFile(path);");
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Harness.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Harness.sln not found above the test assembly");
    }
}
