using System.Globalization;
using System.Text;

namespace Harness.Model;

/// <summary>What a scenario line asks for.</summary>
public enum CommandKind
{
    /// <summary><c>reserve ROLE [size=N]</c>.</summary>
    Reserve,

    /// <summary><c>unreserve ROLE [size=N]</c>.</summary>
    Unreserve,

    /// <summary><c>create ROLE/ID [size=N]</c>.</summary>
    Create,

    /// <summary><c>destroy ROLE/ID</c>.</summary>
    Destroy,

    /// <summary><c>use ROLE/ID</c>.</summary>
    Use,

    /// <summary><c>deliver</c>.</summary>
    Deliver,

    /// <summary><c>restart agent</c>.</summary>
    Restart,

    /// <summary><c>reconnect agent</c>.</summary>
    Reconnect,

    /// <summary><c>break link</c>.</summary>
    BreakLink,

    /// <summary><c>master notices</c>.</summary>
    MasterNotices,

    /// <summary><c>crash agent [after STEP]</c>.</summary>
    Crash,

    /// <summary><c>power-loss [keep-metadata] [after STEP]</c>.</summary>
    PowerLoss,

    /// <summary><c>fail STEP</c>.</summary>
    Fail,

    /// <summary><c>writeback</c>.</summary>
    Writeback,
}

/// <summary>An agent I/O step named in a scenario: <c>mkdir r1/v1</c>, <c>rmdir r1/v1</c>, <c>write info</c>, <c>write target</c>, <c>rename target</c>.</summary>
public sealed record StepSpec(StepKind Kind, string? Role = null, string? Id = null)
{
    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        StepKind.Mkdir => $"mkdir {Role}/{Id}",
        StepKind.Rmdir => $"rmdir {Role}/{Id}",
        StepKind.WriteInfo => "write info",
        StepKind.WriteTarget => "write target",
        StepKind.RenameTarget => "rename target",
        _ => Kind.ToString(),
    };
}

/// <summary>One parsed scenario line.</summary>
public sealed record ScenarioCommand(
    int Line,
    CommandKind Kind,
    int Agent = 0,
    string? Role = null,
    string? Id = null,
    int Size = 1,
    StepSpec? Step = null,
    bool KeepMetadata = false)
{
    /// <summary>Whether the line arms a fault for a later delivery or restart instead of acting now.</summary>
    public bool Arms => Kind == CommandKind.Fail || (Kind is CommandKind.Crash or CommandKind.PowerLoss && Step is not null);

    /// <summary>The line in the scenario format, without the agent suffix for the first agent.</summary>
    public override string ToString()
    {
        var text = Kind switch
        {
            CommandKind.Reserve => $"reserve {Role} size={Size}",
            CommandKind.Unreserve => $"unreserve {Role} size={Size}",
            CommandKind.Create => $"create {Role}/{Id} size={Size}",
            CommandKind.Destroy => $"destroy {Role}/{Id}",
            CommandKind.Use => $"use {Role}/{Id}",
            CommandKind.Deliver => "deliver",
            CommandKind.Restart => "restart agent",
            CommandKind.Reconnect => "reconnect agent",
            CommandKind.BreakLink => "break link",
            CommandKind.MasterNotices => "master notices",
            CommandKind.Crash => Step is null ? "crash agent" : $"crash agent after {Step}",
            CommandKind.PowerLoss => "power-loss" + (KeepMetadata ? " keep-metadata" : string.Empty) + (Step is null ? string.Empty : $" after {Step}"),
            CommandKind.Fail => $"fail {Step}",
            CommandKind.Writeback => "writeback",
            _ => Kind.ToString(),
        };
        return Agent == 0 ? text : $"{text} @a{Agent + 1}";
    }
}

