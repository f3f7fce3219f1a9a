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

    /// <summary><c>writeback</c>, or <c>writeback after STEP</c> (armed).</summary>
    Writeback,

    /// <summary><c>damage info|target truncate|empty|garbage</c>: the harness damages a checkpoint file on disk.</summary>
    Damage,

    /// <summary><c>send-agent create ROLE/ID</c> or <c>send-agent use ROLE/ID</c>: a message with a name the master would refuse, straight to the agent.</summary>
    SendAgent,

    /// <summary><c>expect ...</c>: an expectation the replay checks at this point.</summary>
    Expect,

    /// <summary><c>master fails over</c>: the master restarts and rebuilds its views from the agents' registrations.</summary>
    Failover,
}

/// <summary>Which checkpoint file a <c>damage</c> line hits.</summary>
public enum Checkpoint
{
    /// <summary><c>resources.info</c>.</summary>
    Info,

    /// <summary><c>resources.target</c>.</summary>
    Target,
}

/// <summary>How a <c>damage</c> line damages a checkpoint file.</summary>
public enum DamageKind
{
    /// <summary>Keep the first half of the file's bytes.</summary>
    Truncate,

    /// <summary>Leave the file with no bytes.</summary>
    Empty,

    /// <summary>Replace the file with bytes that are not a checkpoint.</summary>
    Garbage,
}

/// <summary>What an <c>expect</c> line expects.</summary>
public enum ExpectKind
{
    /// <summary><c>expect rejected</c>: the previous line (an operation or a <c>send-agent</c>) was refused.</summary>
    Rejected,

    /// <summary><c>expect accepted</c>: the previous operation was accepted.</summary>
    Accepted,

    /// <summary><c>expect dir ROLE/ID</c>: the volume directory exists.</summary>
    Dir,

    /// <summary><c>expect no dir ROLE/ID</c>: the volume directory does not exist.</summary>
    NoDir,

    /// <summary><c>expect checkpoint = master</c>: <c>resources.info</c> holds the master's view (as the design's agent sees it; absent reads as empty).</summary>
    CheckpointIsMaster,

    /// <summary><c>expect no target</c>: no <c>resources.target</c> exists.</summary>
    NoTarget,

    /// <summary><c>expect agent down</c>: the agent process is not running (down or stuck).</summary>
    AgentDown,

    /// <summary><c>expect agent up</c>: the agent process is running (connected or not).</summary>
    AgentUp,

