using BenchmarkDotNet.Attributes;
using Harness.Impl.Agents;
using Harness.Impl.Resources;
using Harness.Impl.Storage;

namespace Harness.Benchmarks;

/// <summary>
/// One durable CheckpointResources update of the target-incarnation agent on the real disk, against the physical bound:
/// a bare durable file replacement (write temp, fsync, rename, fsync directory) on the same disk.
/// </summary>
[MemoryDiagnoser]
public class CheckpointUpdateBenchmarks : IDisposable
{
    private const string Role = "r1";
    private string workDirectory = "";
    private LocalFileSystem disk = null!;
    private Agent agent = null!;
    private ResourceSet withoutVolume = ResourceSet.Empty;
    private ResourceSet withVolume = ResourceSet.Empty;
    private byte[] payload = [];
    private bool volumeExists;

    [GlobalSetup]
    public void Setup()
    {
        workDirectory = Path.Combine(Path.GetTempPath(), "harness-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        disk = new LocalFileSystem(workDirectory);
        agent = Agent.Start(AgentDesign.TargetIncarnation, disk);
        withoutVolume = ResourceSet.Create([KeyValuePair.Create(Role, 10L)], []);
        withVolume = withoutVolume.WithVolume(new Volume(Role, "v1", 4, 1));
        // Creates the role directory once, so every measured update is a steady-state create or destroy.
        agent.CheckpointResources(withVolume);
        volumeExists = true;
        payload = CheckpointCodec.Encode(withVolume);
        disk.CreateDirectory("bound");
    }

    /// <summary>Alternates creating and destroying one volume, so each iteration is one full update of the same size.</summary>
    [Benchmark]
    public CheckpointOutcome TargetIncarnationUpdate()
    {
        var reply = agent.CheckpointResources(volumeExists ? withoutVolume : withVolume);
        volumeExists = !volumeExists;
        return reply.Outcome;
    }

    /// <summary>The physical bound: one durable atomic file replacement.</summary>
    [Benchmark(Baseline = true)]
    public void DurableReplaceBound()
    {
        disk.WriteFile("bound/file.tmp", payload);
        disk.FsyncFile("bound/file.tmp");
        disk.Rename("bound/file.tmp", "bound/file");
        disk.FsyncDirectory("bound");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        if (Directory.Exists(workDirectory))
        {
            Directory.Delete(workDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
