using Harness.Impl.Masters;
using Harness.Impl.Messaging;
using Harness.Impl.Resources;
using Xunit;

namespace Harness.Tests.Impl;

public class MasterTests
{
    private const string Agent = "a1";

    private static (Master Master, QueuedTransport Transport) Connected(bool sendIncarnations = false, long capacity = 10)
    {
        var transport = new QueuedTransport();
        var master = new Master(transport, capacity, sendIncarnations);
        master.Register(Agent, ResourceSet.Empty);
        Assert.True(transport.TryDeliverNext(Agent, out _));
        return (master, transport);
    }

    [Theory]
    [InlineData(11, "Insufficient unreserved disk")]
    [InlineData(0, "must be positive")]
    public void Apply_InvalidReserve_RejectedAndNothingSent(long amount, string expected)
    {
        var (master, transport) = Connected();

        var result = master.Apply(Agent, new ReserveOperation("r1", amount));

        Assert.Equal(OperationStatus.Rejected, result.Status);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.Empty(transport.InFlight(Agent));
        Assert.Equal(ResourceSet.Empty, master.View(Agent));
    }

    [Fact]
    public void Apply_ReserveBeyondWhatIsStillUnreserved_Rejected()
    {
        // Within the disk's capacity but beyond what earlier reservations left: a check against the capacity alone passes it.
        var (master, transport) = Connected();
        Assert.True(master.Apply(Agent, new ReserveOperation("r1", 6)).IsAccepted);

        var result = master.Apply(Agent, new ReserveOperation("r2", 5));

        Assert.Equal(OperationStatus.Rejected, result.Status);
        Assert.Contains("Insufficient unreserved disk", result.Error, StringComparison.Ordinal);
        Assert.Single(transport.InFlight(Agent));
    }

