using System.Runtime.InteropServices;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Model;

namespace Harness.Checking;

/// <summary>
/// Decides whether the model's state and an <see cref="ImplSnapshot"/> have equal <see cref="Observation"/>s without
/// writing either as text. Each implementation value is put in the model's vocabulary (the packed encoding of
/// <see cref="Layout"/>, with the scenario's <see cref="Names"/>) and compared with the model's field. The text of an
/// observation is a function of exactly those encoded values on both sides (zero reservations and volume sizes are not
/// written; incarnations of the agent side only in target-incarnation), so equal encodings mean equal text. A value the
/// vocabulary cannot hold (an unknown name, a number out of the model's range, a duplicate volume, a message other than
/// a checkpoint) makes <see cref="Agrees"/> answer false, and the caller then compares the written text, as it does
/// for any other mismatch: a false answer is never a verdict on its own.
/// </summary>
public sealed class StructuralComparison
{
    private const ulong Unencodable = ulong.MaxValue;

    private readonly Layout layout;
    private readonly Names names;
    private readonly bool agentIncarnations;
    private readonly long maxReserved;
    private readonly long maxIncarnation;

    // Sets are immutable and the master, the agents and the checkpoint decoder hand out the same instance until something
    // changes, so each is encoded once per run (a run is one scenario, whose names fix the encoding).
    private readonly Dictionary<ResourceSet, ulong> withIncarnations = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ResourceSet, ulong> withoutIncarnations = new(ReferenceEqualityComparer.Instance);

    /// <summary>Prepares the comparison for the model of one scenario (its layout, names and design).</summary>
    public StructuralComparison(Semantics semantics)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        layout = semantics.Layout;
        names = semantics.Names;
        agentIncarnations = semantics.Design.UsesIncarnations();
        maxReserved = (1L << layout.ResBits) - 1;
        maxIncarnation = (1L << layout.IncBits) - 1;
    }

    /// <summary>True when the observations of <paramref name="s"/> and <paramref name="impl"/> are certainly equal.</summary>
    public bool Agrees(in ModelState s, ImplSnapshot impl)
    {
        var l = layout;
        if (impl.Agents.Count != l.Agents || impl.AgentIncarnations != agentIncarnations)
        {
            return false;
        }

        for (var a = 0; a < l.Agents; a++)
        {
            var agent = impl.Agents[a];
            var status = (AgentStatus)s.GetInt(l.Status[a]);
            if (agent.Status != status ||
                agent.MasterConnected != s.GetBool(l.MasterConnected[a]) ||
                !SameSet(s.Get(l.MasterView[a]), agent.MasterView, incarnations: true))
            {
                return false;
            }

            var inFlight = s.GetInt(l.ChannelLength[a]);
            if (agent.InFlight.Count != inFlight)
            {
                return false;
            }

            for (var i = 0; i < inFlight; i++)
            {
                if (agent.InFlight[i] is not CheckpointResourcesMessage m || !SameSet(s.Get(l.Channel[a, i]), m.Resources, agentIncarnations))
                {
                    return false;
                }
            }

            // Both sides write the memory only while the agent is up, and the statuses are equal here.
            if (status is AgentStatus.Connected or AgentStatus.Disconnected &&
                (agent.Memory is not { } memory || !SameSet(s.Get(l.Memory[a]), memory, agentIncarnations)))
            {
                return false;
            }

            if (!SameFile(s.GetFile(l.Info[a, 0]), agent.Info) || !SameFile(s.GetFile(l.Target[a, 0]), agent.Target) ||
                !SameDirectories(s, a, agent.Volumes))
            {
                return false;
            }
        }

        return true;
    }

    private bool SameFile(FileContent model, CheckpointRead impl) => (model.Kind, impl.Kind) switch
    {
        (FileKind.Absent, CheckpointReadKind.Absent) => true,
        (FileKind.Empty, CheckpointReadKind.Unparseable) => true,
        (FileKind.Set, CheckpointReadKind.Set) => SameSet(model.Set, impl.Set!, agentIncarnations),
        _ => false,
    };

    private bool SameDirectories(in ModelState s, int a, IReadOnlyList<VolumeDirectory> volumes)
    {
        var l = layout;
        var present = 0;
        for (var slot = 0; slot < l.Slots; slot++)
        {
            if (s.GetBool(l.DirNow[a, slot]))
            {
                present++;
            }
        }

        if (present != volumes.Count)
        {
            return false;
        }

        // Directory names in one listing are distinct and a slot has one role/id name, so every listed directory
        // matching a distinct present slot, with as many of each, is the same set of entries.
        foreach (var v in volumes)
        {
            var slot = names.FindSlot(v.Role, v.Id);
            if (slot < 0 || slot >= l.Slots || !s.GetBool(l.DirNow[a, slot]) || v.Data != s.GetInt(l.DataNow[a, slot]))
            {
                return false;
            }
        }

        return true;
    }

    private bool SameSet(ulong model, ResourceSet impl, bool incarnations)
    {
        var code = Encode(impl, incarnations);
        return code != Unencodable && code == (incarnations ? model : layout.Strip(model));
    }

    private ulong Encode(ResourceSet set, bool incarnations)
    {
        var known = incarnations ? withIncarnations : withoutIncarnations;
        ref var code = ref CollectionsMarshal.GetValueRefOrAddDefault(known, set, out var exists);
        if (!exists)
        {
            code = EncodeNew(set, incarnations);
        }

        return code;
    }

    private ulong EncodeNew(ResourceSet set, bool incarnations)
    {
        var l = layout;
        ulong code = 0;
        foreach (var (role, amount) in set.Reservations)
        {
            if (amount == 0)
            {
                continue; // not written
            }

            var r = names.FindRole(role);
            if (r < 0 || r >= l.Roles || amount < 0 || amount > maxReserved)
            {
                return Unencodable;
            }

            code = l.WithReserved(code, r, (int)amount);
        }

        foreach (var v in set.Volumes)
        {
            var slot = names.FindSlot(v.Role, v.Id);
            var incarnation = incarnations ? v.Incarnation : 1;
            if (slot < 0 || slot >= l.Slots || l.Inc(code, slot) != 0 || incarnation < 1 || incarnation > maxIncarnation)
            {
                return Unencodable;
            }

            code = l.WithInc(code, slot, (int)incarnation);
        }

        return code;
    }
}
