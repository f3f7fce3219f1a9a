using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Harness.Checking.Mutation;
using Harness.Checking.Results;

namespace Harness.Checking.Nightly;

/// <summary>
/// The harness's measured bug-finding power in a nightly report: the result of a <c>harness mutants</c> run, read from the
/// directory it wrote, nested in the report's results (never judged as a checker of the designs: its kills are mutants'
/// divergences, not the designs'), and shown as the section "Bug-finding power". A corpus mutant that no generative checker
/// killed in a complete mutants run fails the nightly, as MISSED does: both say the harness finds less than it used to.
/// </summary>
public static class NightlyMutants
{
    /// <summary>The command name of a mutants result.</summary>
    public const string Command = "mutants";

    /// <summary>The file a mutants run writes its result to, in its directory.</summary>
    public const string ResultFile = "result.json";

    /// <summary>The kill table a mutants run writes in its directory.</summary>
    public const string KillTableFile = "kill-table.md";

    /// <summary>Where the report keeps its copy of the kill table, relative to the report's directory.</summary>
    public static string KillTableCopy { get; } = Path.Combine("mutants", KillTableFile);

    /// <summary>True for the nested result of a mutants run (as opposed to a checker's result on a design).</summary>
    public static bool IsMutants(HarnessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Command == Command;
    }