    [Fact]
    public void Apply_CreateWithDuplicateId_PersistenceIdNotUnique()
    {
        var (master, _) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 10));
        master.Apply(Agent, new CreateOperation("r1", "v1", 2));

        var result = master.Apply(Agent, new CreateOperation("r1", "v1", 2));

        Assert.Contains("Persistence ID is not unique", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_CreateBeyondReservation_InsufficientReservedDisk()
    {
        var (master, _) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 3));
        master.Apply(Agent, new CreateOperation("r1", "v1", 2));

        var result = master.Apply(Agent, new CreateOperation("r1", "v2", 2));

        Assert.Contains("Insufficient reserved disk", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_DestroyUnknownVolume_PersistentVolumesNotFound()
    {
        var (master, _) = Connected();

        var result = master.Apply(Agent, new DestroyOperation("r1", "v1"));

        Assert.Contains("Persistent volumes not found", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void LaunchTask_AgentNotConnected_DroppedAndNothingSent()
    {
        var (master, transport) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 4));
        master.Apply(Agent, new CreateOperation("r1", "v1", 2));
        var inFlight = transport.InFlight(Agent).Count;
        master.NoticeDisconnect(Agent);

        var result = master.LaunchTask(Agent, "r1", "v1");

        Assert.Equal(OperationStatus.Dropped, result.Status);
        Assert.Equal(inFlight, transport.InFlight(Agent).Count);
    }

    [Fact]
    public void Apply_SameIdInAnotherRole_IsAnotherVolume()
    {
        // Persistence ids are unique within a role: the same id in two roles names two volumes, and a DESTROY names one.
        var (master, _) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 4));
        master.Apply(Agent, new ReserveOperation("r2", 4));
        Assert.True(master.Apply(Agent, new CreateOperation("r1", "v1", 2)).IsAccepted);

        var create = master.Apply(Agent, new CreateOperation("r2", "v1", 2));
        var destroy = master.Apply(Agent, new DestroyOperation("r2", "v1"));

        Assert.True(create.IsAccepted, create.Error);
        Assert.True(destroy.IsAccepted, destroy.Error);
        var volume = Assert.Single(master.View(Agent).Volumes);
        Assert.Equal(("r1", "v1"), (volume.Role, volume.Id));
    }

    [Fact]
    public void Apply_UnreserveEverythingFree_AcceptedAndTheRoleIsGone()
    {
        // Exactly what is reserved, and exactly what no volume uses: both limits are inclusive.
        var (master, _) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 4));

        var result = master.Apply(Agent, new UnreserveOperation("r1", 4));

        Assert.True(result.IsAccepted, result.Error);
        Assert.Equal(ResourceSet.Empty, master.View(Agent));
    }

    [Fact]
    public void Apply_UnreserveZero_Rejected()
    {
        var (master, _) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 4));

        var result = master.Apply(Agent, new UnreserveOperation("r1", 0));

        Assert.Contains("the amount must be positive, got 0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_CreateOfExactlyTheFreeReservation_Accepted_SizeZero_Rejected()
    {
        var (master, _) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 3));

        Assert.Contains("the size must be positive, got 0", master.Apply(Agent, new CreateOperation("r1", "v0", 0)).Error, StringComparison.Ordinal);
        var result = master.Apply(Agent, new CreateOperation("r1", "v1", 3));

        Assert.True(result.IsAccepted, result.Error);
        Assert.Equal(0, master.View(Agent).FreeReserved("r1"));
    }

    [Fact]
    public void Apply_DestroyWithHostileId_RejectedForTheNameNotAsUnknown()
    {
        var (master, _) = Connected();

        var result = master.Apply(Agent, new DestroyOperation("r1", "v1/.."));

        Assert.Contains("Invalid persistence id 'v1/..'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void FailOver_BeforeTheAgentRegisters_DropsOperationsAndShowsTheGhost()
    {
        var (old, transport) = Connected();
        old.Apply(Agent, new ReserveOperation("r1", 5));
        old.Apply(Agent, new CreateOperation("r1", "v1", 2));
        var ghost = old.ViewWithIncarnations(Agent);

        var master = old.FailOver();

        Assert.True(master.IsAdopting(Agent));
        Assert.False(master.IsAdopting("unknown-agent"));
        Assert.Equal(ghost, master.ViewWithIncarnations(Agent));
        Assert.Equal(OperationStatus.Dropped, master.Apply(Agent, new ReserveOperation("r1", 1)).Status);
        master.Register(Agent, Sets.Of(("r1", 5L), new Volume("r1", "v1", 2, 0)));
        Assert.False(master.IsAdopting(Agent));
        Assert.True(transport.TryDeliverNext(Agent, out _));
    }

    [Fact]
    public void FailOver_MesosDesigns_KeepTheGhostIncarnationOfAHeldVolume_FreshForOneNotHeld()
    {
        var (old, _) = Connected();
        old.Apply(Agent, new ReserveOperation("r1", 5));
        old.Apply(Agent, new CreateOperation("r1", "v1", 2));
        var held = old.IncarnationOf(Agent, "r1", "v1");

        var master = old.FailOver();
        // The agent reports v1 and v2 (a DESTROY of v2 lost with the failover), without incarnations.
        master.Register(Agent, Sets.Of(("r1", 5L), new Volume("r1", "v1", 2, 0), new Volume("r1", "v2", 1, 0)));

        Assert.Equal(held, master.IncarnationOf(Agent, "r1", "v1"));
        Assert.Equal(held + 1, master.IncarnationOf(Agent, "r1", "v2"));
        // The next CREATE continues the durable counter rather than reusing a number.
        Assert.True(master.Apply(Agent, new CreateOperation("r1", "v3", 1)).IsAccepted);
        Assert.Equal(held + 2, master.IncarnationOf(Agent, "r1", "v3"));
    }

    [Fact]
    public void FailOver_TargetIncarnation_AdoptsTheReportedIncarnations()
    {
        var (old, _) = Connected(sendIncarnations: true);
        old.Apply(Agent, new ReserveOperation("r1", 5));
        old.Apply(Agent, new CreateOperation("r1", "v1", 2));

        var master = old.FailOver();
        var reported = Sets.Of(("r1", 5L), new Volume("r1", "v1", 2, 7));
        master.Register(Agent, reported);

        Assert.Equal(reported, master.View(Agent));
        Assert.Equal(7, master.IncarnationOf(Agent, "r1", "v1"));
    }

    [Fact]
    public void Apply_UnreserveUsedByVolume_VolumeMustBeDestroyedFirst()
    {
        var (master, _) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 5));
        master.Apply(Agent, new CreateOperation("r1", "v1", 4));

        var result = master.Apply(Agent, new UnreserveOperation("r1", 2));

        Assert.Contains("Volume must be destroyed before unreserving", result.Error, StringComparison.Ordinal);
        Assert.Equal(5, master.View(Agent).Reserved("r1"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("nul\0")]
    [InlineData("bell\u0007")]
    public void Apply_HostileName_RejectedAsRoleAndAsId(string name)
    {
        var (master, transport) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 5));
        transport.TryDeliverNext(Agent, out _);

        var asRole = master.Apply(Agent, new ReserveOperation(name, 1));
        var asId = master.Apply(Agent, new CreateOperation("r1", name, 1));

        Assert.Equal(OperationStatus.Rejected, asRole.Status);
        Assert.Equal(OperationStatus.Rejected, asId.Status);
        Assert.Contains("Invalid role", asRole.Error, StringComparison.Ordinal);
        Assert.Contains("Invalid persistence id", asId.Error, StringComparison.Ordinal);
        Assert.Empty(transport.InFlight(Agent));
    }

    [Fact]
    public void Apply_OverlongName_Rejected()
    {
        var (master, _) = Connected();

        var result = master.Apply(Agent, new ReserveOperation(new string('é', 128), 1));

        Assert.Contains("256 bytes", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAgent_OwnCapacity_LimitsReservations()
    {
        var master = new Master(new QueuedTransport(), diskCapacityPerAgent: 10, sendIncarnations: false);
        master.AddAgent("small", 2);
        master.Register("small", ResourceSet.Empty);

        var result = master.Apply("small", new ReserveOperation("r1", 3));

        Assert.Contains("Insufficient unreserved disk", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, master.Capacity("small"));
    }

    [Fact]
    public void Apply_AgentNotConnected_Dropped()
    {
        var (master, transport) = Connected();
        master.NoticeDisconnect(Agent);

        var result = master.Apply(Agent, new ReserveOperation("r1", 1));

        Assert.Equal(OperationStatus.Dropped, result.Status);
        Assert.Equal(ResourceSet.Empty, master.View(Agent));
        Assert.Empty(transport.InFlight(Agent));
    }

    [Fact]
    public void Break_MessagesInFlight_AreLostNotDelivered()
    {
        var (master, transport) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 1));
        master.Apply(Agent, new ReserveOperation("r1", 1));

        transport.Break(Agent);

        Assert.False(transport.TryDeliverNext(Agent, out _));
        Assert.Equal(2, transport.LostCount(Agent));
        Assert.False(transport.IsAlive(Agent));
    }

    [Fact]
    public void Apply_DeadConnectionNotNoticed_AppliedButMessageLost()
    {
        var (master, transport) = Connected();
        transport.Break(Agent);

        var result = master.Apply(Agent, new ReserveOperation("r1", 1));

        Assert.True(result.IsAccepted);
        Assert.Equal(1, master.View(Agent).Reserved("r1"));
        Assert.Empty(transport.InFlight(Agent));
        Assert.Equal(1, transport.LostCount(Agent));
    }

    [Fact]
    public void Apply_Create_NumbersIncarnationsAndStripsThemUnlessAsked()
    {
        var (master, transport) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 10));
        master.Apply(Agent, new CreateOperation("r1", "v1", 1));
        master.Apply(Agent, new DestroyOperation("r1", "v1"));
        master.Apply(Agent, new CreateOperation("r1", "v1", 1));

        var sent = transport.InFlight(Agent).OfType<CheckpointResourcesMessage>().Last().Resources;

        Assert.Equal(2, master.IncarnationOf(Agent, "r1", "v1"));
        Assert.Equal(0, sent.FindVolume("r1", "v1")!.Value.Incarnation);
        Assert.Equal(sent, master.View(Agent));
    }

    [Fact]
    public void Apply_CreateWithIncarnations_SendsThem()
    {
        var (master, transport) = Connected(sendIncarnations: true);
        master.Apply(Agent, new ReserveOperation("r1", 10));
        master.Apply(Agent, new CreateOperation("r1", "v1", 1));

        var sent = transport.InFlight(Agent).OfType<CheckpointResourcesMessage>().Last().Resources;

        Assert.Equal(1, sent.FindVolume("r1", "v1")!.Value.Incarnation);
    }

    [Fact]
    public void Register_Reconnect_DropsOldInFlightAndSendsView()
    {
        var (master, transport) = Connected();
        master.Apply(Agent, new ReserveOperation("r1", 2));
        master.Apply(Agent, new ReserveOperation("r1", 3));

        master.Register(Agent, ResourceSet.Empty);

        var message = Assert.Single(transport.InFlight(Agent));
        Assert.Equal(master.View(Agent), Assert.IsType<CheckpointResourcesMessage>(message).Resources);
        Assert.True(master.IsConnected(Agent));
    }
}

