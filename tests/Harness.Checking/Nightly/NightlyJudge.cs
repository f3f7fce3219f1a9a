using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>One cell of the design x property table: what every checker that ran concluded, held against the expectation.</summary>
/// <param name="Design">The design.</param>
/// <param name="Property">The property.</param>
/// <param name="Judgement">The cell's worst judgement: unexpected, then missed, then expected, then holds.</param>
/// <param name="FoundBy">The checkers that found a violation.</param>
/// <param name="MissedBy">The checkers expected to find it that did not.</param>
public sealed record JudgedCell(string Design, string Property, Judgement Judgement, IReadOnlyList<string> FoundBy, IReadOnlyList<string> MissedBy);

/// <summary>The verdict table of a run, judged.</summary>
/// <param name="Verdicts">One verdict per design x property x checker that ran on the design.</param>
/// <param name="Cells">One cell per design x property.</param>
/// <param name="Divergences">Findings where model and implementation disagree, or a bug names no property: each is unexpected.</param>
public sealed record Judged(IReadOnlyList<Verdict> Verdicts, IReadOnlyList<JudgedCell> Cells, IReadOnlyList<Results.Finding> Divergences)
{
    /// <summary>How many cells or findings are of a judgement (divergences count as unexpected).</summary>
    public int Count(Judgement judgement) =>
        Verdicts.Count(v => v.Judgement == judgement) + (judgement == Judgement.Unexpected ? Divergences.Count : 0);

    /// <summary>The nested mutants result (<see cref="NightlyMutants"/>), when the run was given one.</summary>
    public HarnessResult? Mutants { get; init; }

    /// <summary>What the mutants result says the harness fails to catch (<see cref="NightlyMutants.Weaknesses"/>): each fails the run.</summary>
    public IReadOnlyList<string> Weaknesses { get; init; } = [];

    /// <summary>True when nothing is unexpected or missed and the mutants run, if any, left no weakness.</summary>
    public bool Passed => Count(Judgement.Unexpected) == 0 && Count(Judgement.Missed) == 0 && Weaknesses.Count == 0;
}

/// <summary>
/// The verdict rules of nightly and merge: a violation found where one is expected is EXPECTED; any other violation, and any
/// divergence, is UNEXPECTED; a violation a checker is expected to find and did not find is MISSED, but only when that
/// checker ran on that design (a shard that did not run it has nothing to say).
/// </summary>
public static class NightlyJudge
{
    /// <summary>Judges the checker results <paramref name="results"/> of <paramref name="designs"/>.</summary>
    public static Judged Judge(IReadOnlyList<HarnessResult> results, IReadOnlyList<string> designs, Expectations expectations)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(designs);
        ArgumentNullException.ThrowIfNull(expectations);

        // A mutants result measures the harness, not the designs: its kills are mutants' divergences and its coverage is of
        // mutants, so it is judged on its own.
        var mutants = results.LastOrDefault(NightlyMutants.IsMutants);
        results = Checked(results);
        var ran = results.SelectMany(r => r.Coverage).Select(c => (c.Design, c.Checker)).ToHashSet();
        var findings = results.SelectMany(r => r.Findings).ToList();
        var found = findings.Where(f => f.Kind == Results.FindingKind.Violation)
            .SelectMany(f => f.Properties.Select(p => (f.Design, Property: p, f.Checker)))
            .ToHashSet();
        var complete = results.SelectMany(r => r.Verdicts).ToLookup(v => (v.Design, v.Property, v.Checker), v => v.Value);
        var verdicts = new List<Verdict>();
        var cells = new List<JudgedCell>();
        foreach (var designName in designs)
        {
            var design = Designs.Parse(designName);
            foreach (var property in Properties.All)
            {
                var expectation = expectations.For(design, property);
                var foundBy = new List<string>();
                var missedBy = new List<string>();
                var cell = Judgement.Holds;
                foreach (var checker in Checkers.All.Where(c => ran.Contains((designName, c))))
                {
                    var isFound = found.Contains((designName, property.Name(), checker));
                    Judgement judgement;
                    if (isFound)
                    {
                        foundBy.Add(checker);
                        judgement = expectation.Violated ? Judgement.Expected : Judgement.Unexpected;
                    }
                    else if (expectation.FoundBy.Contains(checker))
                    {
                        missedBy.Add(checker);
                        judgement = Judgement.Missed;
                    }
                    else
                    {
                        judgement = Judgement.Holds;
                    }

                    var values = complete[(designName, property.Name(), checker)].ToList();
                    var value = isFound ? VerdictValue.Violated
                        : values.Count == 0 ? VerdictValue.HoldsSoFar
                        : values.All(v => v == VerdictValue.NotChecked) ? VerdictValue.NotChecked
                        : values.All(v => v == VerdictValue.Holds) ? VerdictValue.Holds
                        : VerdictValue.HoldsSoFar;
                    verdicts.Add(new Verdict(designName, property.Name(), checker, value) { Judgement = judgement });
                    cell = Worse(cell, judgement);
                }

                cells.Add(new JudgedCell(designName, property.Name(), cell, foundBy, missedBy));
            }
        }

        var divergences = findings.Where(f => f.Kind == Results.FindingKind.Divergence || f.Properties.Count == 0).ToList();
        return new Judged(verdicts, cells, divergences)
        {
            Mutants = mutants,
            Weaknesses = mutants is null ? [] : NightlyMutants.Weaknesses(mutants),
        };
    }

    /// <summary>The checkers' results on the designs: <paramref name="results"/> without a nested mutants result.</summary>
    public static IReadOnlyList<HarnessResult> Checked(IReadOnlyList<HarnessResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return [.. results.Where(r => !NightlyMutants.IsMutants(r))];
    }

    /// <summary>
    /// One finding per design, checker, kind and properties, the one with the fewest steps: what shards found twice is
    /// listed once in a merged report.
    /// </summary>
    public static IReadOnlyList<Results.Finding> Distinct(IEnumerable<Results.Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return [.. findings
            .GroupBy(f => (f.Design, f.Checker, f.Kind, Properties: string.Join(',', f.Properties)))
            .Select(g => g.OrderBy(f => f.Steps.Count).First())];
    }

    private static Judgement Worse(Judgement a, Judgement b) => Rank(a) >= Rank(b) ? a : b;

    private static int Rank(Judgement j) => j switch
    {
        Judgement.Unexpected => 3,
        Judgement.Missed => 2,
        Judgement.Expected => 1,
        _ => 0,
    };
}
