using System.Globalization;
using BenchmarkDotNet.Attributes;
using Harness.Checking.Interleaving;
using Harness.Impl.Agents;
using Microsoft.Coyote.Actors;
using Microsoft.Coyote.Runtime;
using Microsoft.Coyote.SystematicTesting;

namespace Harness.Benchmarks;

/// <summary>
/// How far an execution of the cluster is from Coyote's floor, both measured in one run: the cluster (the correct
/// design, every fault, one engine, seed 1, prioritization) against executions of the same four actors' machinery
/// doing nothing (the floor): four <see cref="ClusterActor"/>s that pass a token round a ring with empty handlers, through
/// the same mailboxes, operations and scheduling points, under the same configuration, for about as many wake-ups of an
/// idle actor, controlled choices and scheduling points as an execution of the cluster takes (the setup prints them).
/// What the floor does not do is the harness's and the implementation's work: the master, the agent, the simulated disk,
/// the monitors, refinement and the convergence check. Each is measured with the
/// harness's mailboxes (one thread per actor for the whole execution) and with Coyote's own actor inboxes (a new OS
/// thread at every wake-up of an idle actor), which explore the same schedules. The cases run minutes apart and drift
/// apart on a busy or virtual machine; <see cref="FloorRatio"/> measures the same two alternately in one process.
/// </summary>
[MemoryDiagnoser]
public class CoyoteFloorBenchmarks
{
    private const int Schedules = 100;

    private readonly ExplorationSettings settings = new() { Seed = 1, Iterations = Schedules };
    private InterleavingOptions cluster = new();
    private Ring ring;

    /// <summary>What an execution does: the cluster, or the floor.</summary>
    [Params("cluster", "floor")]
    public string Execution { get; set; } = "cluster";

    /// <summary>Whether events go through Coyote's own inboxes instead of the harness's mailboxes.</summary>
    [Params(false, true)]
    public bool CoyoteInboxes { get; set; }

    /// <summary>
    /// Sizes the floor after the cluster's executions of this run: about as many wake-ups of an idle actor (token passes),
    /// controlled choices and scheduling points an execution.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        cluster = new InterleavingOptions { Design = AgentDesign.TargetIncarnation, CoyoteInboxes = CoyoteInboxes };
        var shape = Floor.ShapeOf(cluster with { CoyoteInboxes = false }, Schedules);
        ring = Floor.RingFor(shape);
        var floor = Floor.Explore(Schedules, ring, CoyoteInboxes);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// cluster: {shape.Steps:F1} scheduling steps ({shape.Choices:F1} of them choices) and {shape.Wakes:F1} wake-ups an execution; floor: {ring.Passes} passes, {ring.Choices} choices and {ring.Points} more scheduling points, {floor.Steps:F1} steps and {floor.Wakes:F1} wake-ups an execution"));
    }

    /// <summary>Explores <see cref="Schedules"/> executions with the prioritization strategy.</summary>
    [Benchmark(OperationsPerInvoke = Schedules)]
    public double Explore() => Execution == "floor" ? Floor.Explore(Schedules, ring, CoyoteInboxes).Steps : CleanRun.Explore(cluster, settings);
}

/// <summary>Coyote's floor for an execution of the cluster's four actors (see <see cref="CoyoteFloorBenchmarks"/>).</summary>
public static class Floor
{
    /// <summary>
    /// What an execution of the cluster takes from Coyote, over its first executions: scheduling steps, wake-ups of an idle
    /// actor, and controlled choices (the steps that are a value drawn, not an operation chosen).
    /// </summary>
    public static Shape ShapeOf(InterleavingOptions options, int executions) =>
        Measure(executions, runtime => ClusterTest.Run(runtime, options), countChoices: true);

    /// <summary>
    /// The ring for executions of that shape: a token pass for each wake-up, the cluster's controlled choices, and
    /// scheduling points (in the token's handler, spread over the passes) for the scheduling steps the passes and the
    /// choices leave.
    /// </summary>
    public static Ring RingFor(Shape shape)
    {
        // Not every pass wakes an actor (the first ones reach actors that have not gone idle yet), so the passes are
        // corrected once by the wake-ups a first guess gives.
        var passes = (int)Math.Round(shape.Wakes);
        passes += (int)Math.Round(shape.Wakes - Explore(10, new Ring(passes, 0, 0), false).Wakes);
        var choices = (int)Math.Round(shape.Choices);
        var steps = Explore(10, new Ring(passes, choices, 0), false).Steps;
        return new Ring(passes, choices, Math.Max(0, (int)Math.Round(shape.Steps - steps)));
    }

    /// <summary>
    /// Explores <paramref name="executions"/> executions of the ring (through Coyote's own inboxes when
    /// <paramref name="coyoteInboxes"/>), as <c>InterleavingExplorer</c> explores the cluster; returns what an execution took.
    /// </summary>
    public static Shape Explore(int executions, Ring ring, bool coyoteInboxes) =>
        Measure(executions, runtime => Build(runtime, ring, coyoteInboxes), countChoices: false);

