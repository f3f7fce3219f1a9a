using System.Reflection;

namespace Harness.Model;

/// <summary>
/// Symmetry reduction: puts a state in a canonical form shared by every state that differs from it only in
/// which agent is which and in the numbers of incarnations, so the checker stores one state per class.
/// <para>
/// Why this is sound. Two states with the same canonical form are bisimilar: every action of one is matched
/// by an action of the other (the same action, on the agent in the same place) whose results again share a
/// canonical form, with the same property violations. So a breadth-first search over canonical forms meets
/// every violation at the same depth and decides convergence the same way (docs/model-checker.md).
/// </para>
/// <list type="bullet">
/// <item><b>Agents are interchangeable.</b> The rules handle every agent's fields in the same way and read
/// another agent's fields nowhere; only the budgets (operations, faults) are shared, and they are global
/// fields. The canonical form sorts the per-agent blocks of fields.</item>
/// <item><b>Incarnation numbers are interchangeable</b> (data independence). The rules compare incarnations
/// only for equality and against zero (the delta, <c>Strip</c>, a task's fresh-volume check, the
/// no-data-loss check on rmdir, convergence), and a CREATE needs a number that is fresh on its agent, not a
/// particular one. Incarnations are numbered per agent, so the canonical form renumbers each agent's nonzero
/// incarnations 1..k in order of first appearance (master view, connection, memory, both checkpoint files in
/// every view, then the data of every directory in both views) and sets the agent's CREATE counter to k,
/// so the next CREATE still gets a number no field holds.</item>
/// <item><b>Persistence ids and roles are not interchangeable.</b> The agent applies a delta in (role, id)
/// order, so a crash after the first of two steps leaves the first volume's directory made and the second
/// one not. Its mirror image (the second made, the first not) is not what the mirrored transition reaches:
/// that one also makes the first volume's directory first. Sorting ids would merge states with different
/// futures (shown by <c>SymmetryTests.Transition_SwappingIds_DoesNotCommute</c>).</item>
/// </list>
/// A field added to <see cref="Layout"/> stays covered when it is per agent (a <see cref="Field"/> array
/// indexed first by agent, which agent sorting moves along) and holds no incarnation; a new field that holds
/// incarnations must be renumbered here too, or the soundness test on every design fails.
/// </summary>
public sealed class Symmetry
{
    private readonly Layout _l;
    private readonly bool _agentSetsHoldIncarnations;
    private readonly Field[][] _agentFields;
    private readonly int _incMask;

    /// <summary>Creates the canonicaliser for a design at a layout.</summary>
    public Symmetry(Design design, Layout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _l = layout;

        // In the Mesos designs the agent's sets carry no incarnation: every volume reads 1 there (Layout.Strip),
        // which is a presence mark, not a label. Only the master's numbers and the directories' data are labels.
        _agentSetsHoldIncarnations = design.UsesIncarnations();
        _agentFields = PerAgentFields(layout);
        _incMask = (1 << layout.IncBits) - 1;
    }

    /// <summary>
    /// Every per-agent field of a layout, agent by agent in the same order: the <see cref="Field"/> arrays of the
    /// layout whose first dimension is the agent, without fields that another one of them contains.
    /// </summary>
    public static Field[][] PerAgentFields(Layout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var result = new Field[layout.Agents][];
        var properties = typeof(Layout).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        for (var a = 0; a < layout.Agents; a++)
        {
            var fields = new List<Field>();
            foreach (var p in properties)
            {
                switch (p.GetValue(layout))
                {
                    case Field[] row when row.Length == layout.Agents:
                        fields.Add(row[a]);
                        break;
                    case Field[,] grid when grid.GetLength(0) == layout.Agents:
                        for (var j = 0; j < grid.GetLength(1); j++)
                        {
                            fields.Add(grid[a, j]);
                        }

                        break;
                    default:
                        break;
                }
            }

            // A view group holds the fields inside it; moving both would move the same bits twice.
            result[a] = [.. fields.Where(f => f.Mask != 0 && !fields.Any(g => g != f && Contains(g, f))).Distinct()];
        }

        return result;
    }

