using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>What the project expects of one property on one design: its verdict and the checkers that find a violation.</summary>
/// <param name="Design">The design.</param>
/// <param name="Property">The property.</param>
/// <param name="Violated">True when the design is expected to violate the property.</param>
/// <param name="FoundBy">The checkers expected to find the violation within a nightly budget (empty when it holds).</param>
public sealed record Expectation(Design Design, PropertyId Property, bool Violated, IReadOnlySet<string> FoundBy);

/// <summary>
/// The expectation file (expectations/verdicts.tsv): one tab-separated row per design and property, <c>design property
/// holds|violated checker,checker,...</c>; <c>#</c> starts a comment.
/// </summary>
public sealed class Expectations
{
    /// <summary>Where the file lies in the repository.</summary>
    public const string RepositoryPath = "expectations/verdicts.tsv";

    private readonly Dictionary<(Design, PropertyId), Expectation> rows;

    private Expectations(Dictionary<(Design, PropertyId), Expectation> rows, string source)
    {
        this.rows = rows;
        Source = source;
    }

    /// <summary>Where the expectations were read from.</summary>
    public string Source { get; }

    /// <summary>Every row.</summary>
    public IEnumerable<Expectation> Rows => rows.Values;

    /// <summary>The row of <paramref name="design"/> and <paramref name="property"/>.</summary>
    public Expectation For(Design design, PropertyId property) =>
        rows.TryGetValue((design, property), out var e)
            ? e
            : throw new InvalidOperationException($"{Source} has no row for {design.Name()} {property.Name()}");

    /// <summary>Parses the file's text; throws <see cref="FormatException"/> naming the source and line on any error, or a missing row.</summary>
    public static Expectations Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rows = new Dictionary<(Design, PropertyId), Expectation>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split('\t', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            try
            {
                if (cells.Length is < 3 or > 4)
                {
                    throw new FormatException("expected: design, property, holds|violated, checkers (tab-separated)");
                }

                var design = Designs.Parse(cells[0]);
                var property = Properties.Parse(cells[1]);
                var violated = cells[2] switch
                {
                    "violated" => true,
                    "holds" => false,
                    _ => throw new FormatException($"the verdict must be holds or violated, got '{cells[2]}'"),
                };
                var foundBy = cells.Length == 4 && cells[3] != "-"
                    ? cells[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal)
                    : [];
                foreach (var checker in foundBy)
                {
                    if (!Checkers.All.Contains(checker))
                    {
                        throw new FormatException($"unknown checker '{checker}'; expected one of: {string.Join(", ", Checkers.All)}");
                    }
                }

                if (!violated && foundBy.Count > 0)
                {
                    throw new FormatException("a property that holds cannot name checkers that find its violation");
                }

                if (!rows.TryAdd((design, property), new Expectation(design, property, violated, foundBy)))
                {
                    throw new FormatException($"a second row for {design.Name()} {property.Name()}");
                }
            }
            catch (FormatException e)
            {
                throw new FormatException($"{source}:{number}: {e.Message}", e);
            }
        }

        foreach (var design in Designs.All)
        {
            foreach (var property in Properties.All)
            {
                if (!rows.ContainsKey((design, property)))
                {
                    throw new FormatException($"{source}: no row for {design.Name()} {property.Name()}");
                }
            }
        }

        return new Expectations(rows, source);
    }

    /// <summary>Reads and parses a file; throws <see cref="FormatException"/> with one line when it cannot be read or parsed.</summary>
    public static Expectations Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"cannot read the expectation file '{path}': {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>
    /// The expectation file a command uses when none is named: <see cref="RepositoryPath"/> under the working directory
    /// (the repository root, where the launcher runs), else the copy built beside the program.
    /// </summary>
    public static string DefaultPath()
    {
        var local = Path.GetFullPath(RepositoryPath);
        return File.Exists(local) ? RepositoryPath : Path.Combine(AppContext.BaseDirectory, RepositoryPath);
    }
}
