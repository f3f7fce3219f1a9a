namespace Harness.Checking.Interleaving;

/// <summary>
/// Fresh volume under Coyote: every task the agent ran saw no data but of the incarnation it was launched on. Checked at
/// the step where the agent replies to the task; a violation is a Coyote assertion there (see
/// <see cref="ClusterActor.Check"/>). Safety properties are plain checks rather than Coyote monitors: they need no state
/// machine of Coyote's, and monitors cost every execution their registration and a dispatch at every observation.
/// </summary>
public static class FreshVolumeCheck
{
    /// <summary>A task ran on <paramref name="role"/>/<paramref name="id"/>, launched on incarnation <paramref name="launched"/>, and saw <paramref name="seenData"/>.</summary>
    public static string? TaskRan(string role, string id, long launched, string? seenData) =>
        ClusterProperties.CheckFreshVolume(role, id, launched, seenData);
}
