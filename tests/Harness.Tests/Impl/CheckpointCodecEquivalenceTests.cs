using System.Text;
using System.Text.Json;
using Harness.Impl.Resources;
using Xunit;

namespace Harness.Tests.Impl;

/// <summary>
/// The streaming checkpoint decoder against a reference decoder built on <see cref="JsonDocument"/> (the codec's
/// earlier form): on valid documents, damaged ones and hostile ones, both accept the same inputs with the same sets and
/// refuse the rest with the same message.
/// </summary>
public sealed class CheckpointCodecEquivalenceTests
{
    private static readonly string[] Documents =
    [
        """{"version":1,"reservations":[],"volumes":[]}""",
        """{"version":1,"reservations":[{"role":"r1","amount":3}],"volumes":[{"role":"r1","id":"v1","size":1,"incarnation":2}]}""",
        """{"volumes":[{"incarnation":2,"size":1,"id":"v1","role":"r1"}],"reservations":[{"amount":3,"role":"r1"}],"version":1}""",
        """ { "version" : 1 , "reservations" : [ { "role" : "r\u0031" , "amount" : 3 } ] , "volumes" : [ ] } """,
        """{"\u0076ersion":1,"reservations":[],"volumes":[]}""",
        """{"version":1,"reservations":[{"role":"r1","amount":2},{"role":"r2","amount":5}],"volumes":[{"role":"r2","id":"b","size":2,"incarnation":0},{"role":"r2","id":"a","size":3,"incarnation":0}]}""",
        """{"version":2,"reservations":"x","volumes":[]}""",
        """{"version":1,"reservations":[{"role":"r","amount":1,"extra":[1,2]}],"volumes":[]}""",
        """{"version":1,"reservations":[{"role":"r","role":"s","amount":1}],"volumes":[]}""",
        """{"version":1,"reservations":[{"role":5,"amount":"x"}],"volumes":[]}""",
        """{"version":1,"reservations":[],"volumes":[{"role":"r","id":"v","size":-1,"incarnation":-2}]}""",
        """{"version":1,"reservations":[],"volumes":[{"role":"r","id":"..","size":1,"incarnation":0}]}""",
        """{"version":1,"reservations":[],"volumes":{}}""",
        """{"version":1e0,"reservations":[],"volumes":[]}""",
        """{"version":-0,"reservations":[],"volumes":[]}""",
        """{"version":99999999999999999999,"reservations":[],"volumes":[]}""",
        """{"version":1,"reservations":[],"volumes":[]}   """,
        """{"version":1,"reservations":[],"volumes":[],}""",
        """{"version":1,"reservations":[],"volumes":[]} {}""",
        """{"version":1,/*c*/"reservations":[],"volumes":[]}""",
        """{"version":1,"reservations":[[[[[[[[[[]]]]]]]]]],"volumes":[]}""",
        """{"version":[[[[[[[1]]]]]]],"reservations":[],"volumes":[]}""",
        """{"version":1,"reservations":[],"volumes":[],"version":1}""",
        """{"reservations":[],"volumes":[]}""",
        """{"version":1,"reservations":[],"volumes":[],"volumes":[]}""",
        """{"version":1,"reservations":[{"role":"r","amount":1,"amount":2}],"volumes":[]}""",
        """{"version":1,"reservations":[{"role":"r","amount":1}],"volumes":[{"role":"r","id":"v","size":1,"incarnation":0,"incarnation":1}]}""",
        """{"version":1,"reservations":5,"volumes":[]}""",
        """{"version":1,"reservations":[{"role":"r","amount":2}],"volumes":[{"role":"r","id":"v","size":1,"incarnation":0},{"role":"r","id":"v","size":1,"incarnation":0}]}""",
        """{"version":1,"reservations":[{"role":"r","amount":1}],"volumes":[{"role":"r","id":"\ud800","size":1,"incarnation":0}]}""",
        "",
        " ",
        "null",
        "[]",
        "\"text\"",
        "{",
        "}",
    ];

    [Fact]
    public void Decode_DocumentsDamagedAndNot_AgreesWithTheDocumentDecoder()
    {
        var inputs = Documents.Select(Encoding.UTF8.GetBytes).ToList();
        inputs.Add(CheckpointCodec.Encode(Sets.Of([("r1", 10), ("r2", 3)], new Volume("r1", "v1", 4, 7), new Volume("r2", "ü", 1, 0))));
        inputs.Add([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Documents[0])]);
        inputs.Add([.. Encoding.UTF8.GetBytes("""{"version":1,"reservations":[{"role":"r"""), 0xFF, .. Encoding.UTF8.GetBytes("\",\"amount\":1}],\"volumes\":[]}")]);

