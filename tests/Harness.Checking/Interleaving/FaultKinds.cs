namespace Harness.Checking.Interleaving;

/// <summary>The kinds of fault the interleaving harness may inject; each is drawn from Coyote's controlled choices.</summary>
[Flags]
public enum FaultKinds
{
    /// <summary>No faults: only the interleaving of master, agent and frameworks is explored.</summary>
    None = 0,

    /// <summary>A failed mkdir of a volume directory.</summary>
    Mkdir = 1,

    /// <summary>A failed rmdir of a volume directory.</summary>
    Rmdir = 2,

    /// <summary>A failed write of a checkpoint's temporary file.</summary>
    Write = 4,

    /// <summary>A failed rename of a checkpoint file.</summary>
    Rename = 8,

    /// <summary>An agent crash between two I/O steps, or at any moment the injector picks.</summary>
    Crash = 16,

    /// <summary>A power loss (drop or keep-metadata) of the agent's simulated disk, with a crash.</summary>
    PowerLoss = 32,

    /// <summary>A broken connection: messages in flight are lost, the agent stays up and re-registers later.</summary>
    BreakLink = 64,

    /// <summary>The master notices a dead connection late (or only at re-registration) and keeps accepting operations.</summary>
    LateNotice = 128,

    /// <summary>
    /// The operating system's writeback right after an I/O step of an update or a recovery: everything written so far becomes
    /// durable and the agent goes on. Drawn only with <see cref="PowerLoss"/> and while one can still follow, in a design
    /// whose writes are not durable at once: otherwise a flush changes nothing any later observation could see.
    /// </summary>
    Writeback = 256,

    /// <summary>A master failover: the master restarts with only its durable registry, every connection drops with what it carried, and the new master adopts what the agent reports when it re-registers.</summary>
    Failover = 512,

    /// <summary>Every I/O error.</summary>
    Io = Mkdir | Rmdir | Write | Rename,

    /// <summary>Every fault.</summary>
    All = Io | Crash | PowerLoss | BreakLink | LateNotice | Writeback | Failover,
}

/// <summary>Parsing and printing of <see cref="FaultKinds"/> lists such as <c>rmdir,late-notice</c>.</summary>
public static class FaultKindNames
{
    private static readonly (string Name, FaultKinds Kind)[] Names =
    [
        ("none", FaultKinds.None),
        ("all", FaultKinds.All),
        ("io", FaultKinds.Io),
        ("mkdir", FaultKinds.Mkdir),
        ("rmdir", FaultKinds.Rmdir),
        ("write", FaultKinds.Write),
        ("rename", FaultKinds.Rename),
        ("crash", FaultKinds.Crash),
        ("power-loss", FaultKinds.PowerLoss),
        ("break-link", FaultKinds.BreakLink),
        ("late-notice", FaultKinds.LateNotice),
        ("writeback", FaultKinds.Writeback),
        ("failover", FaultKinds.Failover),
    ];

    /// <summary>Every accepted name, for error messages and help.</summary>
    public static string Valid => string.Join(", ", Names.Select(n => n.Name));

    /// <summary>Parses a comma-separated list; throws <see cref="FormatException"/> naming the valid kinds otherwise.</summary>
    public static FaultKinds Parse(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var kinds = FaultKinds.None;
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Array.FindIndex(Names, n => string.Equals(n.Name, part, StringComparison.Ordinal));
            if (match < 0)
            {
                throw new FormatException($"unknown fault kind '{part}'; valid kinds: {Valid}");
            }

            kinds |= Names[match].Kind;
        }

        return kinds;
    }

    /// <summary>The shortest list that <see cref="Parse"/> reads back as <paramref name="kinds"/>.</summary>
    public static string Format(FaultKinds kinds)
    {
        if (kinds == FaultKinds.All)
        {
            return "all";
        }

        if (kinds == FaultKinds.None)
        {
            return "none";
        }

        var parts = new List<string>();
        var rest = kinds;
        if ((rest & FaultKinds.Io) == FaultKinds.Io)
        {
            parts.Add("io");
            rest &= ~FaultKinds.Io;
        }

        foreach (var (name, kind) in Names.Skip(3))
        {
            if ((rest & kind) != 0)
            {
                parts.Add(name);
            }
        }

        return string.Join(",", parts);
    }
}
