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
    /// The words of <paramref name="line"/>, a line <see cref="Line"/> built (here or under another launcher): the launcher
    /// first, then the arguments, unquoted as a POSIX shell unquotes what <see cref="Quote"/> writes. A <c>#</c> that starts
    /// a word starts a comment, as in a shell, so a documented line with a remark after it splits as the shell splits it.
    /// </summary>
    public static IReadOnlyList<string> Words(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '#' when !inWord:
                    i = line.Length;
                    break;
                case var c when char.IsWhiteSpace(c):
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    close = close < 0 ? line.Length : close;
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    inWord = true;
                    break;
                default:
                    word.Append(line[i]);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
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
