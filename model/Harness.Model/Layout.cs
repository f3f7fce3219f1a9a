namespace Harness.Model;

/// <summary>A bit field inside a packed state: which word, where in it, and how wide.</summary>
public readonly record struct Field(int Word, int Shift, ulong Mask);

/// <summary>
/// The fixed bit layout of a packed <see cref="ModelState"/> for one set of bounds, and the packed
/// encoding of a checkpointed set. Widths are the smallest that hold every value the bounds allow,
/// so a state of the default bounds fits in three 64-bit words.
/// </summary>
public sealed class Layout
{
    /// <summary>Number of views of a checkpoint file: now, after a power loss that drops metadata, after one that keeps it.</summary>
    public const int FileViews = 3;

    private int _word;
    private int _bit;

    /// <summary>
    /// Builds the layout for the given bounds. <paramref name="groupViews"/> false lays every field out on its
    /// own even where <see cref="GroupedViews"/> could hold; the two layouts must explore the same states.
    /// </summary>
    public Layout(Bounds bounds, bool groupViews = true)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        bounds.Validate();
        Bounds = bounds;
        Agents = bounds.Agents;
        Roles = bounds.Roles;
        IdsPerRole = bounds.Ids;
        Slots = Roles * IdsPerRole;
        Capacity = bounds.EffectiveCapacity;

