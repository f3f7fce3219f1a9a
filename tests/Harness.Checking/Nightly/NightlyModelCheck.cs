using System.Globalization;
using Harness.Checking.Results;
using Harness.Model;

namespace Harness.Checking.Nightly;

/// <summary>
/// The model checker's part of a nightly run on one design: the bounds of <see cref="NightlyWork.ModelCheckLadder"/> in turn
/// while the slice lasts. Each rung's state limit is what the slice has left at the rate the rung before reached, so the
/// search stops near the slice's end instead of running past it; a rung that hits its limit is incomplete and ends the climb.
/// </summary>
public static class NightlyModelCheck
{
    /// <summary>States per second assumed before the first rung has measured the rate (a third of this machine's rate).</summary>
    private const double FirstRate = 300_000;

    /// <summary>Runs the ladder on <paramref name="design"/>.</summary>
    public static HarnessResult Run(Design design, NightlyWork work, Slice slice, ReportFiles files, NightlyProgress progress)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(slice);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(progress);
        progress.Begin(Checkers.ModelCheck, design.Name(), "states");
        var coverage = new List<Coverage>();
        var shortest = new Dictionary<PropertyId, (Violation Violation, Bounds Bounds)>();
        var rate = FirstRate;
        var allComplete = true;
        long lastStates = 0;
        foreach (var bounds in work.ModelCheckLadder.Take(work.ModelCheckLevels))
        {
            if (slice.Over)
            {
                allComplete = false;
                break;
            }

            var maxStates = slice.Remaining is { } left
                ? (int)Math.Clamp(left.TotalSeconds * rate, 1, 100_000_000)
                : 100_000_000;
            if (maxStates < lastStates)
            {
                // The next rung holds every state of this one and more: it cannot finish in what is left.
                allComplete = false;
                break;
            }

            var result = ModelChecker.Check(design, bounds, new CheckOptions { MaxStates = maxStates, Cancellation = slice.Token });
            progress.Add(result.States);
            rate = Math.Max(result.StatesPerSecond, 1);
            lastStates = result.States;
            coverage.Add(new Coverage
            {
                Checker = Checkers.ModelCheck,
                Design = design.Name(),
                Bound = Flags(bounds),
                States = result.States,
                Transitions = result.Transitions,
                Depth = result.Depth,
                Seconds = result.Seconds,
                Complete = result.Complete,
            });
            foreach (var v in result.Violations)
            {
                if (!shortest.TryGetValue(v.Property, out var known) || Lines(v) < Lines(known.Violation))
                {
                    shortest[v.Property] = (v, bounds);
                }
            }

            if (!result.Complete)
            {
                allComplete = false;
                break;
            }
        }

        var findings = new List<Results.Finding>();
        foreach (var (property, (violation, bounds)) in shortest.OrderBy(p => p.Key))
        {
            var scenario = violation.ToScenario();
            var file = files.Write($"{Checkers.ModelCheck}-{design.Name()}-{property.Name()}", ".scenario",
                $"# {design.Name()}: {property.Name()} violated (model checker, {Flags(bounds)})\n{scenario.Format()}");
            findings.Add(new Results.Finding
            {
                Kind = Results.FindingKind.Violation,
                Design = design.Name(),
                Checker = Checkers.ModelCheck,
                Properties = [property.Name()],
                Summary = $"{property.Name()} violated in {violation.Steps.Count} steps: {violation.Explanation}",
                Steps = [.. scenario.Commands.Select(c => c.ToString())],
                Files = [file],
                Replay = HarnessCommand.Line("replay", files.CommandPath(file), "--design", design.Name()),
            });
        }

        progress.Found(findings.Count);
        var verdicts = Properties.All.Select(p => new Verdict(
            design.Name(),
            p.Name(),
            Checkers.ModelCheck,
            p == PropertyId.Confinement ? VerdictValue.NotChecked
            : shortest.ContainsKey(p) ? VerdictValue.Violated
            : allComplete && coverage.Count > 0 ? VerdictValue.Holds : VerdictValue.HoldsSoFar)).ToList();
        return new HarnessResult
        {
            Command = Checkers.ModelCheck,
            Designs = [design.Name()],
            Seconds = coverage.Sum(c => c.Seconds),
            Complete = allComplete,
            ExitCode = findings.Count > 0 ? 1 : 0,
            Coverage = coverage,
            Verdicts = verdicts,
            Findings = findings,
        };
    }

    /// <summary>Bounds as the model-check command's flags.</summary>
    public static string Flags(Bounds bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"--agents {bounds.Agents} --roles {bounds.Roles} --ids {bounds.Ids} --ops {bounds.Operations} --io-errors {bounds.IoErrors} " +
            $"--crashes {bounds.Crashes} --power-losses {bounds.PowerLosses} --link-breaks {bounds.LinkBreaks}") +
            (bounds.Failovers > 0 ? string.Create(CultureInfo.InvariantCulture, $" --failovers {bounds.Failovers}") : string.Empty);
    }

    private static int Lines(Violation v) => v.Steps.Sum(s => s.Lines.Count);
}