/// <summary>A bad scenario: the message names the file and the line.</summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the error for a line (0 when it concerns the whole file).</summary>
    public ScenarioException(string source, int line, string message)
        : base(line > 0 ? $"{source}:{line}: {message}" : $"{source}: {message}")
    {
        Source = source;
        Line = line;
    }

    /// <summary>Creates an error without a line.</summary>
    public ScenarioException()
    {
    }

    /// <summary>Creates an error with a message.</summary>
    public ScenarioException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error with a message and a cause.</summary>
    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The line the error is on (0: the whole file).</summary>
    public int Line { get; }
}

/// <summary>
/// A scenario: one action a line in the model's vocabulary, <c>#</c> starting a comment. Counterexamples
/// are printed in it, regression cases are written in it, and both the model and the implementation run it.
/// See docs/scenario.md for every command.
/// </summary>
public sealed class Scenario
{
    /// <summary>Creates a scenario from parsed commands.</summary>
    public Scenario(IReadOnlyList<ScenarioCommand> commands, string source = "scenario")
    {
        Commands = commands;
        Source = source;
    }

    /// <summary>The commands in order.</summary>
    public IReadOnlyList<ScenarioCommand> Commands { get; }

    /// <summary>Where the scenario came from, for messages.</summary>
    public string Source { get; }

