using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;

namespace Harness.Impl.Storage;

/// <summary>What a power loss keeps of the operations that were not made durable.</summary>
public enum PowerLossMode
{
    /// <summary>Every unsynced operation is lost: file data reverts to its last fsync, directory entries to their parent's last fsync.</summary>
    Drop = 0,

    /// <summary>Directory entries survive (as a journal may commit them) but unsynced file data is lost: a file renamed into place without fsync reads back empty.</summary>
    KeepMetadata = 1,
}

/// <summary>
/// An in-memory disk with crash semantics. It is built like inodes: a file has volatile and durable data; a directory
/// has volatile and durable entries (name to inode). <see cref="IFileSystem.FsyncFile"/> makes a file's data durable,
/// <see cref="IFileSystem.FsyncDirectory"/> makes a directory's entries durable; <see cref="PowerLoss"/> throws away the rest.
/// It mirrors <see cref="LocalFileSystem"/> in which operations fail and how (the property tests compare them).
/// </summary>
public sealed class SimulatedFileSystem : IFileSystem
{
    private readonly DirectoryNode root = new();

    /// <summary>How many crashes and power losses this disk has been through.</summary>
    public int Failures { get; private set; }

    /// <summary>A crash of the process: every completed operation is kept, so the disk does not change.</summary>
    public void Crash()
    {
        // The page cache survives a process crash, so only the count changes; the method exists so a harness reads as the semantics.
        Failures++;
    }

    /// <summary>A power loss: what was not durable is lost according to <paramref name="mode"/>, then everything left is durable.</summary>
    public void PowerLoss(PowerLossMode mode)
    {
        Failures++;
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        Revert(root, mode, visited);
    }

    /// <summary>The kernel's periodic flush: everything written so far becomes durable.</summary>
    public void Writeback()
    {
        var visited = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        MakeDurable(root, visited);
    }

    /// <inheritdoc/>
    public void CreateDirectory(string path)
    {
        WorkPath.EnsureConfined(path);
        var current = root;
        var rest = path.AsSpan();
        while (rest.Length > 0)
        {
            var segment = NextSegment(ref rest);
            if (!current.TryGet(segment, out var next))
            {
                next = new DirectoryNode();
                current.Set(segment, next);
            }

            current = next as DirectoryNode ?? throw new IOException($"Cannot create directory '{path}': '{segment}' is a file");
        }
    }

    /// <inheritdoc/>
    public bool DeleteDirectory(string path)
    {
        RequireNotRoot(path, "remove");
        var parent = FindDirectory(WorkPath.ParentSpan(path));
        var name = WorkPath.NameSpan(path);
        if (parent is null || !parent.TryGet(name, out var node))
        {
            return false;
        }

        if (node is not DirectoryNode)
        {
            throw new IOException($"Cannot remove directory '{path}': it is a file");
        }

        // Only the parent's entry goes: the detached inode keeps its own entries, which is what a power loss may bring back.
        parent.Remove(name);
        return true;
    }

    /// <inheritdoc/>
    public void WriteFile(string path, ReadOnlySpan<byte> contents)
    {
        RequireNotRoot(path, "write");
        var parent = FindDirectory(WorkPath.ParentSpan(path))
            ?? throw new DirectoryNotFoundException($"Cannot write '{path}': its directory does not exist");
        var name = WorkPath.NameSpan(path);
        if (parent.TryGet(name, out var node))
        {
            var file = node as FileNode ?? throw new IOException($"Cannot write '{path}': it is a directory");
            file.Data = contents.ToArray();
        }
        else
        {
            parent.Set(name, new FileNode { Data = contents.ToArray() });
        }
    }

    /// <inheritdoc/>
    public void FsyncFile(string path)
    {
        var file = FindFile(path, "fsync");
        file.DurableData = file.Data;
    }

    /// <inheritdoc/>
    public void Rename(string source, string destination)
    {
        var (from, to) = (source, destination);
        RequireNotRoot(from, "rename");
        RequireNotRoot(to, "rename");
        var fromParent = FindDirectory(WorkPath.ParentSpan(from));
        if (fromParent is null || !fromParent.TryGet(WorkPath.NameSpan(from), out var node) || node is not FileNode)
        {
            throw new FileNotFoundException($"Cannot rename '{from}': no such file");
        }

        var toParent = FindDirectory(WorkPath.ParentSpan(to))
            ?? throw new DirectoryNotFoundException($"Cannot rename to '{to}': its directory does not exist");
        if (toParent.TryGet(WorkPath.NameSpan(to), out var existing) && existing is DirectoryNode)
        {
            throw new IOException($"Cannot rename to '{to}': it is a directory");
        }

        if (from == to)
        {
            return;
        }

        fromParent.Remove(WorkPath.NameSpan(from));
        toParent.Set(WorkPath.NameSpan(to), node);
    }

    /// <inheritdoc/>
    public void FsyncDirectory(string path)
    {
        WorkPath.EnsureConfined(path);
        var directory = FindDirectory(path) ?? throw new DirectoryNotFoundException($"Cannot fsync directory '{path}': it does not exist");
        directory.MakeEntriesDurable();
    }

    /// <inheritdoc/>
    public bool FileExists(string path)
    {
        WorkPath.EnsureConfined(path);
        return Find(path) is FileNode;
    }

    /// <inheritdoc/>
    public bool DirectoryExists(string path)
    {
        WorkPath.EnsureConfined(path);
        return Find(path) is DirectoryNode;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ListDirectories(string path) => List(path, directories: true);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string path) => List(path, directories: false);

