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
        foreach (var segment in Segments(path))
        {
            if (!current.Entries.TryGetValue(segment, out var next))
            {
                next = new DirectoryNode();
                current.Entries[segment] = next;
            }

            current = next as DirectoryNode ?? throw new IOException($"Cannot create directory '{path}': '{segment}' is a file");
        }
    }

    /// <inheritdoc/>
    public bool DeleteDirectory(string path)
    {
        RequireNotRoot(path, "remove");
        var parent = FindDirectory(WorkPath.Parent(path));
        if (parent is null || !parent.Entries.TryGetValue(WorkPath.Name(path), out var node))
        {
            return false;
        }

        if (node is not DirectoryNode)
        {
            throw new IOException($"Cannot remove directory '{path}': it is a file");
        }

        // Only the parent's entry goes: the detached inode keeps its own entries, which is what a power loss may bring back.
        parent.Entries.Remove(WorkPath.Name(path));
        return true;
    }

    /// <inheritdoc/>
    public void WriteFile(string path, ReadOnlySpan<byte> contents)
    {
        RequireNotRoot(path, "write");
        var parent = FindDirectory(WorkPath.Parent(path))
            ?? throw new DirectoryNotFoundException($"Cannot write '{path}': its directory does not exist");
        var name = WorkPath.Name(path);
        if (parent.Entries.TryGetValue(name, out var node))
        {
            var file = node as FileNode ?? throw new IOException($"Cannot write '{path}': it is a directory");
            file.Data = contents.ToArray();
        }
        else
        {
            parent.Entries[name] = new FileNode { Data = contents.ToArray() };
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
        var fromParent = FindDirectory(WorkPath.Parent(from));
        if (fromParent is null || !fromParent.Entries.TryGetValue(WorkPath.Name(from), out var node) || node is not FileNode)
        {
            throw new FileNotFoundException($"Cannot rename '{from}': no such file");
        }

        var toParent = FindDirectory(WorkPath.Parent(to))
            ?? throw new DirectoryNotFoundException($"Cannot rename to '{to}': its directory does not exist");
        if (toParent.Entries.TryGetValue(WorkPath.Name(to), out var existing) && existing is DirectoryNode)
        {
            throw new IOException($"Cannot rename to '{to}': it is a directory");
        }

        if (from == to)
        {
            return;
        }

        fromParent.Entries.Remove(WorkPath.Name(from));
        toParent.Entries[WorkPath.Name(to)] = node;
    }

    /// <inheritdoc/>
    public void FsyncDirectory(string path)
    {
        WorkPath.EnsureConfined(path);
        var directory = FindDirectory(path) ?? throw new DirectoryNotFoundException($"Cannot fsync directory '{path}': it does not exist");
        directory.DurableEntries = new Dictionary<string, Node>(directory.Entries, StringComparer.Ordinal);
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

    private List<string> List(string path, bool directories)
    {
        WorkPath.EnsureConfined(path);
        var directory = FindDirectory(path) ?? throw new DirectoryNotFoundException($"Cannot list '{path}': no such directory");
        return directory.Entries
            .Where(e => e.Value is DirectoryNode == directories)
            .Select(e => e.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
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

    private DirectoryNode? FindDirectory(string path) => Find(path) as DirectoryNode;

    private Node? Find(string path)
    {
        Node current = root;
        foreach (var segment in Segments(path))
        {
            if (current is not DirectoryNode directory || !directory.Entries.TryGetValue(segment, out var next))
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    private static string[] Segments(string path) =>
        path.Length == 0 ? [] : path.Split('/');

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
                    directory.Entries = new Dictionary<string, Node>(directory.DurableEntries, StringComparer.Ordinal);
                }
                else
                {
                    directory.DurableEntries = new Dictionary<string, Node>(directory.Entries, StringComparer.Ordinal);
                }

                foreach (var child in directory.Entries.Values)
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
                directory.DurableEntries = new Dictionary<string, Node>(directory.Entries, StringComparer.Ordinal);
                foreach (var child in directory.Entries.Values)
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

    private sealed class DirectoryNode : Node
    {
        public Dictionary<string, Node> Entries { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, Node> DurableEntries { get; set; } = new(StringComparer.Ordinal);
    }
}