        // Damage every seed deterministically: truncations, byte flips, and insertions of JSON punctuation.
        var random = new Random(20261125);
        var seeds = inputs.Where(i => i.Length > 0).ToList();
        byte[] punctuation = "{}[],:\"0 -.e\\"u8.ToArray();
        for (var n = 0; n < 4000; n++)
        {
            var seed = seeds[random.Next(seeds.Count)];
            var bytes = seed.ToList();
            switch (random.Next(4))
            {
                case 0:
                    var keep = random.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                case 1:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count + 1), punctuation[random.Next(punctuation.Length)]);
                    break;
                default:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
            }

            inputs.Add([.. bytes]);
        }

        var accepted = 0;
        foreach (var input in inputs)
        {
            var expected = Outcome(() => DocumentDecoder.Decode(input, "meta/x.info"));
            var actual = Outcome(() => CheckpointCodec.Decode(input, "meta/x.info"));
            Assert.True(expected == actual, $"input {Encoding.UTF8.GetString(input)}:\n  document decoder: {expected}\n  codec:            {actual}");
            accepted += expected.StartsWith("set ", StringComparison.Ordinal) ? 1 : 0;
        }

        // The comparison covers both outcomes, not only refusals.
        Assert.InRange(accepted, 10, inputs.Count - 100);
    }

    private static string Outcome(Func<ResourceSet> decode)
    {
        try
        {
            var set = decode();
            return "set " + string.Join(" ", set.Reservations.Select(r => $"{r.Key}:{r.Value}")) + " | " + string.Join(" ", set.Volumes);
        }
        catch (CorruptCheckpointException e)
        {
            return $"refused ({e.FilePath}): {e.Message}";
        }
    }

    /// <summary>The codec's decoder as it was when it parsed a <see cref="JsonDocument"/>, kept as the reference.</summary>
    private static class DocumentDecoder
    {
        private static readonly JsonDocumentOptions StrictOptions = new()
        {
            AllowTrailingCommas = false,
            CommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 8,
        };

        public static ResourceSet Decode(ReadOnlyMemory<byte> bytes, string path)
        {
            if (bytes.IsEmpty)
            {
                throw new CorruptCheckpointException(path, "the file is empty");
            }

            try
            {
                using var document = JsonDocument.Parse(bytes, StrictOptions);
                var root = document.RootElement;
                RequireObject(root, "the document", "version", "reservations", "volumes");
                var version = ReadInteger(root, "version");
                if (version != CheckpointCodec.Version)
                {
                    throw new FormatException($"unknown version {version} (this agent reads version {CheckpointCodec.Version})");
                }

                var reservations = new List<KeyValuePair<string, long>>();
                var roles = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in ReadArray(root, "reservations"))
                {
                    RequireObject(item, "a reservation", "role", "amount");
                    var role = ReadString(item, "role");
                    if (!roles.Add(role))
                    {
                        throw new FormatException($"role '{role}' is reserved twice");
                    }

                    reservations.Add(new(role, ReadInteger(item, "amount")));
                }

                var volumes = new List<Volume>();
                foreach (var item in ReadArray(root, "volumes"))
                {
                    RequireObject(item, "a volume", "role", "id", "size", "incarnation");
                    volumes.Add(new Volume(ReadString(item, "role"), ReadString(item, "id"), ReadInteger(item, "size"), ReadInteger(item, "incarnation")));
                }

                var set = ResourceSet.Create(reservations, volumes);
                if (set.Volumes.Count != volumes.Count)
                {
                    throw new FormatException("a volume is listed twice");
                }

                var problems = set.Problems();
                if (problems.Count > 0)
                {
                    throw new FormatException(string.Join("; ", problems));
                }

                return set;
            }
            catch (JsonException e)
            {
                throw new CorruptCheckpointException(path, $"it is not complete JSON ({e.Message})", e);
            }
            catch (FormatException e)
            {
                throw new CorruptCheckpointException(path, e.Message, e);
            }
            catch (InvalidOperationException e)
            {
                throw new CorruptCheckpointException(path, e.Message, e);
            }
        }

        private static void RequireObject(JsonElement element, string what, params string[] names)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"{what} must be a JSON object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!names.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new FormatException($"{what} has an unknown field '{property.Name}'");
                }

                if (!seen.Add(property.Name))
                {
                    throw new FormatException($"{what} has the field '{property.Name}' twice");
                }
            }

            if (seen.Count != names.Length)
            {
                throw new FormatException($"{what} lacks a field (needs {string.Join(", ", names)})");
            }
        }

        private static long ReadInteger(JsonElement element, string name)
        {
            var value = element.GetProperty(name);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
            {
                throw new FormatException($"'{name}' must be a 64-bit integer");
            }

            return number;
        }

        private static string ReadString(JsonElement element, string name)
        {
            var value = element.GetProperty(name);
            if (value.ValueKind != JsonValueKind.String)
            {
                throw new FormatException($"'{name}' must be a string");
            }

            return value.GetString()!;
        }

        private static JsonElement.ArrayEnumerator ReadArray(JsonElement element, string name)
        {
            var value = element.GetProperty(name);
            if (value.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"'{name}' must be an array");
            }

            return value.EnumerateArray();
        }
    }
}
