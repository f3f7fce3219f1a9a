namespace Harness.Checking.Interleaving;

/// <summary>
/// Recover before register under Coyote: at every (re)registration, the first one included, the agent's disk holds what
/// its recovery made of it. Checked at the step where the agent registers (see <see cref="FreshVolumeCheck"/> for why a
/// plain check).
/// </summary>
public static class RecoverBeforeRegisterCheck
{
    /// <summary>The agent's disk as it registers.</summary>
    public static string? Registering(DiskObservation disk) => ClusterProperties.CheckRecoverBeforeRegister(disk);
}