    /// <summary><c>expect agent stuck</c>: the agent refused its checkpoint and stays down.</summary>
    AgentStuck,
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
    bool KeepMetadata = false,
    Checkpoint File = Checkpoint.Info,
    DamageKind Damage = DamageKind.Truncate,
    ExpectKind Expect = ExpectKind.Rejected,
    bool SendsTask = false)
{
    /// <summary>Whether the line arms a fault for a later delivery or restart instead of acting now.</summary>
    public bool Arms => Kind == CommandKind.Fail || (Kind is CommandKind.Crash or CommandKind.PowerLoss or CommandKind.Writeback && Step is not null);

    /// <summary>Whether the line is a framework operation the master accepts or rejects.</summary>
    public bool IsOperation => Kind is CommandKind.Reserve or CommandKind.Unreserve or CommandKind.Create or CommandKind.Destroy;

    /// <summary>Whether the line's role and id are names of the model (not a <c>send-agent</c> line's hostile names).</summary>
    public bool NamesModelVolume => Kind != CommandKind.SendAgent;

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
            CommandKind.Failover => "master fails over",
            CommandKind.Crash => Step is null ? "crash agent" : $"crash agent after {Step}",
            CommandKind.PowerLoss => "power-loss" + (KeepMetadata ? " keep-metadata" : string.Empty) + (Step is null ? string.Empty : $" after {Step}"),
            CommandKind.Fail => $"fail {Step}",
            CommandKind.Writeback => Step is null ? "writeback" : $"writeback after {Step}",
            CommandKind.Damage => $"damage {(File == Checkpoint.Info ? "info" : "target")} {Damage.ToString().ToLowerInvariant()}",
            CommandKind.SendAgent => SendsTask ? $"send-agent use {Role}/{Id}" : $"send-agent create {Role}/{Id} size={Size}",
            CommandKind.Expect => Expect switch
            {
                ExpectKind.Rejected => "expect rejected",
                ExpectKind.Accepted => "expect accepted",
                ExpectKind.Dir => $"expect dir {Role}/{Id}",
                ExpectKind.NoDir => $"expect no dir {Role}/{Id}",
                ExpectKind.CheckpointIsMaster => "expect checkpoint = master",
                ExpectKind.NoTarget => "expect no target",
                ExpectKind.AgentDown => "expect agent down",
                ExpectKind.AgentUp => "expect agent up",
                _ => "expect agent stuck",
            },
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
                var command = ParseLine(i + 1, line);
                if (command.Kind == CommandKind.Expect && command.Expect is ExpectKind.Rejected or ExpectKind.Accepted &&
                    !Answerable(commands, command))
                {
                    throw new FormatException($"'{command}' must follow an operation ({(command.Expect == ExpectKind.Rejected ? "or a send-agent line " : string.Empty)}of the same agent)");
                }

                commands.Add(command);
            }
            catch (FormatException e)
            {
                throw new ScenarioException(source, i + 1, e.Message);
            }
        }

        return new Scenario(commands, source);
    }

    // 'expect rejected' and 'expect accepted' judge the line before them (other expectations in between are skipped).
    private static bool Answerable(List<ScenarioCommand> commands, ScenarioCommand expect)
    {
        var previous = commands.LastOrDefault(c => c.Kind != CommandKind.Expect);
        return previous is not null && previous.Agent == expect.Agent &&
               (previous.IsOperation || (expect.Expect == ExpectKind.Rejected && previous.Kind == CommandKind.SendAgent));
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
                if (rest.Count == 2 && rest[0] == "fails" && rest[1] == "over")
                {
                    if (agent != 0)
                    {
                        throw new FormatException("'master fails over' concerns every agent and takes no @agent");
                    }

                    return new ScenarioCommand(number, CommandKind.Failover);
                }

                ExpectWords(rest, ["notices"], "master notices' or 'master fails over");
                return new ScenarioCommand(number, CommandKind.MasterNotices, agent);
            case "writeback":
                return new ScenarioCommand(number, CommandKind.Writeback, agent, Step: After(rest, "writeback"));
            case "damage":
                {
                    if (rest.Count != 2 || rest[0] is not ("info" or "target") || rest[1] is not ("truncate" or "empty" or "garbage"))
                    {
                        throw new FormatException("expected 'damage info|target truncate|empty|garbage'");
                    }

                    var file = rest[0] == "info" ? Checkpoint.Info : Checkpoint.Target;
                    var damage = rest[1] switch { "truncate" => DamageKind.Truncate, "empty" => DamageKind.Empty, _ => DamageKind.Garbage };
                    return new ScenarioCommand(number, CommandKind.Damage, agent, File: file, Damage: damage);
                }

            case "send-agent":
                {
                    if (rest.Count != 2 || rest[0] is not ("create" or "use"))
                    {
                        throw new FormatException("expected 'send-agent create ROLE/ID [size=N]' or 'send-agent use ROLE/ID'");
                    }

                    if (rest[0] == "use" && sizeWord >= 0)
                    {
                        throw new FormatException("send-agent use takes no size");
                    }

                    // The names are taken as written, split at the first '/': this line exists to send what the master
                    // would refuse, so a name the master accepts belongs in 'create' or 'use' instead.
                    var slash = rest[1].IndexOf('/', StringComparison.Ordinal);
                    if (slash < 0)
                    {
                        throw new FormatException($"expected ROLE/ID, got '{rest[1]}'");
                    }

                    var (role, id) = (rest[1][..slash], rest[1][(slash + 1)..]);
                    if (Names.Check(role, "role") is null && Names.Check(id, "persistence id") is null)
                    {
                        throw new FormatException($"send-agent is for names the master refuses; '{role}/{id}' is valid: use '{rest[0]} {role}/{id}'");
                    }

                    return new ScenarioCommand(number, CommandKind.SendAgent, agent, role, id, size, SendsTask: rest[0] == "use");
                }

            case "expect":
                return ParseExpect(number, agent, rest);
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
                    "break, master, crash, power-loss, fail, writeback, damage, send-agent or expect");
        }
    }

    private static ScenarioCommand ParseExpect(int number, int agent, List<string> rest)
    {
        const string Usage = "expected 'expect rejected', 'expect accepted', 'expect dir ROLE/ID', 'expect no dir ROLE/ID', " +
                             "'expect checkpoint = master', 'expect no target' or 'expect agent down|up|stuck'";
        var text = string.Join(' ', rest);
        ExpectKind? simple = text switch
        {
            "rejected" => ExpectKind.Rejected,
            "accepted" => ExpectKind.Accepted,
            "checkpoint = master" => ExpectKind.CheckpointIsMaster,
            "no target" => ExpectKind.NoTarget,
            "agent down" => ExpectKind.AgentDown,
            "agent up" => ExpectKind.AgentUp,
            "agent stuck" => ExpectKind.AgentStuck,
            _ => null,
        };
        if (simple is { } kind)
        {
            return new ScenarioCommand(number, CommandKind.Expect, agent, Expect: kind);
        }

        if (rest.Count == 2 && rest[0] == "dir")
        {
            var (role, id) = Volume(rest[1]);
            return new ScenarioCommand(number, CommandKind.Expect, agent, role, id, Expect: ExpectKind.Dir);
        }

        if (rest.Count == 3 && rest[0] == "no" && rest[1] == "dir")
        {
            var (role, id) = Volume(rest[2]);
            return new ScenarioCommand(number, CommandKind.Expect, agent, role, id, Expect: ExpectKind.NoDir);
        }

        throw new FormatException(Usage);
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