    /// <summary>Parses scenario text; a malformed line raises a <see cref="ScenarioException"/> naming it.</summary>
    public static Scenario Parse(string text, string source = "scenario")
    {
        ArgumentNullException.ThrowIfNull(text);
        var commands = new List<ScenarioCommand>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                commands.Add(ParseLine(i + 1, line));
            }
            catch (FormatException e)
            {
                throw new ScenarioException(source, i + 1, e.Message);
            }
        }

        return new Scenario(commands, source);
    }

    /// <summary>The scenario as text, one command a line.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        foreach (var c in Commands)
        {
            sb.Append(c).Append('\n');
        }

        return sb.ToString();
    }

    private static ScenarioCommand ParseLine(int number, string line)
    {
        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        var agent = 0;
        if (words.Count > 1 && words[^1].StartsWith('@'))
        {
            agent = ParseAgent(words[^1]);
            words.RemoveAt(words.Count - 1);
        }

        var size = 1;
        var sizeWord = words.FindIndex(w => w.StartsWith("size=", StringComparison.Ordinal));
        if (sizeWord >= 0)
        {
            var value = words[sizeWord]["size=".Length..];
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size <= 0)
            {
                throw new FormatException($"size must be a positive whole number, got '{value}'");
            }

            words.RemoveAt(sizeWord);
        }

        var verb = words[0];
        var rest = words.Skip(1).ToList();
        switch (verb)
        {
            case "reserve":
            case "unreserve":
                Expect(rest, 1, $"{verb} ROLE [size=N]");
                return new ScenarioCommand(number, verb == "reserve" ? CommandKind.Reserve : CommandKind.Unreserve, agent, Name(rest[0], "role"), Size: size);
            case "create":
            case "destroy":
            case "use":
                {
                    Expect(rest, 1, $"{verb} ROLE/ID");
                    var (role, id) = Volume(rest[0]);
                    var kind = verb switch { "create" => CommandKind.Create, "destroy" => CommandKind.Destroy, _ => CommandKind.Use };
                    if (kind != CommandKind.Create && sizeWord >= 0)
                    {
                        throw new FormatException($"{verb} takes no size");
                    }

                    return new ScenarioCommand(number, kind, agent, role, id, size);
                }

            case "deliver":
                Expect(rest, 0, "deliver");
                return new ScenarioCommand(number, CommandKind.Deliver, agent);
            case "restart":
                ExpectWords(rest, ["agent"], "restart agent");
                return new ScenarioCommand(number, CommandKind.Restart, agent);
            case "reconnect":
                ExpectWords(rest, ["agent"], "reconnect agent");
                return new ScenarioCommand(number, CommandKind.Reconnect, agent);
            case "break":
                ExpectWords(rest, ["link"], "break link");
                return new ScenarioCommand(number, CommandKind.BreakLink, agent);
            case "master":
                ExpectWords(rest, ["notices"], "master notices");
                return new ScenarioCommand(number, CommandKind.MasterNotices, agent);
            case "writeback":
                Expect(rest, 0, "writeback");
                return new ScenarioCommand(number, CommandKind.Writeback, agent);
            case "crash":
                if (rest.Count == 0 || rest[0] != "agent")
                {
                    throw new FormatException("expected 'crash agent' or 'crash agent after STEP'");
                }

                return new ScenarioCommand(number, CommandKind.Crash, agent, Step: After(rest.Skip(1).ToList(), "crash agent"));
            case "power-loss":
                {
                    var keep = rest.Count > 0 && rest[0] == "keep-metadata";
                    var tail = rest.Skip(keep ? 1 : 0).ToList();
                    return new ScenarioCommand(number, CommandKind.PowerLoss, agent, Step: After(tail, "power-loss [keep-metadata]"), KeepMetadata: keep);
                }

            case "fail":
                return new ScenarioCommand(number, CommandKind.Fail, agent, Step: Step(rest));
            default:
                throw new FormatException(
                    $"unknown command '{verb}'; expected reserve, unreserve, create, destroy, use, deliver, restart, reconnect, " +
                    "break, master, crash, power-loss, fail or writeback");
        }
    }

    private static StepSpec? After(List<string> rest, string usage)
    {
        if (rest.Count == 0)
        {
            return null;
        }

        if (rest[0] != "after")
        {
            throw new FormatException($"expected '{usage}' or '{usage} after STEP', got '{string.Join(' ', rest)}'");
        }

        return Step(rest.Skip(1).ToList());
    }

    private static StepSpec Step(List<string> words)
    {
        const string Steps = "mkdir ROLE/ID, rmdir ROLE/ID, write info, write target or rename target";
        if (words.Count == 2 && words[0] is "mkdir" or "rmdir")
        {
            var (role, id) = Volume(words[1]);
            return new StepSpec(words[0] == "mkdir" ? StepKind.Mkdir : StepKind.Rmdir, role, id);
        }

        if (words.Count == 2 && words[0] == "write" && words[1] is "info" or "target")
        {
            return new StepSpec(words[1] == "info" ? StepKind.WriteInfo : StepKind.WriteTarget);
        }

        if (words.Count == 2 && words[0] == "rename" && words[1] == "target")
        {
            return new StepSpec(StepKind.RenameTarget);
        }

        throw new FormatException($"expected an I/O step ({Steps}), got '{string.Join(' ', words)}'");
    }

    private static (string Role, string Id) Volume(string word)
    {
        var parts = word.Split('/');
        if (parts.Length != 2)
        {
            throw new FormatException($"expected ROLE/ID, got '{word}'");
        }

        return (Name(parts[0], "role"), Name(parts[1], "persistence id"));
    }

    private static string Name(string word, string what)
    {
        // The one rule of names (docs/semantics.md), the master's, so that a name the master must refuse is bad input
        // with the master's own message, not a divergence.
        if (Names.Check(word, what) is { } invalid)
        {
            throw new FormatException(invalid);
        }

        // Not a rule of names but of this format: '=' marks an option (size=N), so such a name cannot be written here.
        if (word.Contains('=', StringComparison.Ordinal))
        {
            throw new FormatException($"a {what} containing '=' cannot be written in a scenario, got '{word}'");
        }

        return word;
    }

    private static int ParseAgent(string word)
    {
        if (word.Length > 2 && word[1] == 'a' &&
            int.TryParse(word.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            return n - 1;
        }

        throw new FormatException($"expected an agent such as @a1, got '{word}'");
    }

    private static void Expect(List<string> rest, int count, string usage)
    {
        if (rest.Count != count)
        {
            throw new FormatException($"expected '{usage}'");
        }
    }

    private static void ExpectWords(List<string> rest, string[] words, string usage)
    {
        if (!rest.SequenceEqual(words))
        {
            throw new FormatException($"expected '{usage}'");
        }
    }
}
