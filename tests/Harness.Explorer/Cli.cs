using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using Harness.Checking.Mutation;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Explorer;

/// <summary>What a command runs with: where it prints, and the token that asks it to stop (Ctrl-C, SIGTERM).</summary>
/// <param name="Out">Where the command's output goes (verdicts, findings, replay lines).</param>
/// <param name="Err">Where error lines go.</param>
/// <param name="Cancellation">Cancelled when the user interrupts: the command stops, prints what it has and exits 130.</param>
public sealed record CliContext(TextWriter Out, TextWriter Err, CancellationToken Cancellation);

/// <summary>
/// The <c>harness</c> command line, declared with System.CommandLine: help comes from the declarations. Exit codes
/// everywhere: 0 every property holds, 1 a property is violated or the implementation diverges, 2 bad usage or bad input,
/// 130 interrupted.
/// </summary>
public static class Cli
{
    /// <summary>Every property holds.</summary>
    public const int Ok = 0;

    /// <summary>A property is violated (or the implementation diverges from the model).</summary>
    public const int Violated = 1;

    /// <summary>Bad usage or bad input.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted by Ctrl-C or SIGTERM: the output and the result file hold what was done so far.</summary>
    public const int Interrupted = 130;

    /// <summary>The program's name in help texts: the launcher at the repository root.</summary>
    public const string ProgramName = "./harness";

    /// <summary>
    /// Every command, one file each with a <c>Create(CliContext)</c> that declares its options and its action. Adding a
    /// command is adding its file and one line here.
    /// </summary>
    private static readonly Func<CliContext, Command>[] Commands =
    [
        ModelCheckCommand.Create,
        ReplayCommand.Create,
        ConformCommand.Create,
        InterleaveCommand.Create,
        NightlyCommand.Create,
        MergeCommand.Create,
        MutantsCommand.Create,
    ];

    /// <summary>The whole command tree, bound to <paramref name="context"/>.</summary>
    public static Command CreateRoot(CliContext context)
    {
        var root = new Command(ProgramName, "Explore the checkpointed-resources protocol of a cluster master and its agents.\n" +
            "Exit codes: 0 every property holds, 1 a property is violated or the implementation diverges, 2 bad usage or input, 130 interrupted.")
        {
            new HelpOption(),
            new VersionOption(),
        };
        foreach (var create in Commands)
        {
            root.Add(create(context));
        }

        return root;
    }

    /// <summary>Runs a command line and returns the exit code; <paramref name="cancellation"/> interrupts a long run.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var root = CreateRoot(new CliContext(stdout, stderr, cancellation));
        var parse = root.Parse(args);
        if (FirstError(parse, root) is { } error)
        {
            stderr.WriteLine($"harness: {error}");
            return BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = stdout,
                Error = stderr,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            });
        }
        catch (Exception e) when (BadInputMessage(e) is { } message)
        {
            stderr.WriteLine($"harness: {message}");
            return BadInput;
        }
    }

    /// <summary>The one line an input or environment problem is reported with, or null for a defect of the program.</summary>
    public static string? BadInputMessage(Exception e) => e switch
    {
        UsageException or ScenarioException or FormatException or ResultFormatException or MutationSetupException => OneLine(e.Message),
        ArgumentOutOfRangeException => OneLine(e.Message.Split(" (Parameter", 2)[0]),
        UnauthorizedAccessException or IOException => OneLine(e.Message),
        _ => null,
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>The first parse error as the program words it, or null when the command line is well-formed.</summary>
    private static string? FirstError(ParseResult parse, Command root)
    {
        var command = parse.CommandResult.Command;

        // A token no option took: System.CommandLine binds an unknown '--x' to a positional argument when there is one.
        var stray = parse.CommandResult.Children.OfType<ArgumentResult>()
            .SelectMany(a => a.Tokens)
            .Select(t => t.Value)
            .Where(v => v.Length > 1 && v[0] == '-' && !char.IsAsciiDigit(v[1]))
            .Concat(parse.UnmatchedTokens)
            .FirstOrDefault();
        if (stray is not null)
        {
            if (stray.StartsWith('-'))
            {
                return UnknownOption(stray, command);
            }

            return command == root
                ? $"unknown command '{stray}'; commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))} (run '{ProgramName} --help')"
                : $"unexpected argument '{stray}' for {command.Name} (run '{ProgramName} {command.Name} --help')";
        }

        if (parse.Errors.Count == 0)
        {
            return null;
        }

        var message = parse.Errors[0].Message;
        if (message.StartsWith("Required command was not provided", StringComparison.Ordinal))
        {
            return $"a command is required: {string.Join(", ", root.Subcommands.Select(c => c.Name))} (run '{ProgramName} --help')";
        }

        if (message.StartsWith("Required argument missing for option: '", StringComparison.Ordinal))
        {
            return $"{message.Split('\'')[1]} needs a value";
        }

        if (message.StartsWith("Required argument missing for command", StringComparison.Ordinal))
        {
            return $"{command.Name} needs {string.Join(" and ", command.Arguments.Select(a => a.Name))}: {command.Arguments.FirstOrDefault()?.Description}";
        }

        if (message.StartsWith("Option '", StringComparison.Ordinal) && message.Contains("expects a single argument", StringComparison.Ordinal))
        {
            return $"{message.Split('\'')[1]} is given more than once";
        }

        return message.TrimEnd('.');
    }

    private static string UnknownOption(string token, Command command)
    {
        var name = token.Split('=', 2)[0];
        var known = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct().ToList();
        var nearest = known
            .Select(k => (Name: k, Distance: Distance(name, k)))
            .OrderBy(k => k.Distance)
            .FirstOrDefault(k => k.Distance <= Math.Max(2, k.Name.Length / 3) || k.Name.StartsWith(name, StringComparison.Ordinal));
        var where = command.Parents.Any() ? $" for {command.Name}" : string.Empty;
        return nearest.Name is null
            ? $"unknown option '{name}'{where} (run '{ProgramName}{(where.Length > 0 ? " " + command.Name : string.Empty)} --help')"
            : $"unknown option '{name}'{where}; did you mean '{nearest.Name}'?";
    }

    /// <summary>The edit distance between two option names (insertions, deletions, substitutions).</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
