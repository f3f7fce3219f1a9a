using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>
/// Writes a nightly (or merged) report into its directory: report.json (the result document with every checker's result
/// nested and the judged verdicts), report.md (overall verdict on the first line, the design x property table, coverage per
/// checker, and each finding's shortest trace with its replay command and a sequence diagram), and junit.xml (one test case
/// per design x property x checker that ran, failing on UNEXPECTED and MISSED, plus one per divergence).
/// </summary>
public static class NightlyReport
{
    /// <summary>The names of the files written.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["report.json", "report.md", "junit.xml"];

    /// <summary>The first line of report.md: the overall verdict.</summary>
    public static string Headline(HarnessResult report, Judged judged)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(judged);
        var verdict = !judged.Passed ? "FAILED" : report.Complete ? "PASSED" : "INCOMPLETE";
        var mutants = judged.Mutants is not { } m ? string.Empty
            : !m.Complete ? ", mutants run incomplete"
            : string.Create(CultureInfo.InvariantCulture, $", {judged.Weaknesses.Count} harness weakness{(judged.Weaknesses.Count == 1 ? string.Empty : "es")}");
        return string.Create(
            CultureInfo.InvariantCulture,
            $"# {report.Command} {verdict}: {judged.Count(Judgement.Expected)} expected, {judged.Count(Judgement.Unexpected)} unexpected, {judged.Count(Judgement.Missed)} missed{mutants}{(report.Complete ? string.Empty : " (" + (report.Incomplete ?? "incomplete") + ")")}");
    }

    /// <summary>Writes the three files into <paramref name="outDirectory"/>.</summary>
    public static void Write(HarnessResult report, Judged judged, string outDirectory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(judged);
        Directory.CreateDirectory(outDirectory);
        File.WriteAllText(Path.Combine(outDirectory, "report.json"), report.ToJson());
        File.WriteAllText(Path.Combine(outDirectory, "report.md"), Markdown(report, judged));
        File.WriteAllText(Path.Combine(outDirectory, "junit.xml"), Junit(report, judged));
    }

    /// <summary>report.md.</summary>
    public static string Markdown(HarnessResult report, Judged judged)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(judged);
        var sb = new StringBuilder();
        sb.Append(Headline(report, judged)).Append("\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"`{report.Options["command"]?.GetValue<string>() ?? report.Command}`: started {report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.Seconds:F0} s, seed {report.Seed}");
        if (report.Options["shard"]?.GetValue<string>() is { } shard)
        {
            sb.Append(", shard ").Append(shard);
        }

        if (report.Options["shards"]?.GetValue<string>() is { } shards)
        {
            sb.Append(", merged from ").Append(shards);
        }

        sb.Append(CultureInfo.InvariantCulture, $", expectations `{report.Options["expectations"]?.GetValue<string>()}`.\n\n");

        var properties = Properties.All.Select(p => p.Name()).ToList();
        sb.Append("| design | ").Append(string.Join(" | ", properties)).Append(" | model = implementation |\n");
        sb.Append('|').Append(string.Concat(Enumerable.Repeat("---|", properties.Count + 2))).Append('\n');
        foreach (var design in report.Designs)
        {
            sb.Append("| ").Append(design).Append(" |");
            foreach (var p in properties)
            {
                var cell = judged.Cells.Single(c => c.Design == design && c.Property == p);
                sb.Append(' ').Append(Cell(cell)).Append(" |");
            }

            var divergent = judged.Divergences.Where(f => f.Design == design).Select(f => f.Checker).Distinct().ToList();
            sb.Append(divergent.Count == 0 ? " agrees |" : $" **UNEXPECTED** divergence ({string.Join(", ", divergent.Select(Checkers.Abbreviation))}) |").Append('\n');
        }

        sb.Append("\nEXPECTED (checkers): a violation the expectation file names, found by those checkers (mc model-check, ex exhaustive, sim conform-sim, ")
          .Append("real conform-real, coyote interleave). UNEXPECTED: a violation or divergence nobody expects. MISSED: an expected violation a checker did not find in its budget.\n\n");

        if (judged.Mutants is { } mutants)
        {
            NightlyMutants.WriteSection(sb, mutants);
        }

        var results = NightlyJudge.Checked(report.Results);
        WriteCoverage(sb, results);
        WriteFindings(sb, results, judged);
        return sb.ToString();
    }

    private static string Cell(JudgedCell cell) => cell.Judgement switch
    {
        Judgement.Unexpected => $"**UNEXPECTED** ({string.Join(", ", cell.FoundBy.Select(Checkers.Abbreviation))})",
        Judgement.Missed => $"**MISSED** by {string.Join(", ", cell.MissedBy.Select(Checkers.Abbreviation))}" + (cell.FoundBy.Count > 0 ? $" (found by {string.Join(", ", cell.FoundBy.Select(Checkers.Abbreviation))})" : string.Empty),
        Judgement.Expected => $"EXPECTED ({string.Join(", ", cell.FoundBy.Select(Checkers.Abbreviation))})",
        _ => "holds",
    };

    private static void WriteCoverage(StringBuilder sb, IReadOnlyList<HarnessResult> results)
    {
        var coverage = results.SelectMany(r => r.Coverage).ToList();
        sb.Append("## Coverage\n\n");
        var mc = coverage.Where(c => c.Checker == Checkers.ModelCheck).ToList();
        if (mc.Count > 0)
        {
            sb.Append("**model-check**: the largest bound completed per design (each bound contains the ones before it).\n\n");
            sb.Append("| design | largest bound completed | states | transitions | depth | bounds tried | seconds |\n|---|---|---|---|---|---|---|\n");
            foreach (var g in mc.GroupBy(c => c.Design))
            {
                var done = g.LastOrDefault(c => c.Complete);
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {g.Key} | {(done is null ? "none" : "`" + done.Bound + "`")} | {done?.States ?? 0:N0} | {done?.Transitions ?? 0:N0} | {done?.Depth ?? 0} | {g.Count()}{(g.Any(c => !c.Complete) ? " (last stopped at its state limit)" : string.Empty)} | {g.Sum(c => c.Seconds):F1} |\n");
            }

            sb.Append('\n');
        }

        foreach (var checker in new[] { Checkers.Exhaustive, Checkers.ConformSim, Checkers.ConformReal })
        {
            var rows = coverage.Where(c => c.Checker == checker).GroupBy(c => c.Design).ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            sb.Append(CultureInfo.InvariantCulture, $"**{checker}**: scenarios run in lockstep, the windows they reach and the crash and power-loss points they visit.\n\n");
            sb.Append("| design | bound | sequences | lines | lines/s | W1 | W2 | W3 | W4 | crash and power-loss points (sequences) |\n|---|---|---|---|---|---|---|---|---|---|\n");
            foreach (var g in rows)
            {
                var windows = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var c in g)
                {
                    foreach (var (k, v) in c.Windows ?? new Dictionary<string, long>())
                    {
                        windows[k] = windows.GetValueOrDefault(k) + v;
                    }
                }

                var sequences = g.Sum(c => c.Sequences ?? 0);
                var lines = g.Sum(c => c.Lines ?? 0);
                var seconds = g.Sum(c => c.Seconds);
                var points = string.Join(", ", windows.Where(w => !w.Key.StartsWith('W')).OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => $"{w.Key} {w.Value:N0}"));
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {g.Key} | `{string.Join(" ", g.Select(c => c.Bound).Distinct())}` | {sequences:N0} | {lines:N0} | {(seconds > 0 ? lines / seconds : 0):N0} | {windows.GetValueOrDefault("W1"):N0} | {windows.GetValueOrDefault("W2"):N0} | {windows.GetValueOrDefault("W3"):N0} | {windows.GetValueOrDefault("W4"):N0} | {(points.Length == 0 ? "none" : points)} |\n");
            }

            sb.Append('\n');
        }

        var il = coverage.Where(c => c.Checker == Checkers.Interleave).ToList();
        if (il.Count > 0)
        {
            sb.Append("**interleave**: Coyote executions of the implementation's actors with every fault kind, per strategy (windows are classified on scenario lines; Coyote executions are not).\n\n");
            sb.Append("| design | strategy | executions | scheduling steps | executions/s | seconds |\n|---|---|---|---|---|---|\n");
            foreach (var g in il.GroupBy(c => (c.Design, Strategy: (c.Bound ?? string.Empty).Split(' ').Skip(1).FirstOrDefault() ?? "?")))
            {
                var executions = g.Sum(c => c.Executions ?? 0);
                var seconds = g.Sum(c => c.Seconds);
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {g.Key.Design} | {g.Key.Strategy} | {executions:N0} | {g.Sum(c => c.SchedulingSteps ?? 0):N0} | {(seconds > 0 ? executions / seconds : 0):N0} | {seconds:F1} |\n");
            }

            sb.Append('\n');
        }
    }

    private static void WriteFindings(StringBuilder sb, IReadOnlyList<HarnessResult> results, Judged judged)
    {
        var findings = NightlyJudge.Distinct(results.SelectMany(r => r.Findings));
        sb.Append("## Findings\n\n");
        if (findings.Count == 0)
        {
            sb.Append("None.\n");
            return;
        }

        var n = 0;
        foreach (var f in judged.Divergences)
        {
            WriteFinding(sb, ++n, $"UNEXPECTED {(f.Kind == Results.FindingKind.Divergence ? "divergence" : "bug")} on {f.Design} ({f.Checker})", f, []);
        }

        var violations = findings.Where(f => f.Kind == Results.FindingKind.Violation && f.Properties.Count > 0)
            .GroupBy(f => (f.Design, Property: f.Properties[0]))
            .OrderBy(g => g.Key.Design, StringComparer.Ordinal).ThenBy(g => g.Key.Property, StringComparer.Ordinal);
        foreach (var g in violations)
        {
            var cell = judged.Cells.FirstOrDefault(c => c.Design == g.Key.Design && c.Property == g.Key.Property);
            var shortest = g.OrderBy(f => f.Checker == Checkers.Interleave ? 1 : 0).ThenBy(f => f.Steps.Count).First();
            var label = cell?.Judgement == Judgement.Unexpected ? "UNEXPECTED" : "EXPECTED";
            WriteFinding(sb, ++n, $"{label}: {g.Key.Design} violates {g.Key.Property} ({shortest.Checker}, {shortest.Steps.Count} lines)", shortest, [.. g.Where(f => f != shortest)]);
        }
    }

    private static void WriteFinding(StringBuilder sb, int number, string title, Results.Finding f, IReadOnlyList<Results.Finding> others)
    {
        sb.Append(CultureInfo.InvariantCulture, $"### {number}. {title}\n\n{f.Summary}\n\n");
        sb.Append("```\n");
        for (var i = 0; i < f.Steps.Count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{i + 1,3}  {f.Steps[i]}\n");
        }

        sb.Append("```\n\n");
        if (f.Replay is not null)
        {
            sb.Append("replay: `").Append(f.Replay).Append("`\n\n");
        }

        if (f.Files.Count > 0)
        {
            sb.Append("files: ").Append(string.Join(", ", f.Files.Select(x => $"[{Path.GetFileName(x)}]({x})"))).Append("\n\n");
        }

        foreach (var o in others)
        {
            sb.Append(CultureInfo.InvariantCulture, $"- also found by {o.Checker} ({o.Steps.Count} lines): `{o.Replay}`\n");
        }

        if (others.Count > 0)
        {
            sb.Append('\n');
        }

        sb.Append("```mermaid\n").Append(SequenceDiagram.Of(f.Steps)).Append("```\n\n");
    }

    /// <summary>junit.xml.</summary>
    public static string Junit(HarnessResult report, Judged judged)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(judged);
        var cases = new List<XElement>();
        var failures = 0;
        foreach (var v in judged.Verdicts)
        {
            var testcase = new XElement("testcase", new XAttribute("classname", $"nightly.{v.Design}"), new XAttribute("name", $"{v.Property} by {v.Checker}"), new XAttribute("time", "0"));
            if (v.Judgement is Judgement.Unexpected or Judgement.Missed)
            {
                failures++;
                var what = v.Judgement == Judgement.Missed
                    ? $"MISSED: {v.Checker} is expected to find a violation of {v.Property} on {v.Design} and did not within its budget"
                    : $"UNEXPECTED: {v.Checker} found {v.Property} violated on {v.Design}, which the expectation file says holds";
                var finding = NightlyJudge.Checked(report.Results).SelectMany(r => r.Findings).FirstOrDefault(f => f.Design == v.Design && f.Checker == v.Checker && f.Properties.Contains(v.Property));
                testcase.Add(new XElement("failure", new XAttribute("message", what), finding is null ? what : $"{what}\n{string.Join("\n", finding.Steps)}\nreplay: {finding.Replay}"));
            }

            cases.Add(testcase);
        }

        foreach (var f in judged.Divergences)
        {
            failures++;
            cases.Add(new XElement(
                "testcase",
                new XAttribute("classname", $"nightly.{f.Design}"),
                new XAttribute("name", $"model = implementation by {f.Checker}"),
                new XAttribute("time", "0"),
                new XElement("failure", new XAttribute("message", $"UNEXPECTED: {f.Summary}"), $"{string.Join("\n", f.Steps)}\nreplay: {f.Replay}")));
        }

        foreach (var design in report.Designs)
        {
            foreach (var checker in Checkers.All.Where(c => NightlyJudge.Checked(report.Results).Any(r => r.Coverage.Any(x => x.Checker == c && x.Design == design))))
            {
                if (!judged.Divergences.Any(f => f.Design == design && f.Checker == checker))
                {
                    cases.Add(new XElement("testcase", new XAttribute("classname", $"nightly.{design}"), new XAttribute("name", $"model = implementation by {checker}"), new XAttribute("time", "0")));
                }
            }
        }

        // One case per mutant survivor and baseline failure of the mutants run: each fails like MISSED does.
        foreach (var weakness in judged.Weaknesses)
        {
            failures++;
            cases.Add(new XElement(
                "testcase",
                new XAttribute("classname", "nightly.mutants"),
                new XAttribute("name", weakness),
                new XAttribute("time", "0"),
                new XElement("failure", new XAttribute("message", $"HARNESS WEAKNESS: {weakness}"), $"{weakness}\nsee {NightlyMutants.KillTableCopy.Replace('\\', '/')}")));
        }

        if (judged.Mutants is { Complete: true } && judged.Weaknesses.Count == 0)
        {
            cases.Add(new XElement("testcase", new XAttribute("classname", "nightly.mutants"), new XAttribute("name", "every mutant killed by a generative checker"), new XAttribute("time", "0")));
        }

        var suite = new XElement(
            "testsuite",
            new XAttribute("name", report.Command),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0),
            new XAttribute("time", report.Seconds.ToString("F1", CultureInfo.InvariantCulture)),
            new XAttribute("timestamp", report.StartedAt.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            cases);
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + new XElement("testsuites", suite) + "\n";
    }
}
