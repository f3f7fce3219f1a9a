using System.Globalization;
using System.Text;
using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>The text a person reads about a conformance search: counts, window hit rates, and each finding as scenario lines.</summary>
public static class ConformReport
{
    /// <summary>The whole report.</summary>
    public static string Text(ConformResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var o = result.Options;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"conform {o.Design.Name()} on the {(o.Disk == DiskKind.Simulated ? "simulated" : "real")} disk, seed {o.Seed}: ");
        sb.Append(CultureInfo.InvariantCulture,
            $"{result.Sequences} generated sequences (up to {o.MaxLength} actions)");
        if (result.ExhaustiveSequences > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" and {result.ExhaustiveSequences} exhaustive ones (depth {o.ExhaustiveDepth}, {o.Agents} x {o.Roles} x {o.Ids} agents x roles x ids)");
        }

        sb.Append(CultureInfo.InvariantCulture, $", {result.Lines} lines in {result.Seconds:0.00} s ({result.LinesPerSecond:0} lines/s)\n");
        sb.Append("windows hit:");
        foreach (var w in WindowClassifier.All)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {w} {result.HitRate(w):P0}");
        }

        sb.Append('\n');
        if (result.InputKindHits.Count > 0)
        {
            sb.Append("input kinds (sequences):");
            foreach (var (kind, count) in result.InputKindHits)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {kind} {count}");
            }

            sb.Append('\n');
        }
        foreach (var f in result.Divergences.Concat(result.Violations))
        {
            sb.Append('\n').Append(Describe(f));
        }

        sb.Append(result.Passed
            ? result.Complete ? "\nthe implementation matches the model and no property is violated\n" : "\nso far the implementation matches the model and no property is violated\n"
            : $"\n{Count(result.Divergences.Count, "divergence", "divergences")}, {Count(result.Violations.Count, "violated property", "violated properties")}\n");
        if (!result.Complete)
        {
            sb.Append("interrupted: the search stopped before it ran every scenario, and its findings are not shrunk\n");
        }
        return sb.ToString();
    }

    private static string Count(int n, string one, string many) => string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");

    /// <summary>One finding: what went wrong, the minimal scenario, and for a divergence both sides at its first line.</summary>
    public static string Describe(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var sb = new StringBuilder();
        sb.Append(finding.Kind == FindingKind.Divergence ? "DIVERGENCE: " : "VIOLATION: ").Append(finding.Summary).Append('\n');
        sb.Append(CultureInfo.InvariantCulture,
            $"  found in {finding.Origin}, shrunk from {finding.OriginalLines} to {finding.Minimal.Commands.Count} lines:\n");
        foreach (var line in finding.Minimal.Commands)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    {line.Line,3}  {line}\n");
        }

        if (finding.Report.FirstDivergence is { ModelObservation: { } model } d)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  at the first divergence ({(d.Command.Line == 0 ? "convergence phase" : $"line {d.Command.Line}")}):\n");
            foreach (var row in model.SideBySide(d.ImplObservation))
            {
                sb.Append("    ").Append(row).Append('\n');
            }

            foreach (var (line, v) in finding.Report.ImplViolations.Where(v => v.Line > d.Command.Line))
            {
                sb.Append(CultureInfo.InvariantCulture, $"  after the divergence, line {line}: the implementation violates {v.Property.Name()}: {v.Detail}\n");
            }
        }

        return sb.ToString();
    }
}
