using Microsoft.Coyote.Actors;

namespace Harness.Checking.Interleaving;

/// <summary>
/// The inbox of one cluster actor, kept by the harness instead of Coyote, and the thread that takes its events: events
/// wait here in the order they were sent, and while the actor has none its thread sleeps here instead of ending (see
/// <see cref="ClusterActor"/>).
/// </summary>
public sealed class Mailbox(ActorId owner)
{
    private readonly Queue<Event> events = new();
    private readonly object gate = new();
    private Thread? sleeper;
    private int wakeups;
    private bool released;

    /// <summary>The actor's Coyote operation: Coyote numbers an actor's operation with its id.</summary>
    public ulong Operation { get; } = owner.Value;

    /// <summary>Events sent and not yet taken.</summary>
    public int Count => events.Count;

    /// <summary>
    /// True from the moment the actor runs out of events (where Coyote's handler and its thread would end) until an event
    /// wakes it.
    /// </summary>
    public bool Waiting { get; private set; }

    /// <summary>True when the actor waits with nothing to take: an event sent now wakes it.</summary>
    public bool Idle => Waiting && events.Count == 0;

    /// <summary>Appends <paramref name="e"/>.</summary>
    public void Enqueue(Event e) => events.Enqueue(e);

    /// <summary>Takes the oldest event.</summary>
    public Event Dequeue() => events.Dequeue();

    /// <summary>The actor runs out of events on the calling thread, which will <see cref="Sleep"/>.</summary>
    public void Park()
    {
        sleeper = Thread.CurrentThread;
        Waiting = true;
    }

    /// <summary>
    /// Puts the calling thread to sleep until <see cref="Wake"/> (true) or <see cref="Release"/> (false, the execution is
    /// over). Outside Coyote's control: Coyote counts the actor's operation as completed meanwhile, as when its thread ends.
    /// </summary>
    public bool Sleep()
    {
        lock (gate)
        {
            while (wakeups == 0)
            {
                System.Threading.Monitor.Wait(gate);
            }

            wakeups--;
            return !released;
        }
    }

    /// <summary>How often an event woke the actor in this execution.</summary>
    public int Wakes { get; private set; }

    /// <summary>Wakes the sleeping thread to take the events that came.</summary>
    public void Wake()
    {
        Wakes++;
        Waiting = false;
        Signal();
    }

    private void Signal()
    {
        lock (gate)
        {
            wakeups++;
            System.Threading.Monitor.Pulse(gate);
        }
    }

    /// <summary>
    /// Ends a sleeping thread for good and waits until it has left (the thread still runs Coyote's end of the handler, which
    /// must be over before the execution's runtime is disposed). Does nothing if the thread is not asleep.
    /// </summary>
    public void Release()
    {
        if (!Waiting || sleeper is not { } thread)
        {
            return;
        }

        released = true;
        Waiting = false;
        Signal();
        // Only a thread stuck in Coyote would take long; a bounded wait keeps a stuck one from hanging the exploration.
        thread.Join(TimeSpan.FromSeconds(5));
    }
}
