namespace Harness.Impl.Storage;

/// <summary>
/// Paths relative to a work directory. This is the one place that decides what may be touched: every file-system
/// adapter calls <see cref="EnsureConfined"/> on every path, so no caller can reach outside its work directory.
/// </summary>
public static class WorkPath
{
    /// <summary>The work directory itself.</summary>
    public const string Root = "";

    /// <summary>
    /// Throws <see cref="PathOutsideWorkDirectoryException"/> unless <paramref name="path"/> is "" or '/'-separated
    /// segments that are each non-empty, not "." or "..", and free of NUL: such a path cannot leave the work directory.
    /// </summary>
    public static void EnsureConfined(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return;
        }

        // The segments as path.Split('/') gives them, scanned in place (paths are short, so one scalar pass is cheapest):
        // each must be non-empty, not "." or "..", and free of NUL.
        var start = 0;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i == path.Length || path[i] == '/')
            {
                var length = i - start;
                if (length == 0 || (path[start] == '.' && (length == 1 || (length == 2 && path[start + 1] == '.'))))
                {
                    throw Outside(path);
                }

                start = i + 1;
            }
            else if (path[i] == '\0')
            {
                throw Outside(path);
            }
        }
    }

    private static PathOutsideWorkDirectoryException Outside(string path) =>
        new($"Path '{path.Replace("\0", "\\0", StringComparison.Ordinal)}' is not confined to the work directory");

    /// <summary>The parent of <paramref name="path"/> as a slice of it (empty for a top-level entry).</summary>
    internal static ReadOnlySpan<char> ParentSpan(ReadOnlySpan<char> path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? ReadOnlySpan<char>.Empty : path[..slash];
    }

    /// <summary>The last segment of <paramref name="path"/> as a slice of it.</summary>
    internal static ReadOnlySpan<char> NameSpan(ReadOnlySpan<char> path) => path[(path.LastIndexOf('/') + 1)..];

    /// <summary>Joins segments with '/', skipping the empty root.</summary>
    public static string Combine(params string[] segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var joined = string.Empty;
        foreach (var segment in segments)
        {
            if (segment.Length > 0)
            {
                joined = joined.Length == 0 ? segment : string.Concat(joined, "/", segment);
            }
        }

        return joined;
    }

    /// <summary>The parent of <paramref name="path"/> ("" for a top-level entry).</summary>
    public static string Parent(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ParentSpan(path).ToString();
    }

    /// <summary>The last segment of <paramref name="path"/>.</summary>
    public static string Name(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return NameSpan(path).ToString();
    }

    /// <summary><paramref name="path"/> and each of its ancestors below the root, shallowest first.</summary>
    public static IReadOnlyList<string> SelfAndAncestors(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = new List<string>();
        for (var p = path; p.Length > 0; p = Parent(p))
        {
            result.Add(p);
        }

        result.Reverse();
        return result;
    }
}

/// <summary>A path that would leave the work directory. Not an <see cref="IOException"/>: it is a bug, never a disk fault.</summary>
public sealed class PathOutsideWorkDirectoryException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public PathOutsideWorkDirectoryException()
        : base("Path outside the work directory")
    {
    }

    /// <summary>Creates the exception with a message naming the path.</summary>
    public PathOutsideWorkDirectoryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public PathOutsideWorkDirectoryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
