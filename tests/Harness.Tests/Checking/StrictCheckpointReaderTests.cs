using System.Text;
using Harness.Checking;
using Harness.Impl.Resources;
using Xunit;

namespace Harness.Tests.Checking;

/// <summary>
/// The checkers' own checkpoint reader against the implementation's codec: on valid files and on damaged ones (every
/// truncation, every byte replaced by a few telling values, hand-written near misses) both accept the same files and read
/// the same sets. A codec that came to accept a damaged file would show here as a difference.
/// </summary>
public sealed class StrictCheckpointReaderTests
{
    private static readonly ResourceSet[] Valid =
    [
        ResourceSet.Empty,
        ResourceSet.Create([new("r1", 2)], [new Volume("r1", "v1", 1, 0)]),
        ResourceSet.Create([new("r1", 4), new("r2", 1)], [new Volume("r1", "v1", 1, 3), new Volume("r1", "v2", 2, 7), new Volume("r2", "é", 1, 1)]),
    ];

    public static TheoryData<string> NearMisses =>
    [
        "",
        " ",
        "{}",
        "null",
        "[]",
        "{\"version\":1,\"reservations\":[],\"volumes\":[]} x",
        "{\"version\":1,\"reservations\":[],\"volumes\":[],}",
        "{\"version\":2,\"reservations\":[],\"volumes\":[]}",
        "{\"version\":1.0,\"reservations\":[],\"volumes\":[]}",
        "{\"version\":\"1\",\"reservations\":[],\"volumes\":[]}",
        "{\"version\":1,\"version\":1,\"reservations\":[],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[],\"volumes\":[],\"extra\":0}",
        "{\"version\":1,\"reservations\":{},\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[{\"role\":\"r1\",\"amount\":0}],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[{\"role\":\"r1\",\"amount\":1},{\"role\":\"r1\",\"amount\":1}],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[{\"role\":\"../x\",\"amount\":1}],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[{\"role\":\"..\",\"amount\":1}],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[{\"role\":\"\\u0001\",\"amount\":1}],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[{\"role\":\"\\ud800\",\"amount\":1}],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[],\"volumes\":[{\"role\":\"r1\",\"id\":\"v1\",\"size\":1,\"incarnation\":-1}]}",
        "{\"version\":1,\"reservations\":[],\"volumes\":[{\"role\":\"r1\",\"id\":\"v1\",\"size\":0,\"incarnation\":1}]}",
        "{\"version\":1,\"reservations\":[],\"volumes\":[{\"role\":\"r1\",\"id\":\"v1\",\"size\":1,\"incarnation\":1},{\"role\":\"r1\",\"id\":\"v1\",\"size\":1,\"incarnation\":2}]}",
        "{\"version\":1,\"reservations\":[],\"volumes\":[{\"role\":\"r1\",\"id\":\"v1\",\"size\":1}]}",
        "{\"version\":1,\"reservations\":[],\"volumes\":[]} /* c */",
        "\uFEFF{\"version\":1,\"reservations\":[],\"volumes\":[]}",
        "{\"version\":1,\"reservations\":[],\"volumes\":[[[[[[[[[]]]]]]]]]}",
    ];

    [Fact]
    public void Read_ValidFiles_ReadsTheSetTheCodecReads()
    {
        foreach (var set in Valid)
        {
            var bytes = CheckpointCodec.Encode(set);

            var read = StrictCheckpointReader.Read(bytes, out var why);

            Assert.True(read is not null, why);
            Assert.Equal(CheckpointCodec.Decode(bytes, "info"), read);
        }
    }

    [Fact]
    public void Read_EveryTruncationAndByteDamage_AgreesWithTheCodec()
    {
        var checkedFiles = 0;
        foreach (var set in Valid)
        {
            var bytes = CheckpointCodec.Encode(set);
            for (var length = 0; length < bytes.Length; length++)
            {
                AssertAgree(bytes[..length]);
                checkedFiles++;
            }

            foreach (var replacement in "\0\"}]x1-\\"u8.ToArray().Append((byte)0xFF))
            {
                for (var at = 0; at < bytes.Length; at++)
                {
                    var damaged = (byte[])bytes.Clone();
                    damaged[at] = replacement;
                    AssertAgree(damaged);
                    checkedFiles++;
                }
            }
        }

        Assert.True(checkedFiles > 1000, $"{checkedFiles} files");
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void Read_NearMisses_RefusedByBoth(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        Assert.Null(StrictCheckpointReader.Read(bytes, out var why));
        Assert.NotNull(why);
        Assert.Throws<CorruptCheckpointException>(() => CheckpointCodec.Decode(bytes, "info"));
    }

    private static void AssertAgree(byte[] bytes)
    {
        var ours = StrictCheckpointReader.Read(bytes, out var why);
        ResourceSet? codec;
        try
        {
            codec = CheckpointCodec.Decode(bytes, "info");
        }
        catch (CorruptCheckpointException)
        {
            codec = null;
        }

        Assert.True(Equals(ours, codec), $"{Encoding.UTF8.GetString(bytes)}: reader {ours?.ToString() ?? "refuses (" + why + ")"}, codec {codec?.ToString() ?? "refuses"}");
    }
}
