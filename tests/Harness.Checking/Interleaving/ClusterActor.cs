using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Coyote.Actors;
using Microsoft.Coyote.Runtime;

namespace Harness.Checking.Interleaving;

/// <summary>
/// An actor of the cluster: it gets the <see cref="Interleaving.Cluster"/> at creation and reports what it observes to the checks.
/// </summary>
/// <remarks>
/// Coyote 1.7.11 runs an actor's handlers on a thread that ends when its inbox is empty, and starts a new OS thread
/// whenever an idle actor receives an event: 70-115 us each, about twenty an execution, most of what an execution costs.
/// So events between cluster actors go through a <see cref="Mailbox"/> instead of Coyote's inbox, and each actor keeps
/// one thread for the whole execution, asleep while it has no event. Everything Coyote's scheduler sees is what its actor
/// runtime would have shown it, through Coyote's public operation API, so each seed explores the same schedules as with
/// Coyote's own inboxes: a scheduling point before every send; when the send wakes an idle actor, the actor's operation
/// reset and started and a scheduling point after the send (where Coyote starts the new handler's thread); a scheduling
/// point before every event after the first one taken in one go; and when the actor runs out of events, its operation
/// completed and a scheduling point (where Coyote's handler thread ends). Only the thread is not ended and started again:
/// it sleeps, outside Coyote's control, while Coyote counts its operation as completed. The handlers are the methods the
/// actor's <c>OnEventDoAction</c> attributes name, as before. When the last actor runs out of events the execution is
/// over: it releases the sleeping threads, which leave through Coyote's end of a handler, and then leaves itself.
/// </remarks>
public abstract class ClusterActor : Actor
{
    private static readonly ConcurrentDictionary<Type, (Type Event, MethodInfo Handler)[]> HandlerTable = new();

    private readonly Dictionary<Type, Action<Event>> handlers = [];
    private Mailbox mailbox = null!;

    /// <summary>The objects of this execution.</summary>
    protected Cluster Cluster { get; private set; } = null!;

