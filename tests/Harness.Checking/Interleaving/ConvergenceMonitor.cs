using CoyoteMonitor = Microsoft.Coyote.Specifications.Monitor;

namespace Harness.Checking.Interleaving;

/// <summary>
/// Convergence (liveness): hot until told that the cluster converged, cold until told it no longer has. Coyote reports
/// a monitor that is hot when an execution ends; with the harness's mailboxes the actors tell it only then.
/// </summary>
public sealed class ConvergenceMonitor : CoyoteMonitor
{
    private void Update(Event e)
    {
        if (((ConvergenceChanged)e).Converged)
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
    [OnEventDoAction(typeof(ConvergenceChanged), nameof(Update))]
    private sealed class NotConverged : State;

    [Cold]
    [OnEventDoAction(typeof(ConvergenceChanged), nameof(Update))]
    private sealed class Converged : State;
}
