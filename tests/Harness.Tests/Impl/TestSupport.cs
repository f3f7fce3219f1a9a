using Xunit;
using Harness.Impl.Agents;
using Harness.Impl.Masters;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Harness.Impl.Storage;

namespace Harness.Tests.Impl;

/// <summary>A temporary directory on the real disk, removed on dispose, so each real-disk test has its own.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "harness-impl-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string CreateSubdirectory(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>One master, one transport and one agent on a simulated disk with fault injection: the pieces a harness drives.</summary>
internal sealed class Cluster
{
    public const string AgentId = "agent-1";

    public Cluster(AgentDesign design, long capacity = 100, IFileSystem? disk = null)
    {
        Design = design;
        Disk = disk ?? new SimulatedFileSystem();
        Faults = new FaultInjectingFileSystem(Disk);
        Master = new Master(Transport, capacity, sendIncarnations: design == AgentDesign.TargetIncarnation);
        Agent = Harness.Impl.Agents.Agent.Start(design, Faults);
        Master.Register(AgentId, Agent.Resources);
    }

    public AgentDesign Design { get; }

    public IFileSystem Disk { get; }

    public FaultInjectingFileSystem Faults { get; }

    public QueuedTransport Transport { get; } = new();

    public Master Master { get; }

    public Agent Agent { get; private set; }

    /// <summary>Delivers the next message; an exit or crash kills the connection, as the process death would.</summary>
    public AgentReply? DeliverNext()
    {
        if (!Transport.TryDeliverNext(AgentId, out var message))
        {
            return null;
        }

        try
        {
            return Agent.Handle(message);
        }
        catch (Exception e) when (e is AgentExitedException or SimulatedCrashException)
        {
            Transport.Break(AgentId);
            throw;
        }
    }

    public List<AgentReply> DeliverAll()
    {
        var replies = new List<AgentReply>();
        while (DeliverNext() is { } reply)
        {
            replies.Add(reply);
        }

        return replies;
    }

    public void Accept(ResourceOperation operation)
    {
        var result = Master.Apply(AgentId, operation);
        Assert.True(result.IsAccepted, result.Error);
    }

    /// <summary>Applies and delivers, expecting the agent to apply it.</summary>
    public void AcceptAndApply(ResourceOperation operation)
    {
        Accept(operation);
        var reply = Assert.IsType<CheckpointReply>(DeliverNext());
        Assert.Equal(CheckpointOutcome.Applied, reply.Outcome);
    }

    /// <summary>Starts a new agent life from the disk and re-registers it.</summary>
    public void Restart()
    {
        Agent = Harness.Impl.Agents.Agent.Start(Design, Faults);
        Master.Register(AgentId, Agent.Resources);
    }

    public TaskReply RunTask(string role, string id)
    {
        Assert.True(Master.LaunchTask(AgentId, role, id).IsAccepted);
        return Assert.IsType<TaskReply>(DeliverNext());
    }

    public ResourceSet? ReadCheckpoint(string path) =>
        Disk.FileExists(path) ? CheckpointCodec.Decode(Disk.ReadFile(path), path) : null;
}

internal static class Sets
{
    public static ResourceSet Of(IEnumerable<(string Role, long Amount)> reservations, params Volume[] volumes) =>
        ResourceSet.Create(reservations.Select(r => KeyValuePair.Create(r.Role, r.Amount)), volumes);

    public static ResourceSet Of((string Role, long Amount) reservation, params Volume[] volumes) =>
        Of([reservation], volumes);
}
