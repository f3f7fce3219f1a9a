using Microsoft.Coyote.Actors;
using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Harness.Checking.Interleaving;

/// <summary>An actor of the cluster: it gets the <see cref="Interleaving.Cluster"/> at creation and reports to the monitors.</summary>
public abstract class ClusterActor : Actor
{
    /// <summary>The objects of this execution.</summary>
    protected Cluster Cluster { get; private set; } = null!;

    /// <inheritdoc/>
    protected override Task OnInitializeAsync(Event initialEvent)
    {
        Cluster = ((ActorSetup)initialEvent).Cluster;
        Start();
        return Task.CompletedTask;
    }

    /// <summary>Runs once the cluster is known.</summary>
    protected virtual void Start()
    {
    }

    /// <summary>Sends <paramref name="e"/> to monitor <typeparamref name="TMonitor"/> when its property is checked.</summary>
    protected void Observe<TMonitor>(string property, CoyoteMonitor.Event e)
        where TMonitor : CoyoteMonitor
    {
        if (Cluster.Options.Properties.Contains(property))
        {
            Monitor<TMonitor>(e);
        }
    }

    /// <summary>
    /// Writes one readable step of the execution into Coyote's log, marked so that <c>harness replay</c> can show a
    /// bug's schedule as what happened rather than as actor events.
    /// </summary>
    protected void Narrate(string text)
    {
        Logger.WriteLine($"{StepMarker}{text}");
        Cluster.Options.Narration?.Add(text);
    }

    /// <summary>The prefix of a readable step in Coyote's log.</summary>
    public const string StepMarker = "[step] ";

    /// <summary>Tells the convergence monitor how far the cluster is from converged; called at the end of every handler.</summary>
    protected void ReportChanged()
    {
        if (Cluster.Options.Properties.Contains(ClusterProperties.Convergence))
        {
            var problem = Cluster.ConvergenceProblem();
            Cluster.Options.ConvergenceProblems?.Add(problem);
            Monitor<ConvergenceMonitor>(new ClusterChanged(problem));
        }
    }
}
