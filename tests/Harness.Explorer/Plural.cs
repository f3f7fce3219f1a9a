using System.Globalization;

namespace Harness.Explorer;

/// <summary>Counts as people write them: "1 step", "2 steps".</summary>
public static class Plural
{
    /// <summary><paramref name="n"/> and the word for one or for many.</summary>
    public static string Of(long n, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");
}
