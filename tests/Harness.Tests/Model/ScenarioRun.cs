using Harness.Model;

namespace Harness.Tests.Model;

/// <summary>Runs scenario text on the model for tests.</summary>
internal static class ScenarioRun
{
    public static (ModelRunner Runner, IReadOnlyList<RunStep> Steps) Run(Design design, string text)
    {
        var runner = new ModelRunner(design, Scenario.Parse(text, "test"));
        var steps = runner.RunAll();
        return (runner, steps);
    }

    public static IEnumerable<PropertyId> Violated(IReadOnlyList<RunStep> steps) => steps.SelectMany(s => s.Violated).Distinct();

    public static FileContent Info(ModelRunner r, int agent = 0) => r.State.GetFile(r.Semantics.Layout.Info[agent, 0]);

    public static FileContent Target(ModelRunner r, int agent = 0) => r.State.GetFile(r.Semantics.Layout.Target[agent, 0]);

    public static AgentStatus Status(ModelRunner r, int agent = 0) => (AgentStatus)r.State.GetInt(r.Semantics.Layout.Status[agent]);

    public static bool DirExists(ModelRunner r, string role, string id, int agent = 0) =>
        r.State.GetBool(r.Semantics.Layout.DirNow[agent, r.Semantics.Names.FindSlot(role, id)]);

    public static string Format(ModelRunner r, FileContent c) => r.Semantics.Format(c);
}