public class CheckpointCodecTests
{
    [Fact]
    public void Decode_EncodedSet_RoundTrips()
    {
        var set = Sets.Of([("r1", 10), ("r2", 3)], new Volume("r1", "v1", 4, 7), new Volume("r2", "ü", 1, 0));

        var decoded = CheckpointCodec.Decode(CheckpointCodec.Encode(set), "x");

        Assert.Equal(set, decoded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("""{"version":1,"reservations":[]}""")]
    [InlineData("""{"version":1,"reservations":[],"volumes":[],"extra":1}""")]
    [InlineData("""{"version":1,"version":1,"reservations":[],"volumes":[]}""")]
    [InlineData("""{"version":"1","reservations":[],"volumes":[]}""")]
    [InlineData("""{"version":1.5,"reservations":[],"volumes":[]}""")]
    [InlineData("""{"version":1,"reservations":[{"role":"r","amount":0}],"volumes":[]}""")]
    [InlineData("""{"version":1,"reservations":[{"role":"r","amount":1},{"role":"r","amount":1}],"volumes":[]}""")]
    [InlineData("""{"version":1,"reservations":[],"volumes":[{"role":"r","id":"a/b","size":1,"incarnation":0}]}""")]
    [InlineData("""{"version":1,"reservations":[],"volumes":[{"role":"r","id":"v","size":1,"incarnation":0},{"role":"r","id":"v","size":2,"incarnation":0}]}""")]
    public void Decode_Invalid_ThrowsNamingFile(string text)
    {
        var error = Assert.Throws<CorruptCheckpointException>(() => CheckpointCodec.Decode(System.Text.Encoding.UTF8.GetBytes(text), "meta/x.info"));

        Assert.Equal("meta/x.info", error.FilePath);
        Assert.Contains("meta/x.info", error.Message, StringComparison.Ordinal);
    }
}
