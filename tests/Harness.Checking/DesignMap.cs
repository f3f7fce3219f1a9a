using Harness.Impl.Agents;
using Harness.Model;

namespace Harness.Checking;

/// <summary>The same four designs on both sides: the model's <see cref="Design"/> and the implementation's <see cref="AgentDesign"/>.</summary>
public static class DesignMap
{
    /// <summary>The implementation's design of the same name.</summary>
    public static AgentDesign ToAgentDesign(this Design design) => AgentDesign.Parse(design.Name());
}
