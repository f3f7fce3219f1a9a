namespace Harness.Impl.Storage;

/// <summary>The observable state of a file system: every directory and file with its contents, for comparisons and reports.</summary>
public static class FileSystemTree
{
    /// <summary>
    /// One line per entry below <paramref name="path"/>, depth first in ordinal order: "d a/b" for a directory and
    /// "f a/b/c HEX" for a file with its contents in hexadecimal.
    /// </summary>
    public static IReadOnlyList<string> Capture(IFileSystem fileSystem, string path = WorkPath.Root)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var lines = new List<string>();
        Walk(fileSystem, path, lines);
        return lines;
    }

    private static void Walk(IFileSystem fileSystem, string path, List<string> lines)
    {
        foreach (var file in fileSystem.ListFiles(path))
        {
            var child = WorkPath.Combine(path, file);
            lines.Add($"f {child} {Convert.ToHexString(fileSystem.ReadFile(child))}");
        }

        foreach (var directory in fileSystem.ListDirectories(path))
        {
            var child = WorkPath.Combine(path, directory);
            lines.Add($"d {child}");
            Walk(fileSystem, child, lines);
        }
    }
}
