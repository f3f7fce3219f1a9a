using System.Text;
using System.Text.Json;
using Harness.Impl.Resources;

namespace Harness.Checking;

/// <summary>
/// The checkers' own reader of checkpoint files, written apart from the implementation's <see cref="CheckpointCodec"/>
/// (a document model instead of a token reader, its own field and name rules) so that a codec that wrongly accepts a
/// damaged file does not blind the checker that should catch it. It accepts exactly one complete version-1 document:
/// an object with the fields <c>version</c>, <c>reservations</c> and <c>volumes</c>, each once; reservations of distinct
/// valid roles with positive 64-bit amounts; volumes with valid role and id names, a positive size, an incarnation of at
/// least 0, and no role/id twice. Anything else is refused with the reason.
/// </summary>
public static class StrictCheckpointReader
{
    private const int MaxNameBytes = 255;

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads <paramref name="bytes"/>: the set, or null with <paramref name="why"/> saying why the file is refused.</summary>
    public static ResourceSet? Read(ReadOnlyMemory<byte> bytes, out string? why)
    {
        why = null;
        if (bytes.IsEmpty)
        {
            why = "the file is empty";
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            var root = document.RootElement;
            var fields = Fields(root, "the document", "version", "reservations", "volumes");
            if (fields[0].ValueKind != JsonValueKind.Number || !fields[0].TryGetInt64(out var version) || version != 1)
            {
                why = "the version is not 1";
                return null;
            }

            var reservations = new List<KeyValuePair<string, long>>();
            foreach (var item in Items(fields[1], "reservations"))
            {
                var reservation = Fields(item, "a reservation", "role", "amount");
                var role = Name(reservation[0], "role");
                var amount = Positive(reservation[1], "amount");
                if (reservations.Exists(r => r.Key == role))
                {
                    throw new FormatException($"role '{role}' is reserved twice");
                }

                reservations.Add(new(role, amount));
            }

            var volumes = new List<Volume>();
            foreach (var item in Items(fields[2], "volumes"))
            {
                var volume = Fields(item, "a volume", "role", "id", "size", "incarnation");
                var role = Name(volume[0], "role");
                var id = Name(volume[1], "id");
                var size = Positive(volume[2], "size");
                if (volume[3].ValueKind != JsonValueKind.Number || !volume[3].TryGetInt64(out var incarnation) || incarnation < 0)
                {
                    throw new FormatException("'incarnation' must be a 64-bit integer of at least 0");
                }

                if (volumes.Exists(v => v.Role == role && v.Id == id))
                {
                    throw new FormatException($"volume {role}/{id} is listed twice");
                }

                volumes.Add(new Volume(role, id, size, incarnation));
            }

            return ResourceSet.Create(reservations, volumes);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            why = e.Message;
            return null;
        }
    }

    private static JsonElement[] Fields(JsonElement element, string what, params string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{what} is not an object");
        }

        var values = new JsonElement[names.Length];
        var seen = new bool[names.Length];
        foreach (var property in element.EnumerateObject())
        {
            var index = Array.IndexOf(names, property.Name);
            if (index < 0 || seen[index])
            {
                throw new FormatException($"{what} has an unknown or repeated field '{property.Name}'");
            }

            seen[index] = true;
            values[index] = property.Value;
        }

        if (Array.IndexOf(seen, false) >= 0)
        {
            throw new FormatException($"{what} lacks one of the fields {string.Join(", ", names)}");
        }

        return values;
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Array ? element.EnumerateArray() : throw new FormatException($"'{what}' is not an array");

    private static long Positive(JsonElement element, string what) =>
        element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var value) && value > 0
            ? value
            : throw new FormatException($"'{what}' must be a positive 64-bit integer");

    private static string Name(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"'{what}' must be a string");
        }

        var name = element.GetString()!;
        // Round-trips through strict UTF-8, which refuses a lone surrogate.
        var bytes = StrictUtf8.GetByteCount(name);
        if (bytes is 0 or > MaxNameBytes || name is "." or ".." || name.Any(c => c == '/' || char.IsControl(c)))
        {
            throw new FormatException($"'{what}' is not a valid name");
        }

        return name;
    }
}
