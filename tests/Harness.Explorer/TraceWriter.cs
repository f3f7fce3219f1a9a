using Harness.Model;

namespace Harness.Explorer;

/// <summary>Prints counterexamples as numbered scenario lines with what happened under each.</summary>
public static class TraceWriter
{
    /// <summary>Writes one violation: its property, its length and every step.</summary>
    public static void Write(TextWriter w, Design design, Violation v)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(v);
        var lines = v.Steps.Sum(s => s.Lines.Count);
        w.WriteLine($"{design.Name()}: {v.Property.Name()} violated, shortest trace {Plural.Of(v.Steps.Count, "step", "steps")} ({Plural.Of(lines, "scenario line", "scenario lines")}: a fault armed at an I/O step is a line of its own):");
        var number = 0;
        foreach (var step in v.Steps)
        {
            foreach (var line in step.Lines)
            {
                w.WriteLine($"  {++number,3}. {line}");
            }

            foreach (var e in step.Events)
            {
                w.WriteLine($"         {e}");
            }
        }

        w.WriteLine($"       ({v.Explanation})");
        w.WriteLine();
    }
}
