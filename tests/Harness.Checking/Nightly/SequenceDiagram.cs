using System.Text;
using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>
/// A Mermaid sequence diagram of a trace with lanes framework, master, link, agent and disk. Participants have aliases
/// (F, M, L, A, D) because <c>link</c>, <c>create</c>, <c>destroy</c>, <c>end</c> and <c>box</c> are keywords of the syntax.
/// </summary>
public static class SequenceDiagram
{
    private const string Header = """
        sequenceDiagram
            participant F as framework
            participant M as master
            participant L as link
            participant A as agent
            participant D as disk

        """;

    /// <summary>
    /// The diagram of <paramref name="steps"/>: scenario lines (docs/scenario.md) when they parse as a scenario, otherwise
    /// the readable steps of a Coyote execution.
    /// </summary>
    public static string Of(IReadOnlyList<string> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        Scenario? scenario = null;
        try
        {
            scenario = Scenario.Parse(string.Join('\n', steps), "trace");
        }
        catch (ScenarioException)
        {
            scenario = null;
        }

        var sb = new StringBuilder(Header.Replace("\r", string.Empty, StringComparison.Ordinal));
        if (scenario is not null)
        {
            foreach (var c in scenario.Commands)
            {
                sb.Append("    ").Append(Arrow(c)).Append('\n');
            }
        }
        else
        {
            foreach (var step in steps)
            {
                sb.Append("    ").Append(Arrow(step)).Append('\n');
            }
        }

        return sb.ToString();
    }

    /// <summary>One scenario line as an arrow or a note.</summary>
    public static string Arrow(ScenarioCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = Escape(command.ToString());
        return command.Kind switch
        {
            CommandKind.Reserve or CommandKind.Unreserve or CommandKind.Create or CommandKind.Destroy => $"F->>M: {text}",
            CommandKind.Use => $"F->>A: {text} (a task)",
            CommandKind.Deliver => $"L->>A: {text} (next message)",
            CommandKind.Reconnect => $"A->>M: {text} (re-register)",
            CommandKind.BreakLink => $"Note over L: {text}",
            CommandKind.MasterNotices => $"Note over M: {text}",
            CommandKind.Restart => $"Note over A: {text}",
            CommandKind.Crash when command.Step is null => $"Note over A: {text}",
            CommandKind.Crash or CommandKind.PowerLoss or CommandKind.Fail => $"Note over A,D: {text} (armed)",
            CommandKind.PowerLoss or CommandKind.Writeback => $"Note over D: {text}",
            _ => $"Note over F,D: {text}",
        };
    }

    /// <summary>One readable Coyote step as an arrow or a note, by who says it.</summary>
    public static string Arrow(string step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var text = Escape(step);
        if (step.StartsWith("agent: ", StringComparison.Ordinal))
        {
            return $"A->>D: {Escape(step["agent: ".Length..])}";
        }

        if (step.StartsWith("agent receives", StringComparison.Ordinal))
        {
            return $"L->>A: {text}";
        }

        if (step.StartsWith("master registers", StringComparison.Ordinal))
        {
            return $"M->>L: {text}";
        }

        if (step.StartsWith("master ", StringComparison.Ordinal))
        {
            return $"F->>M: {text}";
        }

        if (step.StartsWith("agent", StringComparison.Ordinal))
        {
            return $"Note over A: {text}";
        }

        if (step.Contains("connection", StringComparison.Ordinal))
        {
            return $"Note over L: {text}";
        }

        if (step.Contains("power", StringComparison.Ordinal) || step.Contains("disk", StringComparison.Ordinal))
        {
            return $"Note over D: {text}";
        }

        return $"Note over F,D: {text}";
    }

    /// <summary>
    /// Message text Mermaid reads literally: <c>;</c> ends a statement and <c>#</c> starts an entity, so both are replaced,
    /// arrows and angle brackets are dropped, and a line is kept short enough to read in a rendered diagram.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Replace(';', ',').Replace("#", "no. ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ').Replace("->", "to", StringComparison.Ordinal).Replace("<", string.Empty, StringComparison.Ordinal).Replace(">", string.Empty, StringComparison.Ordinal);
        return s.Length <= 120 ? s : s[..117] + "...";
    }
}
