using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harness.Checking.Mutation;

/// <summary>
/// One mutant of the corpus: a small unified-diff patch against the implementation that stands for a real bug, the designs
/// whose code it changes, and (when a run showed it survives every generative checker) the reason established for that.
/// </summary>
public sealed record Mutant
{
    /// <summary>The mutant's name, also its patch's file name without <c>.patch</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The repository files the patch changes.</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>The patch file, relative to the corpus directory.</summary>
    public required string Patch { get; init; }

    /// <summary>Master, agent, checkpoint store, validation or connection.</summary>
    public string Area { get; init; } = "";

    /// <summary>The designs whose code the patch changes: the checkers run on these, the first one first.</summary>
    public IReadOnlyList<string> Designs { get; init; } = [];

    /// <summary>One sentence: the real bug this mistake stands for.</summary>
    public required string Bug { get; init; }

    /// <summary>Why it survives a checker, when that was established: an equivalence argument or the gap left open.</summary>
    public string? Triage { get; init; }
}

/// <summary>The mutant corpus: <c>mutants/index.json</c> and the patches beside it.</summary>
public sealed record MutantCorpus(string Directory, IReadOnlyList<Mutant> Mutants)
{
    /// <summary>The index's schema name.</summary>
    public const string Schema = "mutant-corpus/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads <paramref name="directory"/>/index.json; a missing or malformed index throws <see cref="FormatException"/>.</summary>
    public static MutantCorpus Load(string directory)
    {
        var path = Path.Combine(directory, "index.json");
        if (!File.Exists(path))
        {
            throw new FormatException($"no mutant corpus at {path}");
        }

        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not a mutant index ({e.Message})", e);
        }

        if (document is null || document.Schema != Schema)
        {
            throw new FormatException($"{path}: expected \"schema\": \"{Schema}\"");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in document.Mutants)
        {
            if (!ids.Add(m.Id))
            {
                throw new FormatException($"{path}: mutant '{m.Id}' is listed twice");
            }

            if (!File.Exists(Path.Combine(directory, m.Patch)))
            {
                throw new FormatException($"{path}: mutant '{m.Id}' names a patch that does not exist: {m.Patch}");
            }
        }

        return new MutantCorpus(directory, document.Mutants);
    }

    /// <summary>The full path of a mutant's patch.</summary>
    public string PatchPath(Mutant mutant)
    {
        ArgumentNullException.ThrowIfNull(mutant);
        return Path.Combine(Directory, mutant.Patch);
    }

    private sealed record Document(string Schema, IReadOnlyList<Mutant> Mutants);
}
