using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// One Coyote execution: registers the convergence monitor when that property is chosen (the safety properties are
/// checked where the actors observe them, <see cref="FreshVolumeCheck"/>) and creates the master, the agent, the
/// frameworks and the fault injector as actors. Actors, not tasks, because Coyote controls actors without rewriting
/// the binaries, so a plain <c>dotnet test</c> explores them and CI needs no extra tool.
/// </summary>
public static class ClusterTest
{
    /// <summary>
    /// Builds the cluster of <paramref name="options"/> on <paramref name="runtime"/>. When the execution ends, the caller
    /// calls <see cref="Cluster.ReleaseSleepers"/> on the cluster returned: after a bug the actors' threads still sleep.
    /// </summary>
    public static Cluster Run(IActorRuntime runtime, InterleavingOptions options)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Properties.Contains(ClusterProperties.Convergence))
        {
            runtime.RegisterMonitor<ConvergenceMonitor>();
        }

        var cluster = new Cluster(options)
        {
            MasterActor = runtime.CreateActorId(typeof(MasterActor), "master"),
            AgentActor = runtime.CreateActorId(typeof(AgentActor), "agent"),
        };
        if (options.FocusFaults)
        {
            // A controlled choice, so the trace replays the profile with the schedule.
            cluster.Faults = FaultFocus.Choose(FaultFocus.Profiles(options.Faults), runtime.RandomInteger);
        }

        cluster.Frameworks = [.. Enumerable.Range(1, options.Frameworks).Select(i => runtime.CreateActorId(typeof(FrameworkActor), $"framework{i}"))];
        var injector = runtime.CreateActorId(typeof(FaultInjectorActor));
        // Every actor's mailbox exists before any actor runs: quiescence is judged over all of them.
        foreach (var actor in cluster.Frameworks.Append(cluster.MasterActor).Append(cluster.AgentActor).Append(injector))
        {
            cluster.MailboxOf(actor);
        }

        var setup = new ActorSetup(cluster);
        runtime.CreateActor(cluster.MasterActor, typeof(MasterActor), setup);
        // Frameworks exist before the agent, whose registration makes the master offer them resources.
        foreach (var framework in cluster.Frameworks)
        {
            runtime.CreateActor(framework, typeof(FrameworkActor), setup);
        }

        runtime.CreateActor(cluster.AgentActor, typeof(AgentActor), setup);

        runtime.CreateActor(injector, typeof(FaultInjectorActor), setup);
        return cluster;
    }
}
