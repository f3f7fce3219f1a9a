using Harness.Checking.Nightly;
using Xunit;

namespace Harness.Tests.Nightly;

public sealed class ShardTests
{
    [Theory]
    [InlineData("1/1", 0, 1)]
    [InlineData("2/4", 1, 4)]
    [InlineData("4/4", 3, 4)]
    public void Parse_KOfN_CountsFromOne(string text, int index, int count) =>
        Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("0/2")]
    [InlineData("3/2")]
    [InlineData("2")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    public void Parse_Nonsense_OneLineError(string text)
    {
        var e = Assert.Throws<FormatException>(() => Shard.Parse(text));
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Owns_EveryItemBelongsToExactlyOneShard()
    {
        var shards = Enumerable.Range(0, 3).Select(i => new Shard(i, 3)).ToList();
        for (var item = 0; item < 100; item++)
        {
            Assert.Single(shards, s => s.Owns(item));
        }
    }

    [Fact]
    public void FromEnvironment_IndexedJob_IndexFromZeroCountFromFlagOrVariable()
    {
        var env = new Dictionary<string, string> { [Shard.JobIndexVariable] = "2", [Shard.CountVariable] = "5" };

        Assert.Equal(new Shard(2, 5), Shard.FromEnvironment(k => env.GetValueOrDefault(k), null));
        Assert.Equal(new Shard(2, 3), Shard.FromEnvironment(k => env.GetValueOrDefault(k), 3));
        Assert.Null(Shard.FromEnvironment(_ => null, 3));
        Assert.Throws<FormatException>(() => Shard.FromEnvironment(k => env.GetValueOrDefault(k), 2));
        Assert.Throws<FormatException>(() => Shard.FromEnvironment(k => k == Shard.JobIndexVariable ? "1" : null, null));
    }
}
