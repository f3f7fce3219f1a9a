using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Harness.Impl.Storage;
using Xunit;

namespace Harness.Tests.Impl;

/// <summary>One file-system operation of a generated sequence; ToString reads like a script line.</summary>
public sealed record FsAction(FsOp Op, string Path, string Other, string Contents)
{
    public override string ToString() => Op switch
    {
        FsOp.Write => $"write {Path} '{Contents}'",
        FsOp.Rename => $"rename {Path} {Other}",
        FsOp.Fsync => Other.Length == 0 ? $"fsync-file {Path}" : $"fsync-dir {Path}",
        _ => $"{Op.ToString().ToLowerInvariant()} {Path}",
    };

    public void ApplyTo(IFileSystem fs)
    {
        switch (Op)
        {
            case FsOp.Mkdir: fs.CreateDirectory(Path); break;
            case FsOp.Rmdir: fs.DeleteDirectory(Path); break;
            case FsOp.Write: fs.WriteFile(Path, Encoding.UTF8.GetBytes(Contents)); break;
            case FsOp.Rename: fs.Rename(Path, Other); break;
            case FsOp.Fsync when Other.Length == 0: fs.FsyncFile(Path); break;
            case FsOp.Fsync: fs.FsyncDirectory(Path); break;
        }
    }
}

public class FileSystemEquivalenceTests
{
    // Few names so that sequences collide often: writes over directories, renames onto missing parents, and so on.
    private static readonly Gen<string> Paths =
        Gen.Elements("a", "b", "a/b", "a/c", "b/a", "a/b/c").Select(p => p);

    private static readonly Gen<FsAction> Actions =
        from op in Gen.Elements(FsOp.Mkdir, FsOp.Rmdir, FsOp.Write, FsOp.Write, FsOp.Rename, FsOp.Fsync)
        from path in Paths
        from other in Paths
        from directorySync in Gen.Elements(true, false)
        from contents in Gen.Elements("", "x", "yz")
        select new FsAction(op, path, op == FsOp.Fsync ? (directorySync ? "dir" : "") : other, contents);

    private static readonly Arbitrary<FsAction[]> Sequences =
        Arb.From(Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Actions, n)));

    [Fact]
    public void LocalAndSimulated_SameOperations_SameOutcomesAndTree()
    {
        var property = Prop.ForAll(Sequences, actions =>
        {
            using var temp = new TempDirectory();
            var real = new LocalFileSystem(temp.Path);
            var simulated = new SimulatedFileSystem();
            foreach (var action in actions)
            {
                var realFailed = Fails(() => action.ApplyTo(real));
                var simulatedFailed = Fails(() => action.ApplyTo(simulated));
                if (realFailed != simulatedFailed)
                {
                    return false.Label($"{action}: real {(realFailed ? "failed" : "succeeded")}, simulated did not");
                }
            }

            var realTree = string.Join(Environment.NewLine, FileSystemTree.Capture(real));
            var simulatedTree = string.Join(Environment.NewLine, FileSystemTree.Capture(simulated));
            return (realTree == simulatedTree).Label($"trees differ:\n{realTree}\n--- simulated ---\n{simulatedTree}");
        });

        // A fixed seed keeps the run deterministic; 2500 sequences of up to 8 steps each.
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(2500).WithReplay(20240613UL, 977UL));
    }

    private static bool Fails(Action action)
    {
        try
        {
            action();
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
