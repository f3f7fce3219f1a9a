using System.Text;

namespace Harness.Tests.Explorer;

/// <summary>Splits a command line the way a POSIX shell does for the quoting the harness prints (single quotes only).</summary>
internal static class ShellWords
{
    public static string[] Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\'')
            {
                var end = line.IndexOf('\'', i + 1);
                word.Append(line, i + 1, end - i - 1);
                i = end;
                inWord = true;
            }
            else if (c == '#' && !inWord)
            {
                break;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }

    /// <summary>The arguments of a printed <c>./harness ...</c> command (without the program).</summary>
    public static string[] HarnessArguments(string line)
    {
        var words = Split(line);
        Xunit.Assert.True(words.Length > 1 && words[0].EndsWith("harness", StringComparison.Ordinal), $"not a harness command: {line}");
        return words[1..];
    }
}
