using System.Globalization;

namespace Harness.Checking.Nightly;

/// <summary>
/// The live progress of a nightly run: the checker at work, its rate and coverage, and the findings so far, written as one
/// line every <see cref="NightlyOptions.ProgressInterval"/> by a timer of the run's clock.
/// </summary>
public sealed class NightlyProgress : IDisposable
{
    private readonly Lock gate = new();
    private readonly TimeProvider clock;
    private readonly Action<string>? write;
    private readonly ITimer? timer;
    private readonly long runStart;
    private string checker = "starting";
    private string design = string.Empty;
    private string unit = string.Empty;
    private long units;
    private long taskStart;
    private int findings;

    /// <summary>Starts writing lines to <paramref name="write"/> (none when it is null).</summary>
    public NightlyProgress(TimeProvider clock, Action<string>? write, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(clock);
        this.clock = clock;
        this.write = write;
        runStart = clock.GetTimestamp();
        taskStart = runStart;
        if (write is not null)
        {
            timer = clock.CreateTimer(_ => Tick(), null, interval, interval);
        }
    }

    /// <summary>A checker starts on a design; its work is counted in <paramref name="unitName"/> (states, sequences, executions).</summary>
    public void Begin(string checkerName, string designName, string unitName)
    {
        lock (gate)
        {
            checker = checkerName;
            design = designName;
            unit = unitName;
            units = 0;
            taskStart = clock.GetTimestamp();
        }
    }

    /// <summary>The current checker did <paramref name="count"/> more units.</summary>
    public void Add(long count)
    {
        lock (gate)
        {
            units += count;
        }
    }

    /// <summary>Findings recorded so far in the whole run.</summary>
    public void Found(int count)
    {
        lock (gate)
        {
            findings += count;
        }
    }

    /// <summary>The progress line as it stands.</summary>
    public string Line()
    {
        lock (gate)
        {
            var taskSeconds = clock.GetElapsedTime(taskStart).TotalSeconds;
            var rate = taskSeconds > 0 ? units / taskSeconds : 0;
            return string.Create(
                CultureInfo.InvariantCulture,
                $"nightly [{clock.GetElapsedTime(runStart):hh\\:mm\\:ss}] {checker} {design}: {units:N0} {unit} ({rate:N0}/s), findings so far: {findings}");
        }
    }

    /// <summary>Writes one line now (at the end of each checker, and from the timer).</summary>
    public void Tick() => write?.Invoke(Line());

    /// <inheritdoc />
    public void Dispose() => timer?.Dispose();
}
