using Harness.Impl.Resources;

namespace Harness.Impl.Agents;

/// <summary>How the agent applies a <c>CheckpointResources</c> message (see docs/semantics.md, the designs table).</summary>
public enum AgentDesign
{
    /// <summary>Mesos before the fix: on a failed mkdir/rmdir keep the old set and keep running.</summary>
    KeepGoing = 0,

    /// <summary>The patch under review: on a failed mkdir/rmdir checkpoint old plus the succeeded volume operations, then exit.</summary>
    PartialExit = 1,

    /// <summary>What Mesos landed: write a target, apply the delta, rename the target over the checkpoint; exit on any failure.</summary>
    Target = 2,

    /// <summary>Target plus incarnations in volume identity, destroys before creates, and durable I/O.</summary>
    TargetIncarnation = 3,
}

/// <summary>Names and properties of <see cref="AgentDesign"/>.</summary>
public static class AgentDesigns
{
    private static readonly (string Name, AgentDesign Design)[] Names =
    [
        ("keep-going", AgentDesign.KeepGoing),
        ("partial-exit", AgentDesign.PartialExit),
        ("target", AgentDesign.Target),
        ("target-incarnation", AgentDesign.TargetIncarnation),
    ];

    /// <summary>Every design, in the order of the semantics' table.</summary>
    public static IReadOnlyList<AgentDesign> All { get; } = [.. Names.Select(n => n.Design)];

    extension(AgentDesign design)
    {
        /// <summary>
        /// The design called <paramref name="name"/> (keep-going, partial-exit, target, target-incarnation); throws
        /// <see cref="ArgumentException"/> listing the valid names otherwise.
        /// </summary>
        public static AgentDesign Parse(string name)
        {
            foreach (var (candidate, value) in Names)
            {
                if (string.Equals(candidate, name, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            throw new ArgumentException(
                $"Unknown agent design '{name}'. Valid designs: {string.Join(", ", Names.Select(n => n.Name))}",
                nameof(name));
        }

        /// <summary>The design's name as the semantics write it, e.g. "target-incarnation".</summary>
        public string Name() => Names.First(n => n.Design == design).Name;

        /// <summary>True for the designs that write <c>resources.target</c> and finish it on start.</summary>
        public bool UsesTarget => design is AgentDesign.Target or AgentDesign.TargetIncarnation;

        /// <summary>True when checkpoints and volume directories are made durable with fsync.</summary>
        public bool IsDurable => design == AgentDesign.TargetIncarnation;

        /// <summary>Which fields make two volumes the same for this design.</summary>
        public VolumeIdentity Identity =>
            design == AgentDesign.TargetIncarnation ? VolumeIdentity.RoleIdAndIncarnation : VolumeIdentity.RoleAndId;
    }
}
