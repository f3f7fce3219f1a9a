using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Harness.Checking.Interleaving;

/// <summary>
/// Convergence (liveness): hot while the cluster has not converged, cold once it has. Faults and framework operations
/// are bounded, so every execution ends; ending in the hot state is a liveness bug that Coyote reports.
/// </summary>
public sealed class ConvergenceMonitor : CoyoteMonitor
{
    /// <summary>
    /// Why the cluster was not converged when it last stopped being converged (the actors tell the monitor only when that
    /// changes), for the bug report's log.
    /// </summary>
    public string? LastProblem { get; private set; }

    private void Update(Event e)
    {
        LastProblem = ((ClusterChanged)e).Problem;
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
    [Cold]
    [OnEventDoAction(typeof(ClusterChanged), nameof(Update))]
    private sealed class Converged : State;

    [Hot]
    [OnEventDoAction(typeof(ClusterChanged), nameof(Update))]
    private sealed class NotConverged : State;
}
