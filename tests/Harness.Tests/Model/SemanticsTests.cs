using Harness.Model;
using Xunit;
using static Harness.Tests.Model.ScenarioRun;

namespace Harness.Tests.Model;

public class SemanticsTests
{
    private const string VolumeWithData = """
        reserve r1
        create r1/v1
        deliver
        deliver
        use r1/v1
        """;

    [Fact]
    public void ScenarioTextCheckStep_FaultBeyondThePlannedIo_IsRefused()
    {
        // A reserve delivered to a fresh agent plans its checkpoint write; a fault there can be said, one far past it not.
        var sem = new Semantics(Design.Target, new Layout(new Bounds()));
        var s = sem.Initial();
        sem.Apply(ref s, new ModelAction(ActionKind.Reserve));
        Span<IoStep> steps = stackalloc IoStep[Semantics.MaxSteps];
        var planned = sem.PlanDelivery(in s, 0, steps);

        ScenarioText.CheckStep(sem, s, new ModelAction(ActionKind.Deliver, Fault: Fault.Crash, Step: planned - 1));
        Assert.Throws<ArgumentException>(() => ScenarioText.CheckStep(sem, s, new ModelAction(ActionKind.Deliver, Fault: Fault.Crash, Step: planned)));
    }

    [Fact]
    public void Reserve_BeyondCapacity_IsRejected()
    {
        var (_, steps) = Run(Design.Target, "reserve r1 size=8\nreserve r1 size=1");

        Assert.Null(steps[0].Rejected);
        Assert.Equal("Insufficient unreserved disk: RESERVE 1 for role 'r1' but only 0 unreserved", steps[1].Rejected);
    }

    [Fact]
    public void Create_SameIdTwice_IsRejectedAsNotUnique()
    {
        var (_, steps) = Run(Design.Target, "reserve r1 size=2\ncreate r1/v1\ncreate r1/v1");

        Assert.Equal("Persistence ID is not unique: r1/v1", steps[2].Rejected);
    }

    [Fact]
    public void Create_WithoutReservation_IsRejected()
    {
        var (_, steps) = Run(Design.Target, "reserve r1\ncreate r1/v1 size=2");

        Assert.Equal("Insufficient reserved disk: CREATE r1/v1 needs 2 but role 'r1' has 1 free reserved units", steps[1].Rejected);
    }

    [Fact]
    public void Destroy_MissingVolume_IsRejectedAsNotFound()
    {
        var (_, steps) = Run(Design.Target, "reserve r1\ndestroy r1/v1");

        Assert.Equal("Persistent volumes not found: r1/v1", steps[1].Rejected);
    }

    [Fact]
    public void Unreserve_DiskUsedByVolume_IsRejected()
    {
        var (_, steps) = Run(Design.Target, "reserve r1\ncreate r1/v1\nunreserve r1");

        Assert.Equal("Volume must be destroyed before unreserving: role 'r1' has 0 reserved units not used by volumes", steps[2].Rejected);
    }

    [Fact]
    public void Operation_AfterMasterNoticesDisconnect_IsDropped()
    {
        var (_, steps) = Run(Design.Target, "break link\nmaster notices\nreserve r1");

        Assert.Equal("Agent a1 is not connected: operation dropped", steps[2].Rejected);
    }

