using System.Globalization;

namespace Harness.Checking.Interleaving;

/// <summary>
/// What refinement saw over an exploration: how many executions it followed and how many it had to stop following
/// because an interleaving has no equivalent in the model, by reason. Shared by every execution of every engine of one
/// exploration, so it counts under a lock.
/// </summary>
public sealed class RefinementStatistics
{
    private readonly Lock gate = new();
    private readonly SortedDictionary<string, int> reasons = new(StringComparer.Ordinal);
    private int executions;
    private int unmappable;
    private int reordered;
    private int writebacks;

    /// <summary>Executions refinement followed (from their first registration on).</summary>
    public int Executions
    {
        get
        {
            lock (gate)
            {
                return executions;
            }
        }
    }

    /// <summary>Executions in which refinement stopped comparing because a step could not be mapped to the model.</summary>
    public int Unmappable
    {
        get
        {
            lock (gate)
            {
                return unmappable;
            }
        }
    }

    /// <summary>Tasks whose <c>use</c> was moved before master operations accepted after their launch (see <see cref="RefinementObserver"/>).</summary>
    public int Reordered
    {
        get
        {
            lock (gate)
            {
                return reordered;
            }
        }
    }

    /// <summary>Writebacks inside a delivery or recovery that refinement mapped to the model's writeback after a step.</summary>
    public int Writebacks
    {
        get
        {
            lock (gate)
            {
                return writebacks;
            }
        }
    }

    /// <summary>Unmappable executions by reason.</summary>
    public IReadOnlyDictionary<string, int> Reasons
    {
        get
        {
            lock (gate)
            {
                return new SortedDictionary<string, int>(reasons, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>One line for the exploration's summary.</summary>
    public string Summary()
    {
        lock (gate)
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"refinement followed {executions} execution(s) ({reordered} task(s) moved before later master operations{(writebacks == 0 ? "" : $", {writebacks} writeback(s) inside updates")}); {unmappable} left the model's reach");
            return reasons.Count == 0 ? text : text + ": " + string.Join("; ", reasons.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Value} x {r.Key}")));
        }
    }

    internal void Started()
    {
        lock (gate)
        {
            executions++;
        }
    }

    internal void RecordReordered()
    {
        lock (gate)
        {
            reordered++;
        }
    }

    internal void RecordWriteback()
    {
        lock (gate)
        {
            writebacks++;
        }
    }

    internal void RecordUnmappable(string reason)
    {
        lock (gate)
        {
            unmappable++;
            reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
        }
    }
}
