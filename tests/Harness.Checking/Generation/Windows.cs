using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>The four windows of the review and the failover window, which generated scenarios are biased to reach.</summary>
public enum Window
{
    /// <summary>An rmdir fault after a DESTROY, with a CREATE of the same id before the DESTROY is re-applied.</summary>
    W1,

    /// <summary>A link break while a DESTROY is in flight, then a CREATE of the same id.</summary>
    W2,

    /// <summary>A crash or power loss armed at an I/O step of an update or a recovery.</summary>
    W3,

    /// <summary>A power loss after a write that no writeback made durable.</summary>
    W4,

    /// <summary>The master fails over while a CREATE or DESTROY is in flight, and the agent then registers with the new master.</summary>
    W5,
}

/// <summary>Decides from a scenario's lines which windows it reaches.</summary>
public static class WindowClassifier
{
    /// <summary>Every window, in order.</summary>
    public static IReadOnlyList<Window> All { get; } = [Window.W1, Window.W2, Window.W3, Window.W4, Window.W5];

    /// <summary>The windows <paramref name="scenario"/> reaches; see docs/conformance.md for the exact rules.</summary>
    public static IReadOnlyList<Window> Classify(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var lines = scenario.Commands;
        var hits = new List<Window>();
        if (HitsW1(lines))
        {
            hits.Add(Window.W1);
        }

        if (HitsW2(lines))
        {
            hits.Add(Window.W2);
        }

        if (lines.Any(c => c.Kind is CommandKind.Crash or CommandKind.PowerLoss && c.Step is not null))
        {
            hits.Add(Window.W3);
        }

        if (HitsW4(lines))
        {
            hits.Add(Window.W4);
        }

        if (HitsW5(lines))
        {
            hits.Add(Window.W5);
        }

        return hits;
    }

    private static bool Runs(ScenarioCommand c) => c.Kind is CommandKind.Deliver or CommandKind.Restart;

    private static bool SameVolume(ScenarioCommand a, string? role, string? id) => a.Role == role && a.Id == id;

    // W1: line d `destroy R/I`; a later line f arms a fault at `rmdir R/I` (fail, crash or power loss after it) with no
    // other `destroy R/I` between; f' is the first deliver/restart after f (where it fires) and r the first one after f'
    // (where the DESTROY is tried again); some `create R/I` lies strictly between d and r.
    private static bool HitsW1(IReadOnlyList<ScenarioCommand> lines)
    {
        for (var f = 0; f < lines.Count; f++)
        {
            var arm = lines[f];
            // An armed writeback is no fault: the rmdir it follows succeeds.
            if (!arm.Arms || arm.Kind == CommandKind.Writeback || arm.Step is not { Kind: StepKind.Rmdir } step)
            {
                continue;
            }

            var d = LastIndex(lines, f, c => c.Kind == CommandKind.Destroy && SameVolume(c, step.Role, step.Id));
            if (d < 0)
            {
                continue;
            }

            var fired = NextIndex(lines, f + 1, Runs);
            var retried = fired < 0 ? lines.Count : NextIndex(lines, fired + 1, Runs);
            retried = retried < 0 ? lines.Count : retried;
            for (var c = d + 1; c < retried; c++)
            {
                if (lines[c].Kind == CommandKind.Create && SameVolume(lines[c], step.Role, step.Id))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // W2: line d `destroy R/I`; a later `break link` with no deliver, restart, crash or power loss between (the DESTROY's
    // message is still in flight and is lost); then a `create R/I` after the break.
    private static bool HitsW2(IReadOnlyList<ScenarioCommand> lines)
    {
        for (var b = 0; b < lines.Count; b++)
        {
            if (lines[b].Kind != CommandKind.BreakLink)
            {
                continue;
            }

            for (var d = b - 1; d >= 0 && !(Runs(lines[d]) || (lines[d].Kind is CommandKind.Crash or CommandKind.PowerLoss && lines[d].Step is null)); d--)
            {
                var destroy = lines[d];
                if (destroy.Kind == CommandKind.Destroy &&
                    lines.Skip(b + 1).Any(c => c.Kind == CommandKind.Create && SameVolume(c, destroy.Role, destroy.Id)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // W4: a `power-loss` line (immediate or armed) with, since the last writeback or power loss, a deliver or restart that
    // followed some accepted-or-not master operation (so the agent wrote a checkpoint or a directory).
    private static bool HitsW4(IReadOnlyList<ScenarioCommand> lines)
    {
        var operationSeen = false;
        var writeSinceDurable = false;
        foreach (var c in lines)
        {
            switch (c.Kind)
            {
                case CommandKind.Reserve or CommandKind.Unreserve or CommandKind.Create or CommandKind.Destroy:
                    operationSeen = true;
                    break;
                case CommandKind.Deliver or CommandKind.Restart when operationSeen:
                    writeSinceDurable = true;
                    break;
                case CommandKind.Writeback:
                    writeSinceDurable = false;
                    break;
                case CommandKind.PowerLoss:
                    if (writeSinceDurable || (c.Step is not null && operationSeen))
                    {
                        return true;
                    }

                    writeSinceDurable = false;
                    break;
                default:
                    break;
            }
        }

        return false;
    }

    // W5: a `master fails over` line f; before it a `create` or `destroy` line of some agent A with no deliver, restart,
    // crash, power loss or break link of A between (its message is still in flight and is lost); after f a `reconnect` or
    // `restart` of A (where the new master adopts what A reports).
    private static bool HitsW5(IReadOnlyList<ScenarioCommand> lines)
    {
        for (var f = 0; f < lines.Count; f++)
        {
            if (lines[f].Kind != CommandKind.Failover)
            {
                continue;
            }

            var inFlight = new HashSet<int>();
            var stopped = new HashSet<int>();
            for (var d = f - 1; d >= 0; d--)
            {
                var c = lines[d];
                if (Runs(c) || c.Kind is CommandKind.BreakLink || (c.Kind is CommandKind.Crash or CommandKind.PowerLoss && c.Step is null) ||
                    c.Kind == CommandKind.Failover)
                {
                    stopped.Add(c.Agent);
                }
                else if (c.Kind is CommandKind.Create or CommandKind.Destroy && !stopped.Contains(c.Agent))
                {
                    inFlight.Add(c.Agent);
                }
            }

            if (lines.Skip(f + 1).Any(c => c.Kind is CommandKind.Reconnect or CommandKind.Restart && inFlight.Contains(c.Agent)))
            {
                return true;
            }
        }

        return false;
    }

    private static int LastIndex(IReadOnlyList<ScenarioCommand> lines, int before, Func<ScenarioCommand, bool> match)
    {
        for (var i = before - 1; i >= 0; i--)
        {
            if (match(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int NextIndex(IReadOnlyList<ScenarioCommand> lines, int from, Func<ScenarioCommand, bool> match)
    {
        for (var i = from; i < lines.Count; i++)
        {
            if (match(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
