using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Harness.Checking.Results;

namespace Harness.Checking.Mutation;

/// <summary>Writes a <see cref="MutationReport"/> as the kill table (Markdown) and as a <c>harness-result/1</c> document.</summary>
public static class KillTable
{
    /// <summary>
    /// The kill table: the run's budget, the baseline, each checker's kill rate, then one row per mutant with the mutants no
    /// generative checker killed first, each with the reason established for it.
    /// </summary>
    public static string Markdown(MutationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var text = new StringBuilder();
        text.AppendLine("# Mutant kill table");
        text.AppendLine();
        text.AppendLine(Invariant($"Budget per checker process: {o.Budget.TotalSeconds:0} s; exhaustive = every model-state-distinct sequence up to depth {o.ExhaustiveDepth} in lockstep on the simulated disk; conformance {o.Sequences} generated sequences per run (sim: default, --roles 2 --ids 1, --agents 2 --ids 1; real: default, --roles 2 --ids 1), on each of the mutant's designs until one kills it; Coyote {o.Executions} executions on target-incarnation; unit = the impl tests, replay = the saved scenarios in lockstep. Whole run {report.Seconds:0} s{(report.Complete ? "" : ", not finished yet")}."));
        text.AppendLine();
        text.AppendLine("Baseline (unmutated copy): " + string.Join(", ", report.Baseline.Select(b => $"{b.Checker} {(b.Outcome == KillOutcome.Survived ? "passes" : MutationRunner.Cell(b))}")));
        text.AppendLine();
        var built = report.Results.Where(r => r.Built).ToList();
        text.AppendLine("| checker | kill rate |");
        text.AppendLine("|---|---|");
        foreach (var c in report.Checkers)
        {
            var judged = built.Count(r => r.Runs.Any(x => x.Checker == c && x.Outcome != KillOutcome.NotApplicable));
            var killed = built.Count(r => r.Runs.Any(x => x.Checker == c && x.Outcome == KillOutcome.Killed));
            text.AppendLine(Invariant($"| {c} | {killed}/{judged} ({Percent(killed, judged)}) |"));
        }

        var generative = built.Count(r => r.KilledGeneratively);
        text.AppendLine(Invariant($"| any generative checker | {generative}/{built.Count} ({Percent(generative, built.Count)}) |"));
        var any = built.Count(r => r.Killed);
        text.AppendLine(Invariant($"| any checker | {any}/{built.Count} ({Percent(any, built.Count)}) |"));
        text.AppendLine();
        text.Append("| mutant | area | ");
        text.AppendJoin(" | ", report.Checkers);
        text.AppendLine(" |");
        text.Append("|---|---|");
        text.AppendJoin("", report.Checkers.Select(_ => "---|"));
        text.AppendLine();
        foreach (var r in report.Results.OrderBy(r => r.KilledGeneratively).ThenBy(r => r.Mutant.Id, StringComparer.Ordinal))
        {
            text.Append(Invariant($"| {(r.KilledGeneratively ? "" : "**")}{r.Mutant.Id}{(r.KilledGeneratively ? "" : "**")} | {r.Mutant.Area} | "));
            text.AppendJoin(" | ", report.Checkers.Select(c => r.Runs.FirstOrDefault(x => x.Checker == c) is { } run ? MutationRunner.Cell(run) : ""));
            text.AppendLine(" |");
        }

        var survivors = report.Results.Where(r => !r.KilledGeneratively).ToList();
        text.AppendLine();
        text.AppendLine("## Not killed by a generative checker");
        text.AppendLine();
        if (survivors.Count == 0)
        {
            text.AppendLine("None: every mutant was killed by exhaustive, conformance or Coyote.");
        }

        foreach (var r in survivors)
        {
            text.AppendLine($"- **{r.Mutant.Id}** ({r.Mutant.Bug}) {(r.Built ? "" : "It does not build. ")}{r.Mutant.Triage ?? "Not triaged yet."}");
        }

        text.AppendLine();
        text.AppendLine("## What each mutant stands for, and what killed it");
        text.AppendLine();
        foreach (var r in report.Results)
        {
            var first = r.Runs.Where(x => x.Outcome == KillOutcome.Killed).Select(x => $"{x.Checker}: {x.Detail}").FirstOrDefault();
            text.AppendLine($"- `{r.Mutant.Id}` ({string.Join(", ", r.Mutant.Files)}): {r.Mutant.Bug}{(first is null ? "" : $" First kill: {first}")}");
        }

        return text.ToString();
    }

