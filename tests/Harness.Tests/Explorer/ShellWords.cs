using Harness.Checking.Results;

namespace Harness.Tests.Explorer;

/// <summary>Splits a printed or documented command line the way a POSIX shell does for the quoting the harness prints.</summary>
internal static class ShellWords
{
    public static string[] Split(string line) => [.. HarnessCommand.Words(line)];

    /// <summary>The arguments of a printed <c>./harness ...</c> command (without the program).</summary>
    public static string[] HarnessArguments(string line)
    {
        var words = Split(line);
        Xunit.Assert.True(words.Length > 1 && words[0].EndsWith("harness", StringComparison.Ordinal), $"not a harness command: {line}");
        return words[1..];
    }
}
