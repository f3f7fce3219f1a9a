namespace Harness.Model;

/// <summary>Deliberately wrong rules the tests switch on (see <see cref="Semantics.MistakesForTesting"/>).</summary>
[Flags]
public enum ModelMistakes
{
    /// <summary>The rules as specified.</summary>
    None = 0,

    /// <summary>A destroyed volume's directory is reported removed but left in place with its data.</summary>
    SkipRmdir = 1,
}
