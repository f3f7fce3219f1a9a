using Harness.Model;

namespace Harness.Checking.Generation;

/// <summary>
/// Shrinks scenarios by dropping lines, keeping only candidates the model can still run line by line (with every armed
/// fault firing), so a shrunk counterexample is always a valid scenario.
/// </summary>
public static class ScenarioShrinker
{
    /// <summary>
    /// Scenarios with one block of consecutive lines removed (halves first, then smaller), then with two single lines
    /// removed, then with a block of two to four lines and one more line removed.
    /// </summary>
    public static IEnumerable<Scenario> Candidates(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var lines = scenario.Commands;
        var n = lines.Count;
        for (var size = Math.Max(1, n / 2); size >= 1; size /= 2)
        {
            for (var start = 0; start + size <= n; start++)
            {
                yield return Renumber([.. lines.Take(start), .. lines.Skip(start + size)], scenario.Source);
            }

            if (size == 1)
            {
                break;
            }
        }

        // Two lines far apart can only go together when each needs the other, such as a fault and the step it fires at.
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 2; j < n; j++)
            {
                yield return Renumber([.. lines.Where((_, k) => k != i && k != j)], scenario.Source);
            }
        }

        // A short episode and one line elsewhere that only it made possible, such as a power loss and restart whose
        // re-registration message a later delivery consumed.
        for (var size = 2; size <= 4; size++)
        {
            for (var start = 0; start + size <= n; start++)
            {
                for (var j = 0; j < n; j++)
                {
                    if (j < start || j >= start + size)
                    {
                        yield return Renumber([.. lines.Where((_, k) => (k < start || k >= start + size) && k != j)], scenario.Source);
                    }
                }
            }
        }
    }

    /// <summary>Whether the model runs every line (no line that cannot happen) and every armed fault fires.</summary>
    public static bool IsValidOnModel(Design design, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            var runner = new ModelRunner(design, scenario);
            runner.RunAll();
            return !runner.PendingFaults.Any();
        }
        catch (ScenarioException)
        {
            return false;
        }
    }

    /// <summary>
    /// Drops lines greedily until no single candidate both stays valid on the model and keeps <paramref name="stillFails"/>
    /// true; returns the smallest scenario reached.
    /// </summary>
    public static Scenario Shrink(Design design, Scenario scenario, Func<Scenario, bool> stillFails)
    {
        ArgumentNullException.ThrowIfNull(stillFails);
        var current = scenario;
        var improved = true;
        while (improved)
        {
            improved = false;
            foreach (var candidate in Candidates(current))
            {
                if (IsValidOnModel(design, candidate) && stillFails(candidate))
                {
                    current = candidate;
                    improved = true;
                    break;
                }
            }
        }

        return current;
    }

    /// <summary>The lines numbered 1, 2, ... again.</summary>
    public static Scenario Renumber(IEnumerable<ScenarioCommand> lines, string source = "scenario") =>
        new([.. lines.Select((c, i) => c with { Line = i + 1 })], source);
}
