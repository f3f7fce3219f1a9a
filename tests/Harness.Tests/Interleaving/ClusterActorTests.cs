using System.Text.RegularExpressions;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Xunit;

namespace Harness.Tests.Interleaving;

/// <summary>
/// The harness's mailboxes against Coyote's own actor inboxes: for a seed, both must explore the same schedules (the same
/// scheduling steps, the same bug at the same execution, the same decisions in the reproducible trace), or the mailboxes
/// would have changed what an exploration reaches and not only what it costs.
/// </summary>
public sealed partial class ClusterActorTests
{
    public static TheoryData<string, InterleavingOptions, ExplorationSettings> Explorations => new()
    {
        // Every fault on the correct design: no bug, so every execution runs to its end and every step is compared.
        { "all faults", new InterleavingOptions { Design = AgentDesign.TargetIncarnation }, new ExplorationSettings { Seed = 1, Iterations = 15 } },
        // The seed window on partial-exit (a failed rmdir, a late notice): a bug, found at the same execution (8) by both.
        {
            "failed rmdir",
            new InterleavingOptions { Design = AgentDesign.PartialExit, Faults = FaultKinds.Rmdir | FaultKinds.LateNotice, FaultBudget = 1, RareInputOdds = 0 },
            new ExplorationSettings { Seed = 0, Iterations = 20 }
        },
        // Failovers under the portfolio (its first round: 12 executions of prioritization).
        {
            "failover, portfolio",
            new InterleavingOptions { Design = AgentDesign.KeepGoing, Faults = FaultKinds.Failover | FaultKinds.Crash },
            new ExplorationSettings { Seed = 3, Iterations = 12, Strategy = InterleavingStrategy.Portfolio }
        },
    };

    [Theory]
    [MemberData(nameof(Explorations))]
    public void Explore_MailboxesAgainstCoyoteInboxes_ExploreTheSameSchedules(string name, InterleavingOptions options, ExplorationSettings settings)
    {
        var mailboxes = InterleavingExplorer.Explore(options, settings);
        var inboxes = InterleavingExplorer.Explore(options with { CoyoteInboxes = true }, settings);

        Assert.True(mailboxes.SchedulingSteps > 0, name);
        Assert.Equal(inboxes.SchedulingSteps, mailboxes.SchedulingSteps);
        Assert.Equal(inboxes.Iterations, mailboxes.Iterations);
        Assert.Equal(inboxes.BugText, mailboxes.BugText);
        // The traces hold the same decisions; only the kind Coyote gives a scheduling point differs (its public API
        // offers no send or receive kind), so a trace written with Coyote's inboxes does not replay with mailboxes.
        Assert.Equal(Decisions(inboxes.Trace), Decisions(mailboxes.Trace));
    }

    private static string? Decisions(string? trace) => trace is null ? null : SchedulingPointKind().Replace(trace, "sp");

    [GeneratedRegex(@"sp\(\w+\)")]
    private static partial Regex SchedulingPointKind();
}
