namespace Harness.Checking.Nightly;

/// <summary>
/// The part of the budget one checker has on one design: it ends when its time is up or the run is interrupted. Checkers
/// ask between units of work (a bound, a batch), so a slice ends at the next unit boundary.
/// </summary>
public sealed class Slice : IDisposable
{
    private readonly TimeProvider clock;
    private readonly long start;
    private readonly CancellationToken cancellation;
    private readonly CancellationTokenSource? timeout;
    private readonly CancellationTokenSource? linked;

    /// <summary>Starts a slice of <paramref name="length"/> (null: no time limit) on <paramref name="clock"/>.</summary>
    public Slice(TimeProvider clock, TimeSpan? length, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(clock);
        this.clock = clock;
        start = clock.GetTimestamp();
        Length = length;
        this.cancellation = cancellation;
        if (length is { } l)
        {
            timeout = new CancellationTokenSource(l > TimeSpan.Zero ? l : TimeSpan.Zero, clock);
            linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation, timeout.Token);
        }
    }

    /// <summary>
    /// Cancelled when the slice ends or the run is interrupted: checkers that take a token (the model checker, Coyote) stop
    /// within their next step instead of at the next unit boundary.
    /// </summary>
    public CancellationToken Token => linked?.Token ?? cancellation;

    /// <summary>The slice's length, or null when only the work counts limit it.</summary>
    public TimeSpan? Length { get; }

    /// <summary>Time spent since the slice started.</summary>
    public TimeSpan Elapsed => clock.GetElapsedTime(start);

    /// <summary>Time left, or null without a time limit.</summary>
    public TimeSpan? Remaining => Length is { } l ? l - Elapsed : null;

    /// <summary>True when the run was interrupted.</summary>
    public bool Interrupted => cancellation.IsCancellationRequested;

    /// <summary>True when no more work should start.</summary>
    public bool Over => Interrupted || Remaining is { } r && r <= TimeSpan.Zero;

    /// <summary>
    /// True when a checker that shrinks its counterexamples should stop searching: the last quarter of the slice is kept
    /// for shrinking, which otherwise runs past the slice on a slow disk.
    /// </summary>
    public bool SearchOver => Over || Length is { } l && Elapsed >= l * 0.75;

    /// <inheritdoc />
    public void Dispose()
    {
        linked?.Dispose();
        timeout?.Dispose();
    }
}
