namespace Harness.Explorer;

/// <summary>
/// Coyote writes a few lines of its own straight to the console ("Assembly is not rewritten for testing", once per engine),
/// whatever its logging configuration says. They are meant for Coyote's users, not for ours: while an engine is created
/// and runs, the console is routed to a log file in the output directory (or nowhere). The route is per flow of
/// execution, so runs side by side (tests, parallel engines) do not take each other's console.
/// </summary>
public static class CoyoteLog
{
    private static readonly AsyncLocal<TextWriter?> Route = new();
    private static readonly Lock Gate = new();
    private static bool installed;

    /// <summary>Runs <paramref name="action"/> with the console routed to <paramref name="logFile"/> (appended), or discarded when null.</summary>
    public static T Quiet<T>(string? logFile, Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Install();
        var previous = Route.Value;
        using var log = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
        Route.Value = log is null ? TextWriter.Null : TextWriter.Synchronized(log);
        try
        {
            return action();
        }
        finally
        {
            Route.Value = previous;
        }
    }

    private static void Install()
    {
        lock (Gate)
        {
            if (!installed)
            {
                Console.SetOut(new RoutingWriter(Console.Out));
                installed = true;
            }
        }
    }

    /// <summary>Writes to the flow's route when it has one, to the real console otherwise.</summary>
    private sealed class RoutingWriter(TextWriter console) : TextWriter
    {
        public override System.Text.Encoding Encoding => console.Encoding;

        private TextWriter Target => Route.Value ?? console;

        public override void Write(char value) => Target.Write(value);

        public override void Write(string? value) => Target.Write(value);

        public override void WriteLine(string? value) => Target.WriteLine(value);

        public override void Flush() => Target.Flush();
    }
}
