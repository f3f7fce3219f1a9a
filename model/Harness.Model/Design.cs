namespace Harness.Model;

/// <summary>The four agent designs of the protocol, from the code before the fix to this project's proposal.</summary>
public enum Design
{
    /// <summary>Apply the delta; on a failed mkdir or rmdir log it, keep the old checkpoint and keep running.</summary>
    KeepGoing,

    /// <summary>Apply the delta; on a failure checkpoint the old set plus what succeeded, then exit.</summary>
    PartialExit,

    /// <summary>Write the target, apply the delta, rename the target over the checkpoint; exit on any failure.</summary>
    Target,

    /// <summary>As <see cref="Target"/>, with incarnations in the volume identity and durable writes.</summary>
    TargetIncarnation,
}

/// <summary>Names of the designs as users type them.</summary>
public static class Designs
{
    /// <summary>Every design, in the order of the protocol.</summary>
    public static IReadOnlyList<Design> All { get; } =
        [Design.KeepGoing, Design.PartialExit, Design.Target, Design.TargetIncarnation];

    /// <summary>The command-line name of a design, such as <c>target-incarnation</c>.</summary>
    public static string Name(this Design design) => design switch
    {
        Design.KeepGoing => "keep-going",
        Design.PartialExit => "partial-exit",
        Design.Target => "target",
        Design.TargetIncarnation => "target-incarnation",
        _ => throw new ArgumentOutOfRangeException(nameof(design)),
    };

    /// <summary>Parses a design name; the error lists the valid names.</summary>
    public static Design Parse(string name)
    {
        foreach (var d in All)
        {
            if (string.Equals(d.Name(), name, StringComparison.Ordinal))
            {
                return d;
            }
        }

        throw new FormatException(
            $"unknown design '{name}'; expected one of: {string.Join(", ", All.Select(d => d.Name()))}");
    }

    /// <summary>Whether the volume identity includes the incarnation and every write is durable.</summary>
    public static bool UsesIncarnations(this Design design) => design == Design.TargetIncarnation;

    /// <summary>Whether the design writes a target file before touching volumes.</summary>
    public static bool UsesTarget(this Design design) => design is Design.Target or Design.TargetIncarnation;
}
