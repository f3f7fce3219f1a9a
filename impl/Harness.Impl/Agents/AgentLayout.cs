using Harness.Impl.Resources;
using Harness.Impl.Storage;

namespace Harness.Impl.Agents;

/// <summary>Where the agent keeps things, relative to its work directory.</summary>
public static class AgentLayout
{
    /// <summary>The directory of the checkpoint files.</summary>
    public const string MetaDirectory = "meta/resources";

    /// <summary>The committed checkpoint.</summary>
    public const string InfoFile = "meta/resources/resources.info";

    /// <summary>The desired set while a change is being applied (target designs).</summary>
    public const string TargetFile = "meta/resources/resources.target";

    /// <summary>Appended to a checkpoint's name for the temporary file that is renamed over it.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>The parent of every role's volume directories.</summary>
    public const string VolumesRoot = "volumes/roles";

    /// <summary>The file a task keeps in its volume: the incarnation that wrote it, in decimal.</summary>
    public const string TaskDataFileName = "data";

    /// <summary>
    /// The directory of volume <paramref name="role"/>/<paramref name="id"/>. Names are validated here again, so no
    /// caller can turn a hostile name into a path (throws <see cref="InvalidResourceException"/>).
    /// </summary>
    public static string VolumeDirectory(string role, string id)
    {
        ResourceNames.Validate(role, "role");
        ResourceNames.Validate(id, "persistence id");
        return WorkPath.Combine(VolumesRoot, role, id);
    }

    /// <summary>The task data file inside volume <paramref name="role"/>/<paramref name="id"/>.</summary>
    public static string TaskDataFile(string role, string id) => WorkPath.Combine(VolumeDirectory(role, id), TaskDataFileName);
}
