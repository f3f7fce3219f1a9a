using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harness.Model;

namespace Harness.Explorer;

/// <summary>
/// The options the commands share, declared once so that every command words a bad value the same way: the flag, what it
/// takes, what it got.
/// </summary>
public static class CliOptions
{
    /// <summary>The designs by their command-line names.</summary>
    public static string DesignNames { get; } = string.Join(", ", Designs.All.Select(d => d.Name()));

    /// <summary>A whole number within a range.</summary>
    public static Option<int> Number(string name, int fallback, int min, int max, string description) => new(name)
    {
        Description = description,
        HelpName = "N",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Parse(r, name, fallback, $"a whole number from {min} to {max}", text =>
            (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max, v)),
    };

    /// <summary>A seed from 0 to <see cref="uint.MaxValue"/>.</summary>
    public static Option<uint> Seed(string name, uint fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "S",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Parse(r, name, fallback, $"a whole number from 0 to {uint.MaxValue}", text =>
            (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v), v)),
    };

    /// <summary>A seed from 0 to <see cref="ulong.MaxValue"/>.</summary>
    public static Option<ulong> LongSeed(string name, ulong fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "S",
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Parse(r, name, fallback, $"a whole number from 0 to {ulong.MaxValue}", text =>
            (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v), v)),
    };

    /// <summary>One of a few words.</summary>
    public static Option<string> Choice(string name, string fallback, string[] values, string description) => new(name)
    {
        Description = description,
        HelpName = string.Join('|', values),
        DefaultValueFactory = _ => fallback,
        CustomParser = r => Parse(r, name, fallback, string.Join(", ", values[..^1]) + " or " + values[^1], text =>
            (values.Contains(text, StringComparer.Ordinal), text)),
    };

    /// <summary>A text value (a path, a list), null when not given.</summary>
    public static Option<string?> Text(string name, string helpName, string description) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r => Parse<string?>(r, name, null, "a non-empty value", text => (text.Length > 0, text)),
    };

    /// <summary>A flag.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>
    /// <c>--design</c>: one design, or (when <paramref name="allowAll"/>) <c>all</c>. Every command refuses an unknown name with
    /// the same line.
    /// </summary>
    public static Option<IReadOnlyList<Design>> Design(bool allowAll, string description) => new("--design")
    {
        Description = description,
        HelpName = allowAll ? "D|all" : "D",
        CustomParser = r =>
        {
            if (r.Tokens.Count == 0)
            {
                return [];
            }

            var text = r.Tokens[0].Value;
            if (text == "all")
            {
                if (allowAll)
                {
                    return Designs.All;
                }

                r.AddError($"--design all is for model-check; {CommandName(r)} takes one design: {DesignNames}");
                return [];
            }

            if (Designs.All.FirstOrDefault(d => d.Name() == text) is var design && design.Name() == text)
            {
                return [design];
            }

            r.AddError(UnknownDesign(text));
            return [];
        },
    };

    /// <summary>The one line every command prints for a design it does not know.</summary>
    public static string UnknownDesign(string name) => $"unknown design '{name}'; designs: {DesignNames} (model-check also takes all)";

    /// <summary>The line for a command that needs <c>--design</c>.</summary>
    public static string DesignRequired(bool allowAll) => $"--design is required: {DesignNames}{(allowAll ? " or all" : string.Empty)}";

    /// <summary>Makes <paramref name="option"/> required with the program's wording.</summary>
    public static void Require(Command command, Option option, string message)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Validators.Add(r =>
        {
            if (r.GetResult(option) is null)
            {
                r.AddError(message);
            }
        });
    }

    /// <summary>Refuses <paramref name="a"/> and <paramref name="b"/> given together, saying why.</summary>
    public static void Conflict(Command command, Option a, Option b, string why)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        command.Validators.Add(r =>
        {
            if (Given(r, a) && Given(r, b))
            {
                r.AddError($"{a.Name} and {b.Name} do not combine: {why}");
            }
        });
    }

    /// <summary>
    /// The value of <paramref name="option"/> while validating: its default when not given, and the default of
    /// <typeparamref name="T"/> when its value is itself an error (that error is reported on its own).
    /// </summary>
    public static T? Value<T>(CommandResult result, Option<T> option)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(option);
        var given = result.GetResult(option);
        if (given is null || given.Implicit)
        {
            return option.HasDefaultValue ? (T?)option.GetDefaultValue() : default;
        }

        try
        {
            return given.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>Whether the user gave <paramref name="option"/> (not its default).</summary>
    public static bool Given(SymbolResult result, Option option) =>
        result?.GetResult(option) is { Implicit: false };

    /// <summary>Whether the user gave <paramref name="option"/> on this command line.</summary>
    public static bool Given(ParseResult result, Option option) =>
        result?.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The options the command ran with, as the result document records them: by name without dashes, the defaults
    /// included, <c>--design</c> and <c>--help</c> left out.
    /// </summary>
    public static JsonObject Record(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var record = new JsonObject();
        foreach (var option in parse.CommandResult.Command.Options)
        {
            if (option.Name is "--design" or "--help" || option.ValueType == typeof(IReadOnlyList<Design>))
            {
                continue;
            }

            var value = parse.GetResult(option) is { } r ? r.GetValueOrDefault<object?>() : option.HasDefaultValue ? option.GetDefaultValue() : null;
            if (value is not null)
            {
                record[option.Name.TrimStart('-')] = JsonSerializer.SerializeToNode(value, value.GetType());
            }
        }

        return record;
    }

    private static T Parse<T>(ArgumentResult r, string name, T fallback, string takes, Func<string, (bool Ok, T Value)> parse)
    {
        if (r.Tokens.Count == 0)
        {
            return fallback;
        }

        var text = r.Tokens[0].Value;
        var (ok, value) = parse(text);
        if (ok)
        {
            return value;
        }

        r.AddError($"{name} takes {takes}, got '{text}'");
        return fallback;
    }

    private static string CommandName(ArgumentResult r)
    {
        for (var p = r.Parent; p is not null; p = p.Parent)
        {
            if (p is CommandResult c)
            {
                return c.Command.Name;
            }
        }

        return "this command";
    }
}
