namespace Harness.Tests;

public class SmokeTests
{
    [Xunit.Fact]
    public void Build_Works() => Xunit.Assert.True(true);
}
