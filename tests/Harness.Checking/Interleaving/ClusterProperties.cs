using System.Globalization;
using Harness.Impl.Agents;
using Harness.Impl.Resources;
using Harness.Impl.Storage;

namespace Harness.Checking.Interleaving;

/// <summary>What the agent's disk shows through the file-system port: the committed checkpoint, a pending target and the volume directories.</summary>
/// <param name="Info">The bytes of <c>resources.info</c>, or null when it does not exist.</param>
/// <param name="TargetExists">True when <c>resources.target</c> exists.</param>
/// <param name="VolumeDirectories">Every <c>role/id</c> with a directory under the volumes root, ordinally sorted.</param>
public sealed record DiskObservation(byte[]? Info, bool TargetExists, IReadOnlyList<string> VolumeDirectories);

/// <summary>Everything <see cref="ClusterProperties.CheckConverged"/> needs about one agent and the master's record of it.</summary>
/// <param name="AgentUp">True while an agent instance is running.</param>
/// <param name="Connected">True when the master believes the agent connected and the agent's current connection is registered.</param>
/// <param name="InFlight">Messages queued on the connection.</param>
/// <param name="MasterView">The master's view as it sends it.</param>
/// <param name="AgentMemory">The running agent's set, or null when it is down.</param>
/// <param name="Disk">The agent's disk, read only when the cheaper conditions hold (a check runs after every handler).</param>
/// <param name="Identity">Which fields make two volumes the same in this design.</param>
public sealed record ConvergenceObservation(
    bool AgentUp,
    bool Connected,
    int InFlight,
    ResourceSet MasterView,
    ResourceSet? AgentMemory,
    IFileSystem Disk,
    VolumeIdentity Identity);

/// <summary>
/// The properties of docs/protocol.md as plain functions over what the implementation exposes (task replies, the disk
/// behind the file-system port, the master's view). Each returns null when the property holds and otherwise a sentence
/// that starts with the property's name, so a bug report names what broke.
/// </summary>
public static class ClusterProperties
{
    private static readonly RememberedContents<(ResourceSet? Set, string? Why)> StrictReads = new();

    /// <summary>The name of the fresh-volume property.</summary>
    public const string FreshVolume = "fresh-volume";

    /// <summary>The name of the no-data-loss property.</summary>
    public const string NoDataLoss = "no-data-loss";

    /// <summary>The name of the atomic-checkpoint property.</summary>
    public const string AtomicCheckpoint = "atomic-checkpoint";

    /// <summary>The name of the recover-before-register property.</summary>
    public const string RecoverBeforeRegister = "recover-before-register";

    /// <summary>The name of the convergence property.</summary>
    public const string Convergence = "convergence";

    /// <summary>
    /// The name of refinement: the implementation's observable state equals the model's after every step it maps to
    /// (not a property of <see cref="All"/>: it is switched by <see cref="InterleavingOptions.Refinement"/>).
    /// </summary>
    public const string Refinement = "refinement";

    /// <summary>Every property, safety first.</summary>
    public static IReadOnlyList<string> All { get; } = [FreshVolume, NoDataLoss, AtomicCheckpoint, RecoverBeforeRegister, Convergence];

