namespace Harness.Impl.Storage;

/// <summary>The kinds of mutating I/O step the agent performs; reads are not steps.</summary>
public enum FsOp
{
    /// <summary><see cref="IFileSystem.CreateDirectory"/>.</summary>
    Mkdir = 0,

    /// <summary><see cref="IFileSystem.DeleteDirectory"/>.</summary>
    Rmdir = 1,

    /// <summary><see cref="IFileSystem.WriteFile"/>: a checkpoint's temporary file (named after the checkpoint) or task data.</summary>
    Write = 2,

    /// <summary><see cref="IFileSystem.Rename"/>; <see cref="FsStep.Path"/> is the source, <see cref="FsStep.Destination"/> the destination.</summary>
    Rename = 3,

    /// <summary><see cref="IFileSystem.FsyncFile"/> or <see cref="IFileSystem.FsyncDirectory"/>.</summary>
    Fsync = 4,
}

/// <summary>One I/O step as the harness sees it.</summary>
/// <param name="Number">1 for the first step this file system ever performed, then 2, 3, ...</param>
/// <param name="Op">What the step does.</param>
/// <param name="Path">The path it acts on, relative to the work directory.</param>
/// <param name="Destination">For a rename, where the file goes; otherwise null.</param>
/// <param name="Failed">True when the step threw (an injected or a real I/O error) instead of completing.</param>
public readonly record struct FsStep(long Number, FsOp Op, string Path, string? Destination, bool Failed)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"#{Number} {Op.ToString().ToLowerInvariant()} {Path}{(Destination is null ? "" : " -> " + Destination)}{(Failed ? " FAILED" : "")}";
}

/// <summary>
/// A decorator that reports every mutating I/O step and injects faults, so a harness can drive the agent one step at a
/// time. Typical uses:
/// <list type="bullet">
/// <item><c>FailNext(FsOp.Rmdir)</c>: the next rmdir throws <see cref="IOException"/> without touching the disk.</item>
/// <item><c>CrashAfterNext(FsOp.Rename, s =&gt; s.Path.EndsWith("resources.target"))</c>: the rename is performed, then
/// <see cref="SimulatedCrashException"/> unwinds the agent; drop the agent instance and start a new one from the disk.</item>
/// <item><c>CrashAfterStep(n)</c>: crash right after global step <c>n</c>; enumerate n to crash at every step of an update.</item>
/// <item><see cref="StepObserver"/>: called after every step (completed or failed); it may itself throw
/// <see cref="SimulatedCrashException"/> to stop the agent at a step chosen at run time.</item>
/// </list>
/// Rules fire once unless armed with <c>untilCleared</c>; a predicate receives the step about to run (Failed is false).
/// </summary>
public sealed class FaultInjectingFileSystem : IFileSystem
{
    private readonly IFileSystem inner;
    private readonly List<Rule> rules = [];
    private long crashAfterStep = -1;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FaultInjectingFileSystem(IFileSystem inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
    }

    /// <summary>The wrapped file system.</summary>
    public IFileSystem Inner => inner;

    /// <summary>Called after each step with its outcome, before any armed crash fires.</summary>
    public Action<FsStep>? StepObserver { get; set; }

    /// <summary>The number of steps performed so far (failed ones included).</summary>
    public long StepCount { get; private set; }

    /// <summary>Makes the next <paramref name="op"/> matching <paramref name="match"/> throw <see cref="IOException"/> without acting (every such op while <paramref name="untilCleared"/>).</summary>
    public void FailNext(FsOp op, Func<FsStep, bool>? match = null, bool untilCleared = false) =>
        rules.Add(new Rule(op, match, Crash: false, untilCleared));

    /// <summary>Performs the next <paramref name="op"/> matching <paramref name="match"/>, then throws <see cref="SimulatedCrashException"/>.</summary>
    public void CrashAfterNext(FsOp op, Func<FsStep, bool>? match = null) =>
        rules.Add(new Rule(op, match, Crash: true, UntilCleared: false));

    /// <summary>Throws <see cref="SimulatedCrashException"/> right after the step numbered <paramref name="stepNumber"/> (see <see cref="StepCount"/>).</summary>
    public void CrashAfterStep(long stepNumber) => crashAfterStep = stepNumber;

    /// <summary>Disarms every fault.</summary>
    public void ClearFaults()
    {
        rules.Clear();
        crashAfterStep = -1;
    }

    /// <inheritdoc/>
    public void CreateDirectory(string path) =>
        Step(FsOp.Mkdir, path, null, path, static (fs, p) => { fs.CreateDirectory(p); return true; });

