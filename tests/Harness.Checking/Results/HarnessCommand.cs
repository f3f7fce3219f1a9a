namespace Harness.Checking.Results;

/// <summary>
/// How printed commands start, so a replay line can be pasted as it is: the launcher at the repository root sets
/// <c>HARNESS_LAUNCHER</c> to the path it was invoked by; without it the lines assume the repository root and <c>./harness</c>.
/// </summary>
public static class HarnessCommand
{
    /// <summary>The environment variable the launcher sets.</summary>
    public const string LauncherVariable = "HARNESS_LAUNCHER";

    /// <summary>The program as a user types it: <c>./harness</c>, or the launcher path it was started by, quoted.</summary>
    public static string Prefix
    {
        get
        {
            var launcher = Environment.GetEnvironmentVariable(LauncherVariable);
            return string.IsNullOrWhiteSpace(launcher) ? "./harness" : Quote(launcher);
        }
    }

    /// <summary>A full command line: <see cref="Prefix"/> and the arguments, each quoted for a POSIX shell where it needs it.</summary>
    public static string Line(params string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return string.Join(' ', new[] { Prefix }.Concat(args.Select(Quote)));
    }

    /// <summary>
    /// <paramref name="line"/>, a line <see cref="Line"/> built under another launcher, starting with this process's
    /// <see cref="Prefix"/> instead: its first word, as <see cref="Quote"/> writes words, is replaced.
    /// </summary>
    public static string WithThisPrefix(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var end = 0;
        while (end < line.Length && line[end] != ' ')
        {
            end = line[end] switch
            {
                '\'' => line.IndexOf('\'', end + 1) is var close and >= 0 ? close + 1 : line.Length,
                '\\' => end + 2,
                _ => end + 1,
            };
        }

        return Prefix + line[Math.Min(end, line.Length)..];
    }

    /// <summary>A path as a command line should show it: relative to the working directory when it lies below it.</summary>
    public static string DisplayPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>Quotes an argument for a POSIX shell when it holds anything but safe characters.</summary>
    public static string Quote(string arg)
    {
        ArgumentNullException.ThrowIfNull(arg);
        if (arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '=' or ',' or ':' or '@' or '+'))
        {
            return arg;
        }

        return "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