    /// <summary>
    /// Fresh volume: a task launched on incarnation <paramref name="launched"/> of <paramref name="role"/>/<paramref name="id"/>
    /// must not see data written under another incarnation (<paramref name="seenData"/> is what the task found, or null).
    /// </summary>
    public static string? CheckFreshVolume(string role, string id, long launched, string? seenData)
    {
        if (seenData is null)
        {
            return null;
        }

        return long.TryParse(seenData, NumberStyles.None, CultureInfo.InvariantCulture, out var seen) && seen == launched
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"{FreshVolume} violated: a task on {role}/{id} incarnation {launched} saw data of incarnation {seenData}");
    }

    /// <summary>
    /// No data loss: the agent is about to remove volume <paramref name="role"/>/<paramref name="id"/> whose directory holds
    /// <paramref name="dataInVolume"/> (null when it holds none); that is a loss when the master still holds the volume in the
    /// incarnation that wrote the data.
    /// </summary>
    public static string? CheckNoDataLoss(ResourceSet masterView, string role, string id, string? dataInVolume)
    {
        ArgumentNullException.ThrowIfNull(masterView);
        if (dataInVolume is null)
        {
            return null;
        }

        var held = masterView.FindVolume(role, id);
        return held is not null && string.Equals(held.Value.Incarnation.ToString(CultureInfo.InvariantCulture), dataInVolume, StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{NoDataLoss} violated: the agent removed {role}/{id} holding data of incarnation {dataInVolume}, which the master still holds")
            : null;
    }

    /// <summary>
    /// Atomic checkpoint: <c>resources.info</c> is absent or parses completely, read with the checkers' own
    /// <see cref="StrictCheckpointReader"/> so that a codec that accepts a damaged file cannot hide it.
    /// </summary>
    public static string? CheckAtomicCheckpoint(byte[]? info)
    {
        if (info is null)
        {
            return null;
        }

        var (set, why) = ReadStrictly(info);
        return set is null
            ? $"{AtomicCheckpoint} violated: {AgentLayout.InfoFile} does not parse: {why}"
            : null;
    }

    /// <summary>The atomic-checkpoint violation of a readable <paramref name="info"/> that no rename committed.</summary>
    public static string UncommittedCheckpoint(byte[] info)
    {
        ArgumentNullException.ThrowIfNull(info);
        var set = ReadStrictly(info).Set;
        return $"{AtomicCheckpoint} violated: {AgentLayout.InfoFile} holds {set}, which no rename of the agent committed";
    }

    /// <summary>
    /// No data loss across a restart: a task made data of <paramref name="incarnation"/> durable in
    /// <paramref name="role"/>/<paramref name="id"/>; while the master still holds that volume in that incarnation, the
    /// recovered disk must still hold the data. Null when it does or the master no longer holds it. <paramref name="moment"/>
    /// names when the check is made in the violation's text.
    /// </summary>
    public static string? CheckDataSurvived(ResourceSet masterView, string role, string id, long incarnation, IReadOnlyList<VolumeDirectory> volumes, string moment = "across a restart")
    {
        ArgumentNullException.ThrowIfNull(masterView);
        ArgumentNullException.ThrowIfNull(volumes);
        if (masterView.FindVolume(role, id) is not { } held || held.Incarnation != incarnation)
        {
            return null;
        }

        foreach (var v in volumes)
        {
            if (v.Role == role && v.Id == id)
            {
                return v.Data == incarnation
                    ? null
                    : string.Create(CultureInfo.InvariantCulture, $"{NoDataLoss} violated: {role}/{id} lost the durable data of incarnation {incarnation} {moment} (it holds {(v.Data == 0 ? "no data" : $"data of incarnation {v.Data}")}), while the master still holds it");
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{NoDataLoss} violated: {role}/{id} lost its directory and the durable data of incarnation {incarnation} {moment}, while the master still holds it");
    }

    /// <summary>Recover before register: at (re)registration the volume directories equal the committed checkpoint's volumes and no target is pending.</summary>
    public static string? CheckRecoverBeforeRegister(DiskObservation disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        if (disk.TargetExists)
        {
            return $"{RecoverBeforeRegister} violated: the agent registers with {AgentLayout.TargetFile} still pending";
        }

        var committed = TryDecode(disk.Info);
        if (committed is null)
        {
            return $"{RecoverBeforeRegister} violated: the agent registers with an unreadable {AgentLayout.InfoFile}";
        }

        var expected = VolumePaths(committed);
        return expected.SequenceEqual(disk.VolumeDirectories, StringComparer.Ordinal)
            ? null
            : $"{RecoverBeforeRegister} violated: the agent registers with volume directories [{string.Join(", ", disk.VolumeDirectories)}] but its checkpoint holds [{string.Join(", ", expected)}]";
    }

    /// <summary>
    /// The converged state of the convergence property: agent up and connected, nothing in flight, master view = agent memory
    /// = committed checkpoint, directories = the master's volumes, no target file. Null when converged, else why not.
    /// </summary>
    public static string? CheckConverged(ConvergenceObservation state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.AgentUp || state.AgentMemory is null)
        {
            return $"{Convergence}: the agent is down";
        }

        if (!state.Connected)
        {
            return $"{Convergence}: the agent is not connected";
        }

        if (state.InFlight > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Convergence}: {state.InFlight} message(s) in flight");
        }

        if (!state.MasterView.SameAs(state.AgentMemory, state.Identity))
        {
            return $"{Convergence}: master view {state.MasterView} differs from the agent's {state.AgentMemory}";
        }

        var disk = ObserveDisk(state.Disk);
        if (TryDecode(disk.Info) is not { } committed)
        {
            return $"{Convergence}: the committed checkpoint is unreadable";
        }

        if (!committed.SameAs(state.MasterView, state.Identity))
        {
            return $"{Convergence}: committed checkpoint {committed} differs from the master view {state.MasterView}";
        }

        if (disk.TargetExists)
        {
            return $"{Convergence}: a target file remains";
        }

        return VolumePaths(state.MasterView).SequenceEqual(disk.VolumeDirectories, StringComparer.Ordinal)
            ? null
            : $"{Convergence}: volume directories [{string.Join(", ", disk.VolumeDirectories)}] differ from the master's volumes";
    }

    /// <summary>Reads the observable checkpoint state of a disk through the file-system port.</summary>
    public static DiskObservation ObserveDisk(IFileSystem disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        var info = disk.FileExists(AgentLayout.InfoFile) ? disk.ReadFile(AgentLayout.InfoFile) : null;
        var directories = new List<string>();
        if (disk.DirectoryExists(AgentLayout.VolumesRoot))
        {
            foreach (var role in disk.ListDirectories(AgentLayout.VolumesRoot))
            {
                foreach (var id in disk.ListDirectories(WorkPath.Combine(AgentLayout.VolumesRoot, role)))
                {
                    directories.Add(role + "/" + id);
                }
            }
        }

        directories.Sort(StringComparer.Ordinal);
        return new DiskObservation(info, disk.FileExists(AgentLayout.TargetFile), directories);
    }

    /// <summary>The property a Coyote bug report is about, or null when the text names none of them.</summary>
    public static string? PropertyOf(string bugText)
    {
        ArgumentNullException.ThrowIfNull(bugText);
        if (bugText.Contains(nameof(ConvergenceMonitor), StringComparison.Ordinal))
        {
            return Convergence;
        }

        if (bugText.StartsWith(Refinement + " violated", StringComparison.Ordinal))
        {
            return Refinement;
        }

        return All.FirstOrDefault(p => bugText.Contains(p + " violated", StringComparison.Ordinal));
    }

    private static ResourceSet? TryDecode(byte[]? info)
    {
        return info is null ? ResourceSet.Empty : ReadStrictly(info).Set;
    }

    // The checkers' own reading of resources.info, remembered by content: an interleaving reads it after every handler.
    private static (ResourceSet? Set, string? Why) ReadStrictly(byte[] info) =>
        StrictReads.Get(info, bytes => (StrictCheckpointReader.Read(bytes, out var why), why));

    private static List<string> VolumePaths(ResourceSet set) =>
        set.Volumes.Select(v => v.Role + "/" + v.Id).Distinct().Order(StringComparer.Ordinal).ToList();
}
