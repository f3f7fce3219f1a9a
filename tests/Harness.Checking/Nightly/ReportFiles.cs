namespace Harness.Checking.Nightly;

/// <summary>
/// Where a run writes the files its report refers to: <c>files/</c> under the output directory, names carrying the shard so
/// that shards merged into one directory do not collide. Findings name them relative to the report's directory.
/// </summary>
public sealed class ReportFiles
{
    /// <summary>The folder under the output directory.</summary>
    public const string Folder = "files";

    private readonly string suffix;

    /// <summary>Files of <paramref name="shard"/> under <paramref name="outDirectory"/>.</summary>
    public ReportFiles(string outDirectory, Shard shard)
    {
        OutDirectory = outDirectory;
        suffix = shard.Count == 1 ? string.Empty : $"-shard{shard.Index + 1}of{shard.Count}";
    }

    /// <summary>The report's directory, as the user gave it.</summary>
    public string OutDirectory { get; }

    /// <summary>Writes <paramref name="text"/> to a file named from <paramref name="stem"/> and <paramref name="extension"/>; returns its path relative to the report.</summary>
    public string Write(string stem, string extension, string text)
    {
        var relative = Path.Combine(Folder, stem + suffix + extension);
        var full = Path.Combine(OutDirectory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return relative.Replace('\\', '/');
    }

    /// <summary>The path a pasted command uses for a file of the report.</summary>
    public string CommandPath(string relative) => CommandPath(OutDirectory, relative);

    /// <summary>The path a pasted command uses for <paramref name="relative"/> under <paramref name="outDirectory"/>.</summary>
    public static string CommandPath(string outDirectory, string relative) => Results.HarnessCommand.DisplayPath(Path.Combine(outDirectory, relative));
}