    /// <inheritdoc/>
    public byte[] ReadFile(string path) => FindFile(path, "read").Data.ToArray();

    private ReadOnlyCollection<string> List(string path, bool directories)
    {
        WorkPath.EnsureConfined(path);
        var directory = FindDirectory(path) ?? throw new DirectoryNotFoundException($"Cannot list '{path}': no such directory");
        return directory.Listing(directories);
    }

    private FileNode FindFile(string path, string verb)
    {
        RequireNotRoot(path, verb);
        return Find(path) switch
        {
            FileNode file => file,
            DirectoryNode => throw new IOException($"Cannot {verb} '{path}': it is a directory"),
            _ => throw new FileNotFoundException($"Cannot {verb} '{path}': no such file"),
        };
    }

    private DirectoryNode? FindDirectory(ReadOnlySpan<char> path) => Find(path) as DirectoryNode;

    private Node? Find(ReadOnlySpan<char> path)
    {
        Node current = root;
        while (path.Length > 0)
        {
            var segment = NextSegment(ref path);
            if (current is not DirectoryNode directory || !directory.TryGet(segment, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    // The next segment of a path every public method has confined first (WorkPath.EnsureConfined), so none is empty.
    private static ReadOnlySpan<char> NextSegment(ref ReadOnlySpan<char> rest)
    {
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            var last = rest;
            rest = default;
            return last;
        }

        var segment = rest[..slash];
        rest = rest[(slash + 1)..];
        return segment;
    }

    private static void RequireNotRoot(string path, string verb)
    {
        WorkPath.EnsureConfined(path);
        if (path.Length == 0)
        {
            throw new IOException($"Cannot {verb} the work directory itself");
        }
    }

    private static void Revert(Node node, PowerLossMode mode, HashSet<Node> visited)
    {
        if (!visited.Add(node))
        {
            return;
        }

        switch (node)
        {
            case FileNode file:
                file.Data = file.DurableData;
                break;
            case DirectoryNode directory:
                if (mode == PowerLossMode.Drop)
                {
                    directory.RevertEntries();
                }
                else
                {
                    directory.MakeEntriesDurable();
                }

                foreach (var child in directory.Children)
                {
                    Revert(child, mode, visited);
                }

                break;
        }
    }

    private static void MakeDurable(Node node, HashSet<Node> visited)
    {
        if (!visited.Add(node))
        {
            return;
        }

        switch (node)
        {
            case FileNode file:
                file.DurableData = file.Data;
                break;
            case DirectoryNode directory:
                directory.MakeEntriesDurable();
                foreach (var child in directory.Children)
                {
                    MakeDurable(child, visited);
                }

                break;
        }
    }

    private abstract class Node;

    private sealed class FileNode : Node
    {
        // Arrays are never mutated after assignment, so sharing one between Data and DurableData is safe.
        public byte[] Data { get; set; } = [];

        // A new inode's durable data is empty: that is what a file renamed into place without fsync reads back as.
        public byte[] DurableData { get; set; } = [];
    }

    /// <summary>
    /// A directory inode: its entries now and as last made durable. Every change goes through <see cref="Set"/> and
    /// <see cref="Remove"/>, so the inode knows when the two are equal (an fsync then has nothing to copy) and keeps its
    /// sorted listings until the entries change.
    /// </summary>
    private sealed class DirectoryNode : Node
    {
        private Dictionary<string, Node> entries = new(StringComparer.Ordinal);
        private Dictionary<string, Node> durableEntries = new(StringComparer.Ordinal);
        private Dictionary<string, Node>.AlternateLookup<ReadOnlySpan<char>> lookup;
        private bool durableIsCurrent = true;
        private ReadOnlyCollection<string>? directories;
        private ReadOnlyCollection<string>? files;

        public DirectoryNode() => lookup = entries.GetAlternateLookup<ReadOnlySpan<char>>();

        public Dictionary<string, Node>.ValueCollection Children => entries.Values;

        public bool TryGet(ReadOnlySpan<char> name, [NotNullWhen(true)] out Node? node) => lookup.TryGetValue(name, out node);

        public void Set(ReadOnlySpan<char> name, Node node)
        {
            lookup[name] = node;
            Changed();
        }

        public void Remove(ReadOnlySpan<char> name)
        {
            if (lookup.Remove(name))
            {
                Changed();
            }
        }

        public void MakeEntriesDurable()
        {
            if (!durableIsCurrent)
            {
                durableEntries = new Dictionary<string, Node>(entries, StringComparer.Ordinal);
                durableIsCurrent = true;
            }
        }

        public void RevertEntries()
        {
            if (!durableIsCurrent)
            {
                entries = new Dictionary<string, Node>(durableEntries, StringComparer.Ordinal);
                lookup = entries.GetAlternateLookup<ReadOnlySpan<char>>();
                directories = files = null;
                durableIsCurrent = true;
            }
        }

        public ReadOnlyCollection<string> Listing(bool ofDirectories)
        {
            ref var cached = ref ofDirectories ? ref directories : ref files;
            if (cached is null)
            {
                var names = new List<string>();
                foreach (var (name, node) in entries)
                {
                    if (node is DirectoryNode == ofDirectories)
                    {
                        names.Add(name);
                    }
                }

                names.Sort(StringComparer.Ordinal);
                cached = names.AsReadOnly();
            }

            return cached;
        }

        private void Changed()
        {
            durableIsCurrent = false;
            directories = files = null;
        }
    }
}