    [Fact]
    public void Deliver_NothingInFlight_IsAnErrorNamingTheLine()
    {
        var e = Assert.Throws<ScenarioException>(() => Run(Design.Target, "reserve r1\ndeliver\ndeliver"));

        Assert.Equal(3, e.Line);
        Assert.Contains("nothing in flight", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailedRmdir_KeepGoing_KeepsOldCheckpointAndRuns()
    {
        var (r, _) = Run(Design.KeepGoing, VolumeWithData + "\n" + "destroy r1/v1\nfail rmdir r1/v1\ndeliver");

        Assert.Equal(AgentStatus.Connected, Status(r));
        Assert.Equal("{r1:1 r1/v1}", Format(r, Info(r)));
        Assert.True(DirExists(r, "r1", "v1"));
    }

    [Fact]
    public void FailedMkdir_KeepGoing_KeepsOldCheckpointAndRuns()
    {
        var (r, _) = Run(Design.KeepGoing, "reserve r1\ncreate r1/v1\ndeliver\nfail mkdir r1/v1\ndeliver");

        Assert.Equal(AgentStatus.Connected, Status(r));
        Assert.Equal("{r1:1}", Format(r, Info(r)));
        Assert.False(DirExists(r, "r1", "v1"));
    }

    [Fact]
    public void FailedRmdir_PartialExit_WritesOldPlusSucceededThenExits()
    {
        // Two volumes: v2 is created and v1 destroyed in one message; the create succeeds, the rmdir fails.
        var (r, steps) = Run(Design.PartialExit, """
            reserve r1 size=2
            create r1/v1
            deliver
            deliver
            destroy r1/v1
            create r1/v2
            break link
            reconnect agent
            fail rmdir r1/v1
            deliver
            """);

        Assert.Equal(AgentStatus.Down, Status(r));
        Assert.Equal("{r1:2 r1/v1 r1/v2}", Format(r, Info(r)));
        Assert.Contains(PropertyId.AtomicCheckpoint, Violated(steps));
    }

    [Fact]
    public void FailedMkdir_PartialExit_ExitsWithOldCheckpoint()
    {
        var (r, steps) = Run(Design.PartialExit, "reserve r1\ncreate r1/v1\ndeliver\nfail mkdir r1/v1\ndeliver");

        Assert.Equal(AgentStatus.Down, Status(r));
        Assert.Equal("{r1:1}", Format(r, Info(r)));
        Assert.Empty(Violated(steps));
    }

    [Theory]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void FailedRmdir_TargetDesigns_ExitWithTargetPendingAndInfoUntouched(Design design)
    {
        var (r, _) = Run(design, VolumeWithData + "\n" + "destroy r1/v1\nfail rmdir r1/v1\ndeliver");

        Assert.Equal(AgentStatus.Down, Status(r));
        Assert.Equal(FileKind.Set, Target(r).Kind);
        Assert.Equal("{r1:1}", Format(r, Target(r)));
        Assert.NotEqual("{r1:1}", Format(r, Info(r)));
    }

    [Theory]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void FailedMkdir_TargetDesigns_Exit(Design design)
    {
        var (r, _) = Run(design, "reserve r1\ncreate r1/v1\ndeliver\nfail mkdir r1/v1\ndeliver");

        Assert.Equal(AgentStatus.Down, Status(r));
        Assert.Equal(FileKind.Set, Target(r).Kind);
    }

    [Theory]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void Restart_WithPendingTarget_FinishesItBeforeRegistering(Design design)
    {
        var (r, steps) = Run(design, VolumeWithData + "\n" + "destroy r1/v1\nfail rmdir r1/v1\ndeliver\nrestart agent");

        Assert.Equal(AgentStatus.Connected, Status(r));
        Assert.Equal(FileKind.Absent, Target(r).Kind);
        Assert.Equal("{r1:1}", Format(r, Info(r)));
        Assert.False(DirExists(r, "r1", "v1"));
        Assert.Empty(Violated(steps));
    }

    [Theory]
    [InlineData(Design.KeepGoing, "deliver")]
    [InlineData(Design.PartialExit, "restart agent\ndeliver")]
    public void SeedWindow_MesosDesigns_TaskSeesOldData(Design design, string afterFailure)
    {
        // The window the review names: DESTROY fails at the agent, CREATE of the same id arrives first.
        // keep-going stays up and gets the CREATE; partial-exit exits and gets the master's view on re-registration.
        var (_, steps) = Run(design, VolumeWithData + "\n" + $"""
            destroy r1/v1
            create r1/v1
            fail rmdir r1/v1
            deliver
            {afterFailure}
            use r1/v1
            """);

        Assert.Contains(PropertyId.FreshVolume, Violated(steps));
    }

    [Theory]
    [InlineData(Design.Target)]
    [InlineData(Design.TargetIncarnation)]
    public void SeedWindow_TargetDesigns_TaskSeesEmptyVolume(Design design)
    {
        var (_, steps) = Run(design, VolumeWithData + "\n" + """
            destroy r1/v1
            create r1/v1
            fail rmdir r1/v1
            deliver
            restart agent
            deliver
            use r1/v1
            """);

        Assert.Empty(Violated(steps));
    }

    [Fact]
    public void LostDestroy_Target_TaskSeesOldData_ButIncarnationsPreventIt()
    {
        const string W2 = VolumeWithData + "\n" + """
            destroy r1/v1
            break link
            create r1/v1
            reconnect agent
            deliver
            use r1/v1
            """;

        Assert.Contains(PropertyId.FreshVolume, Violated(Run(Design.Target, W2).Steps));
        Assert.Empty(Violated(Run(Design.TargetIncarnation, W2).Steps));
    }

    [Fact]
    public void PowerLossKeepMetadata_UnsyncedCheckpoint_ReadsBackEmptyAndAgentIsStuck()
    {
        var (r, steps) = Run(Design.Target, "reserve r1\ndeliver\npower-loss keep-metadata\nrestart agent");

        Assert.Equal(FileKind.Empty, Info(r).Kind);
        Assert.Equal(AgentStatus.Stuck, Status(r));
        Assert.Contains(PropertyId.AtomicCheckpoint, Violated(steps));
    }

    [Fact]
    public void PowerLoss_DurableDesign_KeepsCommittedCheckpoint()
    {
        var (r, steps) = Run(Design.TargetIncarnation, "reserve r1\ndeliver\npower-loss keep-metadata\nrestart agent");

        Assert.Equal("{r1:1}", Format(r, Info(r)));
        Assert.Equal(AgentStatus.Connected, Status(r));
        Assert.Empty(Violated(steps));
    }

    [Fact]
    public void CrashAfterMkdir_KeepGoing_RegistersWithOrphanDirectory()
    {
        var (_, steps) = Run(Design.KeepGoing, "reserve r1\ncreate r1/v1\ndeliver\ncrash agent after mkdir r1/v1\ndeliver\nrestart agent");

        Assert.Contains(PropertyId.RecoverBeforeRegister, Violated(steps));
    }

    [Fact]
    public void Writeback_ThenPowerLoss_KeepsWhatWasWrittenBack()
    {
        var (r, _) = Run(Design.Target, "reserve r1\ndeliver\nwriteback\npower-loss\nrestart agent");

        Assert.Equal("{r1:1}", Format(r, Info(r)));
    }

    [Fact]
    public void Enumerate_FastOperationRules_AgreeWithWhyNot()
    {
        // The checker's allocation-free enumeration must enable exactly what the message-producing rules allow.
        var sem = new Semantics(Design.Target, new Layout(new Bounds { Roles = 2, Ids = 2 }));
        var random = new Random(7);
        var buffer = new ModelAction[1024];
        for (var walk = 0; walk < 200; walk++)
        {
            var s = sem.Initial();
            for (var depth = 0; depth < 12; depth++)
            {
                var n = sem.Enumerate(in s, buffer);
                var enabled = buffer.AsSpan(0, n).ToArray();
                foreach (var kind in new[] { ActionKind.Reserve, ActionKind.Unreserve, ActionKind.Create, ActionKind.Destroy, ActionKind.Use })
                {
                    for (var slot = 0; slot < sem.Layout.Slots; slot++)
                    {
                        var role = kind is ActionKind.Reserve or ActionKind.Unreserve ? slot % sem.Layout.Roles : sem.Layout.RoleOf(slot);
                        var a = new ModelAction(kind, 0, role, kind is ActionKind.Reserve or ActionKind.Unreserve ? 0 : slot);
                        var allowed = sem.WhyNot(in s, a) is null &&
                            (kind != ActionKind.Use || sem.UseChangesState(in s, 0, slot, sem.MasterInc(in s, 0, slot)));
                        Assert.Equal(allowed, enabled.Contains(a));
                    }
                }

                if (n == 0)
                {
                    break;
                }

                var pick = enabled[random.Next(n)];
                sem.Apply(ref s, in pick);
            }
        }
    }
}