        // Incarnations are numbered 1..Operations per agent; 0 means "no volume" (or "no data"). A failover may give each
        // volume an agent reports, which the old master did not hold, a fresh incarnation too.
        IncBits = BitsFor(Math.Max(1, bounds.Operations + (bounds.Failovers * Slots)));
        ResBits = BitsFor(Capacity);
        SizeBits = BitsFor(bounds.MaxSize);
        SetBits = (Roles * ResBits) + (Slots * IncBits);
        FileBits = SetBits + 2;
        if (FileBits > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(bounds), "bounds too large for the packed state (a checkpointed set needs more than 62 bits)");
        }

        // Every accepted operation sends at most one message, and a registration empties the
        // connection before sending one: the connection never holds more than Operations + 1.
        ChannelCapacity = bounds.Operations + 1;
        var chanLenBits = BitsFor(ChannelCapacity);

        OpsLeft = Alloc(BitsFor(bounds.Operations));
        IoLeft = Alloc(BitsFor(bounds.IoErrors));
        CrashLeft = Alloc(BitsFor(bounds.Crashes));
        PowerLeft = Alloc(BitsFor(bounds.PowerLosses));
        LinkLeft = Alloc(BitsFor(bounds.LinkBreaks));

        // Without failovers these fields take no bits: a field with an empty mask reads 0 and ignores writes.
        FailoverLeft = bounds.Failovers > 0 ? Alloc(BitsFor(bounds.Failovers)) : default;

        MasterView = new Field[Agents];
        MasterConnected = new Field[Agents];
        Adopting = new Field[Agents];
        Creates = new Field[Agents];
        Status = new Field[Agents];
        ChannelLength = new Field[Agents];
        Memory = new Field[Agents];
        Channel = new Field[Agents, ChannelCapacity];
        ChannelMask = new ulong[Agents][];
        ViewGroup = new Field[Agents, FileViews];
        GroupedViews = groupViews && (2 * (SetBits + 2)) + (Slots * (1 + IncBits)) <= 64;
        VolumeSize = new Field[Agents, Slots];
        Info = new Field[Agents, FileViews];
        Target = new Field[Agents, FileViews];
        DirNow = new Field[Agents, Slots];
        DirDurable = new Field[Agents, Slots];
        DataNow = new Field[Agents, Slots];
        DataDurable = new Field[Agents, Slots];

        for (var a = 0; a < Agents; a++)
        {
            MasterView[a] = Alloc(SetBits);
            MasterConnected[a] = Alloc(1);
            Adopting[a] = bounds.Failovers > 0 ? Alloc(1) : default;
            Creates[a] = Alloc(IncBits);
            Status[a] = Alloc(2);
            ChannelLength[a] = Alloc(chanLenBits);
            Memory[a] = Alloc(SetBits);
            for (var i = 0; i < ChannelCapacity; i++)
            {
                Channel[a, i] = Alloc(SetBits);
            }

            for (var s = 0; s < Slots; s++)
            {
                VolumeSize[a, s] = Alloc(SizeBits);
            }

            AllocDiskViews(a);
        }

        // Checked before the masks below are marked: a field past the last word has no mask entry.
        Words = _word + (_bit > 0 ? 1 : 0);
        if (Words > ModelState.MaxWords)
        {
            throw new ArgumentOutOfRangeException(
                nameof(bounds), $"bounds too large for the packed state (needs {Words} of {ModelState.MaxWords} words)");
        }

        for (var a = 0; a < Agents; a++)
        {
            ChannelMask[a] = new ulong[ModelState.MaxWords];
            Mark(ChannelMask[a], ChannelLength[a]);
            for (var i = 0; i < ChannelCapacity; i++)
            {
                Mark(ChannelMask[a], Channel[a, i]);
            }
        }
    }

    /// <summary>The bounds this layout was built for.</summary>
    public Bounds Bounds { get; }

    /// <summary>Number of agents.</summary>
    public int Agents { get; }

    /// <summary>Number of roles.</summary>
    public int Roles { get; }

    /// <summary>Ids per role.</summary>
    public int IdsPerRole { get; }

    /// <summary>Volume slots per agent: one per (role, id).</summary>
    public int Slots { get; }

    /// <summary>Disk units per agent.</summary>
    public int Capacity { get; }

    /// <summary>Bits of an incarnation number.</summary>
    public int IncBits { get; }

    /// <summary>Bits of a reserved amount.</summary>
    public int ResBits { get; }

    /// <summary>Bits of a volume size.</summary>
    public int SizeBits { get; }

    /// <summary>Bits of a packed checkpointed set.</summary>
    public int SetBits { get; }

    /// <summary>Bits of a packed file content (kind and set).</summary>
    public int FileBits { get; }

    /// <summary>The most messages one connection can hold.</summary>
    public int ChannelCapacity { get; }

    /// <summary>64-bit words a state uses.</summary>
    public int Words { get; }

    /// <summary>Operations left to the frameworks.</summary>
    public Field OpsLeft { get; }

    /// <summary>I/O errors left.</summary>
    public Field IoLeft { get; }

    /// <summary>Crashes left.</summary>
    public Field CrashLeft { get; }

    /// <summary>Power losses left.</summary>
    public Field PowerLeft { get; }

    /// <summary>Link breaks left.</summary>
    public Field LinkLeft { get; }

    /// <summary>Master failovers left.</summary>
    public Field FailoverLeft { get; }

    /// <summary>
    /// Whether the master failed over since the agent last registered: its view of the agent is then only the ghost the
    /// harness keeps, and the agent's next registration replaces it with what the agent reports.
    /// </summary>
    public Field[] Adopting { get; }

    /// <summary>The master's view of each agent, with ghost incarnations.</summary>
    public Field[] MasterView { get; }

    /// <summary>Whether the master believes the agent connected.</summary>
    public Field[] MasterConnected { get; }

    /// <summary>CREATEs the master accepted for the agent; the next one gets incarnation this + 1.</summary>
    public Field[] Creates { get; }

    /// <summary>The agent's process status (<see cref="AgentStatus"/>).</summary>
    public Field[] Status { get; }

    /// <summary>Messages in flight to the agent.</summary>
    public Field[] ChannelLength { get; }

    /// <summary>The agent's in-memory checkpointed set.</summary>
    public Field[] Memory { get; }

    /// <summary>The messages in flight, oldest first.</summary>
    public Field[,] Channel { get; }

    /// <summary>The size the master holds for each volume.</summary>
    public Field[,] VolumeSize { get; }

    /// <summary><c>resources.info</c> in each <see cref="FileView"/>.</summary>
    public Field[,] Info { get; }

    /// <summary><c>resources.target</c> in each <see cref="FileView"/>.</summary>
    public Field[,] Target { get; }

    /// <summary>Whether the volume directory exists now.</summary>
    public Field[,] DirNow { get; }

    /// <summary>Whether the volume directory exists after a power loss that drops unsynced metadata.</summary>
    public Field[,] DirDurable { get; }

    /// <summary>The incarnation whose data the directory holds now (0: none).</summary>
    public Field[,] DataNow { get; }

    /// <summary>The incarnation whose data the durable directory holds.</summary>
    public Field[,] DataDurable { get; }

    /// <summary>
    /// Whether each view of an agent's disk (files, and for the present and durable views the directories)
    /// sits in one field with the same inner layout, so that a writeback or a power loss copies a view in
    /// one operation. True unless the bounds make a view wider than a word.
    /// </summary>
    public bool GroupedViews { get; }

    /// <summary>The whole of each disk view of an agent, when <see cref="GroupedViews"/>; the metadata view holds the files only.</summary>
    public Field[,] ViewGroup { get; }

    /// <summary>The bits of a view group that hold the two checkpoint files.</summary>
    public ulong FilesMask => (1UL << (2 * FileBits)) - 1;

    /// <summary>Per agent, the bits of every word that hold its connection (length and messages).</summary>
    public ulong[][] ChannelMask { get; }

    /// <summary>The role a slot belongs to.</summary>
    public int RoleOf(int slot) => slot / IdsPerRole;

    /// <summary>The incarnation of a slot in a packed set (0: no volume).</summary>
    public int Inc(ulong set, int slot) => (int)((set >> ((Roles * ResBits) + (slot * IncBits))) & ((1UL << IncBits) - 1));

    /// <summary>The set with a slot's incarnation replaced.</summary>
    public ulong WithInc(ulong set, int slot, int inc)
    {
        var shift = (Roles * ResBits) + (slot * IncBits);
        var mask = ((1UL << IncBits) - 1) << shift;
        return (set & ~mask) | (((ulong)inc << shift) & mask);
    }

    /// <summary>The reserved amount of a role in a packed set.</summary>
    public int Reserved(ulong set, int role) => (int)((set >> (role * ResBits)) & ((1UL << ResBits) - 1));

    /// <summary>The set with a role's reserved amount replaced.</summary>
    public ulong WithReserved(ulong set, int role, int amount)
    {
        var shift = role * ResBits;
        var mask = ((1UL << ResBits) - 1) << shift;
        return (set & ~mask) | (((ulong)amount << shift) & mask);
    }

    /// <summary>The set as the agent of a Mesos design sees it: every incarnation replaced by 1.</summary>
    public ulong Strip(ulong set)
    {
        for (var s = 0; s < Slots; s++)
        {
            if (Inc(set, s) != 0)
            {
                set = WithInc(set, s, 1);
            }
        }

        return set;
    }

    private void AllocDiskViews(int a)
    {
        if (!GroupedViews)
        {
            for (var v = 0; v < FileViews; v++)
            {
                Info[a, v] = Alloc(FileBits);
                Target[a, v] = Alloc(FileBits);
            }

            for (var s = 0; s < Slots; s++)
            {
                DirNow[a, s] = Alloc(1);
                DirDurable[a, s] = Alloc(1);
                DataNow[a, s] = Alloc(IncBits);
                DataDurable[a, s] = Alloc(IncBits);
            }

            return;
        }

        var files = 2 * FileBits;
        for (var v = 0; v < FileViews; v++)
        {
            var dirs = v == (int)FileView.KeepMetadata ? 0 : Slots * (1 + IncBits);
            var g = Alloc(files + dirs);
            ViewGroup[a, v] = g;
            Info[a, v] = Inside(g, 0, FileBits);
            Target[a, v] = Inside(g, FileBits, FileBits);
            for (var s = 0; s < dirs / (1 + IncBits); s++)
            {
                var dir = Inside(g, files + (s * (1 + IncBits)), 1);
                var data = Inside(g, files + (s * (1 + IncBits)) + 1, IncBits);
                if (v == (int)FileView.Now)
                {
                    DirNow[a, s] = dir;
                    DataNow[a, s] = data;
                }
                else
                {
                    DirDurable[a, s] = dir;
                    DataDurable[a, s] = data;
                }
            }
        }
    }

    private static Field Inside(Field group, int offset, int bits) => new(group.Word, group.Shift + offset, (1UL << bits) - 1);

    private static void Mark(ulong[] masks, Field f) => masks[f.Word] |= f.Mask << f.Shift;

    private static int BitsFor(int maxValue)
    {
        var bits = 1;
        while ((1L << bits) <= maxValue)
        {
            bits++;
        }

        return bits;
    }

    private Field Alloc(int bits)
    {
        if (_bit + bits > 64)
        {
            _word++;
            _bit = 0;
        }

        var f = new Field(_word, _bit, bits == 64 ? ulong.MaxValue : (1UL << bits) - 1);
        _bit += bits;
        if (_bit == 64)
        {
            _word++;
            _bit = 0;
        }

        return f;
    }
}

/// <summary>A two-dimensional table of fields (agent by slot, message or view), stored flat.</summary>
public sealed class FieldGrid
{
    private readonly Field[] _items;
    private readonly int _columns;

    /// <summary>Creates a table of <paramref name="rows"/> by <paramref name="columns"/> fields.</summary>
    public FieldGrid(int rows, int columns)
    {
        _items = new Field[rows * columns];
        _columns = columns;
    }

    /// <summary>The field at a row and column.</summary>
    public Field this[int row, int column]
    {
        get => _items[(row * _columns) + column];
        set => _items[(row * _columns) + column] = value;
    }
}
