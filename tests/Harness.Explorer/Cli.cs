using Harness.Model;

namespace Harness.Explorer;

/// <summary>
/// The <c>harness</c> command line. Exit codes everywhere: 0 every property holds, 1 a property is
/// violated, 2 bad usage or bad input.
/// </summary>
public static class Cli
{
    /// <summary>Every property holds.</summary>
    public const int Ok = 0;

    /// <summary>A property is violated (or the implementation diverges from the model).</summary>
    public const int Violated = 1;

    /// <summary>Bad usage or bad input.</summary>
    public const int BadInput = 2;

    private const string Usage = """
        harness: explore the checkpointed-resources protocol of a master and its agents

        usage: harness <command> [options]

        commands:
          model-check   exhaustively explore the reference model of one design or all of them
          replay        run a scenario file on the model (or on the model and the implementation in lockstep,
                        with --disk sim|real) and print the state after each step
          interleave    explore the implementation's interleavings and faults under Coyote
          conform       run generated scenarios in lockstep on the model and the implementation, shrinking failures
          mutants       measure what the checkers catch: apply each mutant of the corpus to a scratch copy and run them

        Run 'harness <command> --help' for a command's options.
        Exit codes: 0 every property holds, 1 a property is violated, 2 bad usage or bad input.
        """;

    /// <summary>How every command writes JSON.</summary>
    public static System.Text.Json.JsonSerializerOptions Json { get; } = new() { WriteIndented = true };

    /// <summary>Runs a command line and returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? BadInput : Ok;
        }

        var rest = new ArgReader(args.Skip(1));
        try
        {
            (string Help, Func<ArgReader, TextWriter, int> Run) command = args[0] switch
            {
                "model-check" => (ModelCheckCommand.Help, ModelCheckCommand.Run),
                "replay" => (ReplayCommand.Help, ReplayCommand.Run),
                "interleave" => (InterleaveCommand.Help, InterleaveCommand.Run),
                "conform" => (ConformCommand.Help, ConformCommand.Run),
                "mutants" => (MutantsCommand.Help, MutantsCommand.Run),
                _ => throw new UsageException($"unknown command '{args[0]}'; run 'harness --help'"),
            };
            if (rest.WantsHelp)
            {
                stdout.WriteLine(command.Help);
                return Ok;
            }

            return command.Run(rest, stdout);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"harness: {e.Message}");
            return BadInput;
        }
        catch (ScenarioException e)
        {
            stderr.WriteLine($"harness: {e.Message}");
            return BadInput;
        }
        catch (FormatException e)
        {
            stderr.WriteLine($"harness: {e.Message}");
            return BadInput;
        }
        catch (ArgumentOutOfRangeException e)
        {
            stderr.WriteLine($"harness: {e.Message.Split(" (Parameter")[0]}");
            return BadInput;
        }
    }

    /// <summary>Parses <c>--design</c>: one design name or <c>all</c>.</summary>
    public static IReadOnlyList<Design> ParseDesigns(string? name)
    {
        if (name is null)
        {
            throw new UsageException("--design is required (keep-going, partial-exit, target, target-incarnation or all)");
        }

        return name == "all" ? Designs.All : [Designs.Parse(name)];
    }

    /// <summary>Writes a file, turning failures into bad-input errors.</summary>
    public static void WriteFile(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>Creates an output directory (or accepts an existing one), turning failures into bad-input errors.</summary>
    public static string EnsureDirectory(string path)
    {
        try
        {
            return Directory.CreateDirectory(path).FullName;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException($"cannot use '{path}' as an output directory: {e.Message}");
        }
    }

    /// <summary>Reads a file, turning failures into bad-input errors.</summary>
    public static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
    }
}