    /// <summary>Puts <paramref name="s"/> in its canonical form.</summary>
    public void Canonicalize(ref ModelState s)
    {
        Span<int> map = stackalloc int[_incMask + 1];
        for (var a = 0; a < _l.Agents; a++)
        {
            RenumberIncarnations(ref s, a, map);
        }

        SortAgents(ref s);
    }

    private void RenumberIncarnations(ref ModelState s, int a, Span<int> map)
    {
        map.Clear();
        var next = 0;
        Relabel(ref s, _l.MasterView[a], 0, map, ref next);
        if (_agentSetsHoldIncarnations)
        {
            for (var i = 0; i < _l.ChannelCapacity; i++)
            {
                Relabel(ref s, _l.Channel[a, i], 0, map, ref next);
            }

            Relabel(ref s, _l.Memory[a], 0, map, ref next);
            for (var v = 0; v < Layout.FileViews; v++)
            {
                // A file field packs its kind in the low two bits and the set above them (FileContent.Packed).
                Relabel(ref s, _l.Info[a, v], 2, map, ref next);
                Relabel(ref s, _l.Target[a, v], 2, map, ref next);
            }
        }

        for (var slot = 0; slot < _l.Slots; slot++)
        {
            RelabelOne(ref s, _l.DataNow[a, slot], map, ref next);
            RelabelOne(ref s, _l.DataDurable[a, slot], map, ref next);
        }

        s.Set(_l.Creates[a], (ulong)next);
    }

    // Most fields are an empty set (a free channel slot, an absent file) or already numbered in order; those are read
    // and left as they are, since canonicalising runs on every transition the checker makes.
    private void Relabel(ref ModelState s, Field f, int setShift, Span<int> map, ref int next)
    {
        var packed = s.Get(f);
        var set = packed >> setShift;
        if (set == 0)
        {
            return;
        }

        var relabelled = set;
        for (var slot = 0; slot < _l.Slots; slot++)
        {
            var inc = _l.Inc(set, slot);
            if (inc != 0)
            {
                var label = Label(inc, map, ref next);
                if (label != inc)
                {
                    relabelled = _l.WithInc(relabelled, slot, label);
                }
            }
        }

        if (relabelled != set)
        {
            s.Set(f, (relabelled << setShift) | (packed & ((1UL << setShift) - 1)));
        }
    }

    private static void RelabelOne(ref ModelState s, Field f, Span<int> map, ref int next)
    {
        var inc = (int)s.Get(f);
        if (inc != 0)
        {
            var label = Label(inc, map, ref next);
            if (label != inc)
            {
                s.Set(f, (ulong)label);
            }
        }
    }

    private static int Label(int inc, Span<int> map, ref int next)
    {
        if (map[inc] == 0)
        {
            map[inc] = ++next;
        }

        return map[inc];
    }

    private void SortAgents(ref ModelState s)
    {
        // Insertion sort: at most three agents.
        for (var i = 1; i < _l.Agents; i++)
        {
            for (var j = i; j > 0 && Compare(in s, j - 1, j) > 0; j--)
            {
                Swap(ref s, j - 1, j);
            }
        }
    }

    private int Compare(in ModelState s, int a, int b)
    {
        Field[] fa = _agentFields[a], fb = _agentFields[b];
        for (var k = 0; k < fa.Length; k++)
        {
            var c = s.Get(fa[k]).CompareTo(s.Get(fb[k]));
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    private void Swap(ref ModelState s, int a, int b)
    {
        Field[] fa = _agentFields[a], fb = _agentFields[b];
        for (var k = 0; k < fa.Length; k++)
        {
            var va = s.Get(fa[k]);
            s.Set(fa[k], s.Get(fb[k]));
            s.Set(fb[k], va);
        }
    }

    private static bool Contains(Field outer, Field inner) =>
        outer.Word == inner.Word && outer.Shift <= inner.Shift &&
        inner.Shift + Width(inner) <= outer.Shift + Width(outer) && Width(outer) > Width(inner);

    private static int Width(Field f) => 64 - System.Numerics.BitOperations.LeadingZeroCount(f.Mask);
}