    /// <inheritdoc/>
    protected override Task OnInitializeAsync(Event initialEvent)
    {
        Cluster = ((ActorSetup)initialEvent).Cluster;
        if (Cluster.Options.CoyoteInboxes)
        {
            Start();
            return Task.CompletedTask;
        }

        mailbox = Cluster.MailboxOf(Id);
        foreach (var (type, handler) in HandlerTable.GetOrAdd(GetType(), HandlersOf))
        {
            handlers[type] = handler.CreateDelegate<Action<Event>>(this);
        }

        Start();
        TakeEvents();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Sends <paramref name="e"/> to <paramref name="target"/>'s mailbox as Coyote's actor runtime sends an event: a
    /// scheduling point first, and when the target is idle its operation started again and a scheduling point after.
    /// </summary>
    protected void SendEvent(ActorId target, Event e)
    {
        if (Cluster.Options.CoyoteInboxes)
        {
            base.SendEvent(target, e);
            return;
        }

        Operation.ScheduleNext();
        var box = Cluster.MailboxOf(target);
        var wakes = box.Idle;
        box.Enqueue(e);
        if (wakes)
        {
            Operation.TryReset(box.Operation);
            Operation.Start(box.Operation);
            box.Wake();
            Operation.ScheduleNext();
        }
    }

    // The actor's one loop, Coyote's handler loop: the first event after a wake is taken at once, each further one after a
    // scheduling point.
    private void TakeEvents()
    {
        var fresh = true;
        while (true)
        {
            if (mailbox.Count == 0)
            {
                if (Cluster.QuiescentBesides(mailbox))
                {
                    // Nothing is left to happen: the convergence monitor's state now is its verdict on the execution.
                    ReportConvergence();
                    Cluster.ReleaseSleepers();
                    return;
                }

                if (!Idle())
                {
                    return;
                }

                fresh = true;
            }

            var e = mailbox.Dequeue();
            if (!fresh)
            {
                Operation.ScheduleNext();
            }

            fresh = false;
            handlers[e.GetType()](e);
        }
    }

    // Where Coyote's handler thread would end (operation completed, a scheduling point) and a new one start when an event
    // comes (the sender reset and started the operation; the thread announces it and waits to be scheduled). False when
    // the execution ended meanwhile.
    private bool Idle()
    {
        mailbox.Park();
        Operation.OnCompleted();
        Operation.ScheduleNext();
        if (!mailbox.Sleep())
        {
            return false;
        }

        Operation.OnStarted(mailbox.Operation);
        return true;
    }

    private static (Type Event, MethodInfo Handler)[] HandlersOf(Type actor) =>
    [
        .. actor.GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(OnEventDoActionAttribute))
            .Select(a => ((Type)a.ConstructorArguments[0].Value!, (string)a.ConstructorArguments[1].Value!))
            .Select(a => (a.Item1, actor.GetMethod(a.Item2, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(Event)])
                ?? throw new InvalidOperationException($"{actor.Name} has no handler {a.Item2}(Event)"))),
    ];

    /// <summary>Runs once the cluster is known.</summary>
    protected virtual void Start()
    {
    }

    /// <summary>Fails the execution at this step with <paramref name="violation"/>, a safety property's verdict (a check such as <see cref="FreshVolumeCheck"/>), unless it is null.</summary>
    protected void Check(string? violation)
    {
        if (violation is not null)
        {
            Assert(false, "{0}", violation);
        }
    }

    /// <summary>
    /// Writes one readable step of the execution into Coyote's log, marked so that <c>harness replay</c> can show a
    /// bug's schedule as what happened rather than as actor events.
    /// </summary>
    protected void Narrate(string text)
    {
        if (Cluster.Options.NarrateLog)
        {
            Logger.WriteLine($"{StepMarker}{text}");
        }

        Cluster.Options.Narration?.Add(text);
    }

    /// <summary>
    /// Narrates a step written as an interpolated string, formatted only when the execution is narrated: the lines of an
    /// exploration's executions (a message or a resource set written out at most steps) would be read only for a bug.
    /// </summary>
    protected void Narrate([InterpolatedStringHandlerArgument("")] ref NarrationText text)
    {
        if (Cluster.Narrating)
        {
            Narrate(text.ToStringAndClear());
        }
    }

    /// <summary>A narration line, built only when <see cref="Interleaving.Cluster.Narrating"/>.</summary>
    [InterpolatedStringHandler]
    protected ref struct NarrationText
    {
        private DefaultInterpolatedStringHandler text;

        /// <summary>Starts a line for <paramref name="actor"/>; <paramref name="narrating"/> false skips its parts.</summary>
        public NarrationText(int literalLength, int formattedCount, ClusterActor actor, out bool narrating)
        {
            ArgumentNullException.ThrowIfNull(actor);
            narrating = actor.Cluster.Narrating;
            text = narrating ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
        }

        /// <summary>Appends literal text.</summary>
        public void AppendLiteral(string value) => text.AppendLiteral(value);

        /// <summary>Appends a value.</summary>
        public void AppendFormatted<T>(T value) => text.AppendFormatted(value);

        /// <summary>The line.</summary>
        public string ToStringAndClear() => text.ToStringAndClear();
    }

    /// <summary>The prefix of a readable step in Coyote's log.</summary>
    public const string StepMarker = "[step] ";

    /// <summary>
    /// Maps what the handler did so far to model steps and compares the two sides. Coyote may switch to another actor at
    /// every event sent, so a handler calls this before its first send after a change, while the change is its own.
    /// </summary>
    protected void Refine()
    {
        if (Cluster.Refinement?.Check() is { } divergence)
        {
            Assert(false, "{0}", divergence);
        }
    }

    /// <summary>
    /// Called at the end of every handler that changed something: refinement compares the two sides, and a replay that
    /// collects <see cref="InterleavingOptions.ConvergenceProblems"/> learns how far the cluster is from converged. With
    /// Coyote's inboxes no actor sees the execution end, so the convergence monitor is told here instead.
    /// </summary>
    protected void ReportChanged()
    {
        Refine();
        if (Cluster.Options.CoyoteInboxes)
        {
            ReportConvergence();
        }
        else if (Cluster.Options.ConvergenceProblems is { } problems && Cluster.Options.Properties.Contains(ClusterProperties.Convergence))
        {
            problems.Add(Cluster.ConvergenceProblem());
        }
    }

    /// <summary>Tells the convergence monitor whether the cluster has converged, when that differs from what it last heard.</summary>
    private void ReportConvergence()
    {
        if (!Cluster.Options.Properties.Contains(ClusterProperties.Convergence))
        {
            return;
        }

        var problem = Cluster.ConvergenceProblem();
        Cluster.Options.ConvergenceProblems?.Add(problem);
        if ((problem is null) != Cluster.ToldConverged)
        {
            Cluster.ToldConverged = problem is null;
            Monitor<ConvergenceMonitor>(new ConvergenceChanged(problem is null));
        }
    }
}