    /// <summary>
    /// Reads and checks <paramref name="directory"/>/result.json: a harness-result/1 document of command mutants with its
    /// survivors list. Anything else throws <see cref="FormatException"/> with one line naming the problem.
    /// </summary>
    public static HarnessResult Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            throw new FormatException($"--mutants: '{directory}' is not a directory (give the --out directory of a harness mutants run)");
        }

        var path = Path.Combine(directory, ResultFile);
        if (!File.Exists(path))
        {
            throw new FormatException($"--mutants: no {ResultFile} in '{directory}' (a harness mutants run writes one there)");
        }

        HarnessResult result;
        try
        {
            result = HarnessResult.Parse(File.ReadAllText(path), path);
        }
        catch (ResultFormatException e)
        {
            throw new FormatException("--mutants: " + e.Message, e);
        }

        if (!IsMutants(result))
        {
            throw new FormatException($"--mutants: {path} is a '{result.Command}' result, not the result of harness mutants");
        }

        if (result.Options["survivors"] is not JsonArray survivors || survivors.Any(s => s is not JsonValue v || !v.TryGetValue<string>(out _)))
        {
            throw new FormatException($"--mutants: {path} has no list of survivors (options.survivors); it is not a complete mutants result");
        }

        return result;
    }

    /// <summary>Copies the run's kill table (when there is one) into the report's directory, at <see cref="KillTableCopy"/>.</summary>
    public static void CopyKillTable(string mutantsDirectory, string outDirectory)
    {
        ArgumentNullException.ThrowIfNull(mutantsDirectory);
        ArgumentNullException.ThrowIfNull(outDirectory);
        var from = Path.Combine(mutantsDirectory, KillTableFile);
        var to = Path.Combine(outDirectory, KillTableCopy);
        if (File.Exists(from) && Path.GetFullPath(from) != Path.GetFullPath(to))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
        }
    }

    /// <summary>The mutants no generative checker killed, in the run's order (those that did not build included).</summary>
    public static IReadOnlyList<string> Survivors(HarnessResult mutants)
    {
        ArgumentNullException.ThrowIfNull(mutants);
        return mutants.Options["survivors"] is JsonArray a ? [.. a.Select(s => s!.GetValue<string>())] : [];
    }

    /// <summary>
    /// What fails the nightly, one line each: every mutant that built and that no generative checker killed, and every
    /// checker that failed on the unmutated copy (its kills then measure nothing). Empty when the mutants run is incomplete:
    /// a run stopped early has not given every mutant its chance, and its survivors are shown, not judged.
    /// </summary>
    public static IReadOnlyList<string> Weaknesses(HarnessResult mutants)
    {
        ArgumentNullException.ThrowIfNull(mutants);
        if (!mutants.Complete)
        {
            return [];
        }

        var lines = new List<string>();
        foreach (var (checker, cell) in Cells(mutants.Options["baseline"]).Where(c => c.Value.StartsWith("killed", StringComparison.Ordinal)))
        {
            lines.Add($"{checker} fails on the unmutated copy ({cell}), so its kills measure nothing");
        }

        foreach (var id in Survivors(mutants).Where(id => Built(mutants, id)))
        {
            lines.Add($"mutant {id} survived every generative checker");
        }

        return lines;
    }

    /// <summary>The section "Bug-finding power" of report.md.</summary>
    public static void WriteSection(StringBuilder sb, HarnessResult mutants)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(mutants);
        var outcomes = mutants.Options["outcomes"] as JsonObject;
        var survivors = Survivors(mutants);
        var ids = outcomes is null
            ? survivors.Concat(mutants.Findings.Select(f => (f.Steps.Count > 0 ? f.Steps[0] : string.Empty))).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList()
            : [.. outcomes.Select(o => o.Key)];
        var built = ids.Count(id => Built(mutants, id));
        var checkers = mutants.Coverage.Select(c => c.Checker).Distinct(StringComparer.Ordinal).ToList();
        sb.Append("## Bug-finding power\n\n");
        var only = mutants.Options["only"] is JsonValue o && o.TryGetValue<string>(out var one) ? one : null;
        sb.Append(CultureInfo.InvariantCulture, $"What the harness's checkers catch, measured by `{mutants.Options["command"]?.GetValue<string>() ?? "harness mutants"}`: ");
        sb.Append(CultureInfo.InvariantCulture, $"{ids.Count} {(ids.Count == 1 ? "mutant" : "mutants")} of the corpus (mutants/index.json){(only is null ? string.Empty : ", not the whole corpus")}, {mutants.Seconds:F0} s, started {mutants.StartedAt:yyyy-MM-dd HH:mm} UTC");
        sb.Append(mutants.Complete ? ".\n\n" : $"; **incomplete** ({mutants.Incomplete ?? "stopped early"}): its survivors are shown but do not fail the run.\n\n");
        sb.Append("| checker | kill rate |\n|---|---|\n");
        foreach (var checker in checkers)
        {
            var rows = mutants.Coverage.Where(c => c.Checker == checker).ToList();
            long Count(string key) => rows.Sum(c => c.Windows?.GetValueOrDefault(key) ?? 0);
            var killed = Count("killed");
            var judged = killed + Count("survived") + Count("out-of-budget");
            sb.Append(CultureInfo.InvariantCulture, $"| {checker}{(MutationRunner.Generative.Contains(checker) ? " (generative)" : string.Empty)} | {killed}/{judged}{Percent(killed, judged)} |\n");
        }

        var generative = built - survivors.Count(id => Built(mutants, id));
        sb.Append(CultureInfo.InvariantCulture, $"| any generative checker | **{generative}/{built}**{Percent(generative, built)} |\n\n");

        sb.Append("**Not killed by any generative checker that ran**");
        sb.Append(mutants.Complete ? " (each fails the run):\n\n" : ":\n\n");
        if (survivors.Count == 0)
        {
            sb.Append("None.\n");
        }

        foreach (var id in survivors)
        {
            var about = outcomes?[id] as JsonObject;
            var bug = about?["bug"]?.GetValue<string>();
            var triage = about?["triage"]?.GetValue<string>();
            sb.Append("- **").Append(id).Append("**");
            sb.Append(Built(mutants, id) ? string.Empty : " (does not build)");
            sb.Append(bug is null ? string.Empty : $": {bug}");
            sb.Append(triage is null ? " Not triaged yet." : $" Triage: {triage}").Append('\n');
        }

        sb.Append('\n');
        if (outcomes is not null)
        {
            var lines = new List<string>();
            foreach (var checker in checkers.Where(MutationRunner.Generative.Contains))
            {
                var alive = outcomes.Where(o => Cells(o.Value?["cells"]).TryGetValue(checker, out var cell) && cell is "survived" or "out of budget")
                    .Select(o => o.Key + (Cells(o.Value?["cells"])[checker] == "out of budget" ? " (out of budget)" : string.Empty)).ToList();
                lines.Add($"- {checker}: {(alive.Count == 0 ? "none" : string.Join(", ", alive))}\n");
            }

            sb.Append("Survivors of each generative checker (killed by another checker or listed above):\n\n").AppendJoin(string.Empty, lines).Append('\n');
        }

        sb.Append("The full kill table (mutant x checker, time to kill, what each mutant stands for): [").Append(KillTableCopy.Replace('\\', '/'))
          .Append("](").Append(KillTableCopy.Replace('\\', '/')).Append(").\n\n");
    }

    private static bool Built(HarnessResult mutants, string id) =>
        mutants.Options["outcomes"]?[id]?["built"] is not JsonValue v || !v.TryGetValue<bool>(out var b) || b;

    private static Dictionary<string, string> Cells(JsonNode? node)
    {
        var cells = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                if (v is JsonValue value && value.TryGetValue<string>(out var s))
                {
                    cells[k] = s;
                }
            }
        }

        return cells;
    }

    private static string Percent(long part, long whole) =>
        whole == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" ({100.0 * part / whole:0} %)");
}