    /// <inheritdoc/>
    public bool DeleteDirectory(string path) =>
        Step(FsOp.Rmdir, path, null, path, static (fs, p) => fs.DeleteDirectory(p));

    /// <inheritdoc/>
    public void WriteFile(string path, ReadOnlySpan<byte> contents) =>
        Step(FsOp.Write, path, null, new PathAndBytes(path, contents), static (fs, w) => { fs.WriteFile(w.Path, w.Contents); return true; });

    /// <inheritdoc/>
    public void FsyncFile(string path) =>
        Step(FsOp.Fsync, path, null, path, static (fs, p) => { fs.FsyncFile(p); return true; });

    /// <inheritdoc/>
    public void Rename(string source, string destination) =>
        Step(FsOp.Rename, source, destination, (source, destination), static (fs, r) => { fs.Rename(r.source, r.destination); return true; });

    /// <inheritdoc/>
    public void FsyncDirectory(string path) =>
        Step(FsOp.Fsync, path, null, path, static (fs, p) => { fs.FsyncDirectory(p); return true; });

    /// <inheritdoc/>
    public bool FileExists(string path) => inner.FileExists(path);

    /// <inheritdoc/>
    public bool DirectoryExists(string path) => inner.DirectoryExists(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListDirectories(string path) => inner.ListDirectories(path);

    /// <inheritdoc/>
    public IReadOnlyList<string> ListFiles(string path) => inner.ListFiles(path);

    /// <inheritdoc/>
    public byte[] ReadFile(string path) => inner.ReadFile(path);

    /// <summary>The inner operation of a step, given the inner file system and what it needs (a span included).</summary>
    private delegate TResult InnerOperation<TState, TResult>(IFileSystem inner, TState state)
        where TState : allows ref struct;

    // Every mutating operation: the rules and the crash point around the inner operation. The operation is a static
    // lambda given its arguments as state, so a step allocates no closure and a written span is not copied.
    private TResult Step<TState, TResult>(FsOp op, string path, string? destination, TState state, InnerOperation<TState, TResult> operation)
        where TState : allows ref struct
    {
        var step = Begin(op, path, destination);
        TResult result;
        try
        {
            result = operation(inner, state);
        }
        catch (IOException)
        {
            Failed(step);
            throw;
        }

        End(step);
        return result;
    }

    private FsStep Begin(FsOp op, string path, string? destination)
    {
        // Confinement is checked before any rule sees the step, so an injected fault can never mask an escape.
        WorkPath.EnsureConfined(path);
        if (destination is not null)
        {
            WorkPath.EnsureConfined(destination);
        }

        var step = new FsStep(StepCount + 1, op, path, destination, Failed: false);
        var fail = Take(step, crash: false);
        StepCount++;
        if (fail)
        {
            StepObserver?.Invoke(step with { Failed = true });
            throw new IOException($"Injected I/O error: {step}");
        }

        return step;
    }

    private void Failed(FsStep step) => StepObserver?.Invoke(step with { Failed = true });

    private void End(FsStep step)
    {
        StepObserver?.Invoke(step);
        if (Take(step, crash: true) || step.Number == crashAfterStep)
        {
            throw new SimulatedCrashException(step);
        }
    }

    private bool Take(FsStep step, bool crash)
    {
        for (var index = 0; index < rules.Count; index++)
        {
            var rule = rules[index];
            if (rule.Crash == crash && rule.Op == step.Op && (rule.Match is null || rule.Match(step)))
            {
                if (!rule.UntilCleared)
                {
                    rules.RemoveAt(index);
                }

                return true;
            }
        }

        return false;
    }

    private readonly ref struct PathAndBytes(string path, ReadOnlySpan<byte> contents)
    {
        public string Path { get; } = path;

        public ReadOnlySpan<byte> Contents { get; } = contents;
    }

    private sealed record Rule(FsOp Op, Func<FsStep, bool>? Match, bool Crash, bool UntilCleared);
}

/// <summary>
/// Thrown by <see cref="FaultInjectingFileSystem"/> right after a step to stop the agent there, as a crash would.
/// Not an <see cref="IOException"/>, so the agent never handles it: the instance is dead and a new one must start from disk.
/// </summary>
public sealed class SimulatedCrashException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SimulatedCrashException()
        : base("Simulated crash")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a crash right after <paramref name="step"/>.</summary>
    public SimulatedCrashException(FsStep step)
        : base($"Simulated crash after step {step}")
    {
        Step = step;
    }

    /// <summary>The last step performed before the crash.</summary>
    public FsStep? Step { get; }
}
