using System.Globalization;

namespace Harness.Checking.Nightly;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a nightly run. Every checker decides from an item's number (a generated
/// sequence, an exhaustive leaf, a Coyote batch, a design's bounds ladder) whether the shard owns it, so N machines with
/// the same seed cover what one machine would, without overlap. <see cref="Index"/> counts from 0; users write K/N from 1.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The environment variable a Kubernetes Indexed Job sets to the pod's index (from 0).</summary>
    public const string JobIndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>The environment variable that gives the number of shards when the index comes from <see cref="JobIndexVariable"/>.</summary>
    public const string CountVariable = "HARNESS_SHARDS";

    /// <summary>The whole run: one shard that owns everything.</summary>
    public static Shard Whole => new(0, 1);

    /// <summary>Whether this shard owns item number <paramref name="item"/>.</summary>
    public bool Owns(long item) => item % Count == Index;

    /// <summary>Parses <c>K/N</c> with 1 &lt;= K &lt;= N; throws <see cref="FormatException"/> with one line otherwise.</summary>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= 1 && k >= 1 && k <= n)
        {
            return new Shard(k - 1, n);
        }

        throw new FormatException($"--shard takes K/N with 1 <= K <= N (for example 2/4), got '{text}'");
    }

    /// <summary>
    /// The shard an indexed job's environment names: <see cref="JobIndexVariable"/> (from 0) with the count from
    /// <paramref name="count"/> or <see cref="CountVariable"/>; null when the index is not set.
    /// </summary>
    public static Shard? FromEnvironment(Func<string, string?> environment, int? count)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var indexText = environment(JobIndexVariable);
        if (string.IsNullOrEmpty(indexText))
        {
            return null;
        }

        if (!int.TryParse(indexText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            throw new FormatException($"{JobIndexVariable} must be a whole number, got '{indexText}'");
        }

        var countText = environment(CountVariable);
        var n = count ?? (int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : 0);
        if (n < 1)
        {
            throw new FormatException($"{JobIndexVariable} is set: give the number of shards with --shards N or {CountVariable}");
        }

        if (index >= n)
        {
            throw new FormatException($"{JobIndexVariable}={index} is not below the number of shards ({n})");
        }

        return new Shard(index, n);
    }

    /// <summary>The shard as users write it, <c>K/N</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index + 1}/{Count}");
}