    /// <summary>
    /// The run as a result document: one coverage entry per checker and design with how many mutants it killed, left alive,
    /// ran out of budget on, or could not judge (in <c>windows</c>, the document's map of counts); one finding per kill
    /// (the mutant, what it stands for, the checker's first words about it); the survivors' ids under
    /// <c>options.survivors</c>. The Markdown table is the same data laid out for a person.
    /// </summary>
    public static HarnessResult Result(MutationReport report, JsonObject? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var o = report.Options;
        var coverage = new List<Coverage>();
        foreach (var checker in report.Checkers)
        {
            foreach (var design in report.Results.Select(r => Design(r.Mutant)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var runs = report.Results.Where(r => Design(r.Mutant) == design).SelectMany(r => r.Runs).Where(x => x.Checker == checker).ToList();
                coverage.Add(new Coverage
                {
                    Checker = checker,
                    Design = design,
                    Bound = Invariant($"--budget {o.Budget.TotalSeconds:0}s --sequences {o.Sequences} --executions {o.Executions} --exhaustive-depth {o.ExhaustiveDepth}"),
                    Sequences = runs.Count(x => x.Outcome is KillOutcome.Killed or KillOutcome.Survived or KillOutcome.OutOfBudget),
                    Windows = new Dictionary<string, long>(StringComparer.Ordinal)
                    {
                        ["killed"] = runs.Count(x => x.Outcome == KillOutcome.Killed),
                        ["survived"] = runs.Count(x => x.Outcome == KillOutcome.Survived),
                        ["out-of-budget"] = runs.Count(x => x.Outcome == KillOutcome.OutOfBudget),
                        ["not-applicable"] = runs.Count(x => x.Outcome is KillOutcome.NotApplicable or KillOutcome.NotBuilt),
                    },
                    Seconds = runs.Sum(x => x.Seconds),
                });
            }
        }

        var findings = new List<Finding>();
        foreach (var r in report.Results)
        {
            foreach (var run in r.Runs.Where(x => x.Outcome == KillOutcome.Killed))
            {
                findings.Add(new Finding
                {
                    Kind = run.Checker.StartsWith("conform", StringComparison.Ordinal) || run.Checker == "exhaustive" ? FindingKind.Divergence : FindingKind.Violation,
                    Design = Design(r.Mutant),
                    Checker = run.Checker,
                    Summary = Invariant($"mutant {r.Mutant.Id} killed in {run.Seconds:0.0} s: {run.Detail}"),
                    Steps = [r.Mutant.Id, r.Mutant.Bug],
                    Files = [Path.Combine("mutants", r.Mutant.Patch)],
                });
            }
        }

        var recorded = options ?? new JsonObject
        {
            ["budget"] = Invariant($"{o.Budget.TotalSeconds:0}s"),
            ["sequences"] = o.Sequences,
            ["executions"] = o.Executions,
            ["only"] = o.Only,
            ["checkers"] = string.Join(',', report.Checkers),
        };
        recorded["survivors"] = new JsonArray([.. report.Results.Where(r => !r.KilledGeneratively).Select(r => (JsonNode?)JsonValue.Create(r.Mutant.Id))]);

        // The kill table's rows, so that a reader of this document (the nightly's report) needs neither the Markdown nor the
        // corpus: the baseline's cells, and for each mutant what it stands for, its triage as the corpus had it for this run,
        // whether it built, and its cells by checker as the table writes them.
        recorded["baseline"] = Cells(report.Baseline);
        var outcomes = new JsonObject();
        foreach (var r in report.Results)
        {
            outcomes[r.Mutant.Id] = new JsonObject
            {
                ["area"] = r.Mutant.Area,
                ["bug"] = r.Mutant.Bug,
                ["triage"] = r.Mutant.Triage,
                ["built"] = r.Built,
                ["cells"] = Cells(r.Runs),
            };
        }

        recorded["outcomes"] = outcomes;
        return new HarnessResult
        {
            Command = "mutants",
            Designs = [.. report.Results.Select(r => Design(r.Mutant)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Options = recorded,
            StartedAt = report.StartedAt,
            Seconds = report.Seconds,
            ExitCode = report.Passed ? 0 : 1,
            Complete = report.Complete,
            Incomplete = report.Complete ? null : "the run had not reached every mutant when this was written",
            Coverage = coverage,
            Findings = findings,
        };
    }

    private static JsonObject Cells(IEnumerable<CheckerRun> runs)
    {
        var cells = new JsonObject();
        foreach (var run in runs)
        {
            cells[run.Checker] = MutationRunner.Cell(run);
        }

        return cells;
    }

    // The design a mutant is judged on first: its row's design in the result document.
    private static string Design(Mutant mutant) => mutant.Designs.Count > 0 ? mutant.Designs[0] : "target-incarnation";

    private static string Percent(int part, int whole) => whole == 0 ? "-" : Invariant($"{100.0 * part / whole:0} %");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