    // Runs the executions under the configuration InterleavingExplorer gives one engine with seed 1, releasing each
    // execution's sleeping actors at its end as the explorer does. Choices are counted through a runtime log only when
    // asked: the log is not part of the floor.
    private static Shape Measure(int executions, Func<IActorRuntime, Cluster> build, bool countChoices)
    {
        Cluster? current = null;
        long wakes = 0;
        var choices = new ChoiceCount();
        var configuration = InterleavingExplorer.ConfigurationFor(new ExplorationSettings { Seed = 1, Iterations = executions });
        using var engine = TestingEngine.Create(configuration, (IActorRuntime runtime) =>
        {
            if (countChoices)
            {
                runtime.RegisterLog(choices);
            }

            current = build(runtime);
        });
        engine.RegisterEndIterationCallBack(_ =>
        {
            wakes += current?.Wakes ?? 0;
            current?.ReleaseSleepers();
        });
        engine.Run();
        var report = engine.TestReport;
        if (report.NumOfFoundBugs > 0)
        {
            throw new InvalidOperationException(string.Join("; ", report.BugReports));
        }

        var steps = (double)report.TotalExploredFairSteps + report.TotalExploredUnfairSteps;
        return new Shape(steps / executions, (double)wakes / executions, (double)choices.Count / executions);
    }

    private static Cluster Build(IActorRuntime runtime, Ring shape, bool coyoteInboxes)
    {
        // A cluster object only for its mailboxes: no actor of the ring touches the master, the agent or the disk.
        var cluster = new Cluster(new InterleavingOptions { Refinement = false, CoyoteInboxes = coyoteInboxes });
        ActorId[] ring = [.. Enumerable.Range(0, 4).Select(i => runtime.CreateActorId(typeof(RingActor), $"ring{i}"))];
        foreach (var actor in ring)
        {
            cluster.MailboxOf(actor);
        }

        var setup = new RingSetup(cluster, ring, shape);
        foreach (var actor in ring)
        {
            runtime.CreateActor(actor, typeof(RingActor), setup);
        }

        return cluster;
    }

    /// <summary>Counts the controlled choices an execution draws.</summary>
    private sealed class ChoiceCount : RuntimeLogTextFormatter
    {
        public long Count { get; private set; }

        public override void OnRandom(bool result, string callerName, string callerType) => Count++;

        public override void OnRandom(int result, string callerName, string callerType) => Count++;
    }

    /// <summary>The cluster, the ring in order, and what the ring does.</summary>
    private sealed class RingSetup(Cluster cluster, ActorId[] ring, Ring shape) : ActorSetup(cluster)
    {
        public ActorId[] Ring { get; } = ring;

        public Ring Shape { get; } = shape;
    }

    /// <summary>The token and the passes left.</summary>
    private sealed class Token(int left) : Event
    {
        public int Left { get; } = left;
    }

    /// <summary>
    /// An actor of the ring: passes the token on to the next one while passes are left, after its share of the scheduling
    /// points, and does nothing else.
    /// </summary>
    [OnEventDoAction(typeof(Token), nameof(OnToken))]
    private sealed class RingActor : ClusterActor
    {
        private RingSetup setup = null!;
        private ActorId next = null!;

        protected override Task OnInitializeAsync(Event initialEvent)
        {
            setup = (RingSetup)initialEvent;
            return base.OnInitializeAsync(initialEvent);
        }

        protected override void Start()
        {
            var at = Array.IndexOf(setup.Ring, Id);
            next = setup.Ring[(at + 1) % setup.Ring.Length];
            if (at == setup.Ring.Length - 1)
            {
                // The last actor created draws the choices and starts the token.
                for (var c = 0; c < setup.Shape.Choices; c++)
                {
                    RandomBoolean();
                }

                SendEvent(next, new Token(setup.Shape.Passes));
            }
        }

        private void OnToken(Event e)
        {
            var left = ((Token)e).Left;
            var (passes, points) = (setup.Shape.Passes, setup.Shape.Points);
            var done = passes - left;
            for (var p = points * done / Math.Max(1, passes); p < points * (done + 1) / Math.Max(1, passes); p++)
            {
                Operation.ScheduleNext();
            }

            if (left > 0)
            {
                SendEvent(next, new Token(left - 1));
            }
        }
    }
}

/// <summary>What an execution takes from Coyote: scheduling steps, wake-ups of an idle actor and controlled choices.</summary>
public readonly record struct Shape(double Steps, double Wakes, double Choices);

/// <summary>
/// A floor's ring: token passes (each wakes an idle actor), controlled choices, and scheduling points besides the passes'.
/// </summary>
public readonly record struct Ring(int Passes, int Choices, int Points);
