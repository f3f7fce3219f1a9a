using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Harness.Checking.Results;

/// <summary>
/// The one result document every command writes (<c>--json</c>, <c>report.json</c>) and every consumer reads: the nightly
/// report, <c>merge</c>, CI and people's scripts. Versioned by <see cref="Schema"/>; docs/harness-result.schema.json
/// describes it and a test validates every command's output against that file.
/// </summary>
public sealed record HarnessResult
{
    /// <summary>The schema name and version this code writes and reads.</summary>
    public const string CurrentSchema = "harness-result/1";

    /// <summary>Always <see cref="CurrentSchema"/>.</summary>
    public string Schema { get; init; } = CurrentSchema;

    /// <summary>The command that produced the result: model-check, replay, conform, interleave, nightly, merge, mutants.</summary>
    public required string Command { get; init; }

    /// <summary>The designs the command ran, by their command-line names.</summary>
    public IReadOnlyList<string> Designs { get; init; } = [];

    /// <summary>The options the command ran with, by their command-line names without dashes (bounds, budgets, files).</summary>
    public JsonObject Options { get; init; } = [];

    /// <summary>The root seed, when the command draws random choices.</summary>
    public ulong? Seed { get; init; }

    /// <summary>When the command started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Wall-clock seconds the command ran.</summary>
    public double Seconds { get; init; }

    /// <summary>False when the command stopped before its budget or bounds were used up (Ctrl-C, a state limit, a time limit).</summary>
    public bool Complete { get; init; } = true;

    /// <summary>Why the result is incomplete, or null.</summary>
    public string? Incomplete { get; init; }

    /// <summary>The exit code the command ends with: 0 holds, 1 violated or diverged, 2 bad input, 130 interrupted.</summary>
    public int ExitCode { get; init; }

    /// <summary>What each checker covered, one entry per checker and design.</summary>
    public IReadOnlyList<Coverage> Coverage { get; init; } = [];

    /// <summary>Each property's verdict per design and checker.</summary>
    public IReadOnlyList<Verdict> Verdicts { get; init; } = [];

    /// <summary>Every violation and divergence found, each with its steps and the command that replays it.</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>The results this one is made of (nightly and merge); empty for a single command.</summary>
    public IReadOnlyList<HarnessResult> Results { get; init; } = [];

    /// <summary>How results are written: camelCase names, enums as kebab-case strings, nulls left out, indented.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,

        // Results are read by people too: an apostrophe in a bug text stays an apostrophe.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>The document as JSON text, ending with a newline.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions) + "\n";

    /// <summary>
    /// Reads a result document. Throws <see cref="ResultFormatException"/> naming <paramref name="source"/> when the text is not
    /// JSON, is another kind of document, or is another version of this one.
    /// </summary>
    public static HarnessResult Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ResultFormatException($"{source}: not JSON ({e.Message})", e);
        }

        if (root is not JsonObject obj)
        {
            throw new ResultFormatException($"{source}: not a result document (expected a JSON object)");
        }

        var schema = obj["schema"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (schema != CurrentSchema)
        {
            throw new ResultFormatException(schema is null
                ? $"{source}: not a result document (no \"schema\": \"{CurrentSchema}\")"
                : $"{source}: result schema '{schema}' is not supported; this harness reads '{CurrentSchema}'");
        }

        try
        {
            return obj.Deserialize<HarnessResult>(JsonOptions)
                ?? throw new ResultFormatException($"{source}: empty result document");
        }
        catch (JsonException e)
        {
            throw new ResultFormatException($"{source}: malformed result document ({e.Message})", e);
        }
    }
}

/// <summary>What one checker covered on one design.</summary>
public sealed record Coverage
{
    /// <summary>The checker: model-check, conform, exhaustive, interleave, replay, unit-tests.</summary>
    public required string Checker { get; init; }

    /// <summary>The design.</summary>
    public required string Design { get; init; }

    /// <summary>The bounds or shape explored, as the command's flags (<c>--ids 2 --ops 4 ...</c>).</summary>
    public string? Bound { get; init; }

    /// <summary>Model checker: distinct states.</summary>
    public long? States { get; init; }

    /// <summary>Model checker: transitions.</summary>
    public long? Transitions { get; init; }

    /// <summary>Model checker: breadth-first depth reached.</summary>
    public int? Depth { get; init; }

    /// <summary>Conformance and replay: scenarios run.</summary>
    public long? Sequences { get; init; }

    /// <summary>Conformance and replay: scenario lines run in lockstep.</summary>
    public long? Lines { get; init; }

    /// <summary>Coyote: executions.</summary>
    public long? Executions { get; init; }

    /// <summary>Coyote: scheduling steps over all executions.</summary>
    public long? SchedulingSteps { get; init; }

    /// <summary>How many sequences or executions reached each window (W1, W2, ...) or input kind.</summary>
    public IReadOnlyDictionary<string, long>? Windows { get; init; }

    /// <summary>Seconds this checker ran on this design.</summary>
    public double Seconds { get; init; }

    /// <summary>False when this part stopped before its budget or bounds were used up.</summary>
    public bool Complete { get; init; } = true;
}

/// <summary>The outcome of one property on one design by one checker.</summary>
public enum VerdictValue
{
    /// <summary>Held everywhere the checker looked, and it looked everywhere its bounds allow.</summary>
    Holds,

    /// <summary>A counterexample was found.</summary>
    Violated,

    /// <summary>Held in what was explored, but the exploration did not complete.</summary>
    HoldsSoFar,

    /// <summary>This checker does not decide the property (confinement on the model, for example).</summary>
    NotChecked,
}

/// <summary>One property's verdict on one design by one checker.</summary>
public sealed record Verdict(string Design, string Property, string Checker, VerdictValue Value);

/// <summary>Whether a finding is a property the design breaks or a disagreement between model and implementation.</summary>
public enum FindingKind
{
    /// <summary>A property violated (both sides agree, or the checker looks at one side only).</summary>
    Violation,

    /// <summary>The model and the implementation disagree: one of them is wrong.</summary>
    Divergence,
}

/// <summary>A counterexample: what broke, where, how to see it again.</summary>
public sealed record Finding
{
    /// <summary>Violation or divergence.</summary>
    public required FindingKind Kind { get; init; }

    /// <summary>The design it was found on.</summary>
    public required string Design { get; init; }

    /// <summary>The checker that found it.</summary>
    public required string Checker { get; init; }

    /// <summary>The properties involved (empty for a divergence that breaks none).</summary>
    public IReadOnlyList<string> Properties { get; init; } = [];

    /// <summary>One line a person reads first.</summary>
    public required string Summary { get; init; }

    /// <summary>The counterexample as scenario lines (docs/scenario.md); for a Coyote bug, its readable steps.</summary>
    public IReadOnlyList<string> Steps { get; init; } = [];

    /// <summary>Files written for it (scenario, trace, log), relative to the working directory where they lie under it.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>The exact command that replays it, ready to paste.</summary>
    public string? Replay { get; init; }
}

/// <summary>A result file that cannot be read: the message names the file and what is wrong.</summary>
public sealed class ResultFormatException : Exception
{
    /// <summary>Creates the error.</summary>
    public ResultFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the error with a cause.</summary>
    public ResultFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error without a message.</summary>
    public ResultFormatException()
    {
    }
}
