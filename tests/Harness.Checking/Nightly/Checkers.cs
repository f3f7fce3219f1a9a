namespace Harness.Checking.Nightly;

/// <summary>The checkers a nightly run spends its budget on, by the names the expectation file and the report use.</summary>
public static class Checkers
{
    /// <summary>The exhaustive model checker, bounds growing while the budget lasts.</summary>
    public const string ModelCheck = "model-check";

    /// <summary>Every model-state-distinct sequence up to a depth, in lockstep on the simulated disk.</summary>
    public const string Exhaustive = "exhaustive";

    /// <summary>Generated sequences in lockstep on the simulated disk.</summary>
    public const string ConformSim = "conform-sim";

    /// <summary>Generated sequences in lockstep on the real disk.</summary>
    public const string ConformReal = "conform-real";

    /// <summary>Coyote interleavings of the implementation, with each strategy.</summary>
    public const string Interleave = "interleave";

    /// <summary>Every checker, in the order a run spends its budget.</summary>
    public static IReadOnlyList<string> All { get; } = [ModelCheck, Exhaustive, ConformSim, ConformReal, Interleave];

    /// <summary>The short name a report cell uses.</summary>
    public static string Abbreviation(string checker) => checker switch
    {
        ModelCheck => "mc",
        Exhaustive => "ex",
        ConformSim => "sim",
        ConformReal => "real",
        Interleave => "coyote",
        _ => checker,
    };
}
