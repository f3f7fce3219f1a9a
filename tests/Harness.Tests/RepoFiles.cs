namespace Harness.Tests;

/// <summary>Finds files of the repository from a test's output directory.</summary>
internal static class RepoFiles
{
    /// <summary>The folder that holds Harness.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Harness.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Harness.sln not found above the test directory");
    }
}
