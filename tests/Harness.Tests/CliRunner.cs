using Harness.Explorer;

namespace Harness.Tests;

/// <summary>Runs the <c>harness</c> command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args) => Run(CancellationToken.None, args);

    /// <summary>Runs the same line twice, as a user pasting it twice would, and wants the same outcome both times.</summary>
    public static (int Code, string Out, string Err) RunTwice(params string[] args)
    {
        var first = Run(args);
        Xunit.Assert.Equal(first, Run(args));
        return first;
    }

    public static (int Code, string Out, string Err) Run(CancellationToken cancellation, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = Cli.Run(args, stdout, stderr, cancellation);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
