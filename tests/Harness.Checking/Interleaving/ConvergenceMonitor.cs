using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Harness.Checking.Interleaving;

/// <summary>
/// Convergence (liveness): hot until it hears that the cluster converged. Faults and framework operations are bounded, so
/// every execution ends, and the last actor to run out of events tells the monitor whether the cluster converged (once an
/// execution: the verdict is the monitor's state at the end). Ending in the hot state is a liveness bug that Coyote
/// reports; so is an execution that Coyote cuts at its step bound before it ends, under a fair strategy.
/// </summary>
public sealed class ConvergenceMonitor : CoyoteMonitor
{
    /// <summary>Why the cluster had not converged when its execution ended, or null: for the bug report's log.</summary>
    public string? LastProblem { get; private set; }

    private void Update(Event e)
    {
        LastProblem = ((ClusterSettled)e).Problem;
        if (LastProblem is null)
        {
            RaiseGotoStateEvent<Converged>();
        }
        else
        {
            RaiseGotoStateEvent<NotConverged>();
        }
    }

    [Start]
    [Hot]
    [OnEventDoAction(typeof(ClusterSettled), nameof(Update))]
    private sealed class NotConverged : State;

    [Cold]
    [OnEventDoAction(typeof(ClusterSettled), nameof(Update))]
    private sealed class Converged : State;
}
