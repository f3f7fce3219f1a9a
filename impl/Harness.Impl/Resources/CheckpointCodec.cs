using System.Text.Json;

namespace Harness.Impl.Resources;

/// <summary>
/// The versioned on-disk encoding of a <see cref="ResourceSet"/>:
/// <c>{"version":1,"reservations":[{"role":..,"amount":..}],"volumes":[{"role":..,"id":..,"size":..,"incarnation":..}]}</c>.
/// The decoder is strict: anything but a complete, valid version-1 document is refused, because reading a damaged
/// file as a smaller set would make recovery destroy volumes (Mesos reads an empty file as the empty set).
/// </summary>
public static class CheckpointCodec
{
    /// <summary>The only encoding version this code writes and reads.</summary>
    public const int Version = 1;

    private static readonly JsonDocumentOptions StrictOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    /// <summary>Encodes <paramref name="set"/> as UTF-8 JSON, in a deterministic order.</summary>
    public static byte[] Encode(ResourceSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", Version);
            writer.WriteStartArray("reservations");
            foreach (var (role, amount) in set.Reservations)
            {
                writer.WriteStartObject();
                writer.WriteString("role", role);
                writer.WriteNumber("amount", amount);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("volumes");
            foreach (var v in set.Volumes)
            {
                writer.WriteStartObject();
                writer.WriteString("role", v.Role);
                writer.WriteString("id", v.Id);
                writer.WriteNumber("size", v.Size);
                writer.WriteNumber("incarnation", v.Incarnation);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Decodes a checkpoint read from <paramref name="path"/> (the path only names the file in the error).
    /// Throws <see cref="CorruptCheckpointException"/> when the bytes are not a complete valid document.
    /// </summary>
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
            if (version != Version)
            {
                throw new FormatException($"unknown version {version} (this agent reads version {Version})");
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
                volumes.Add(new Volume(
                    ReadString(item, "role"),
                    ReadString(item, "id"),
                    ReadInteger(item, "size"),
                    ReadInteger(item, "incarnation")));
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
            // JsonElement accessors throw this on a value of the wrong kind.
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

/// <summary>A checkpoint or target file that cannot be read or does not parse completely. The message names the file.</summary>
public sealed class CorruptCheckpointException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public CorruptCheckpointException()
        : base("Corrupt checkpoint")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public CorruptCheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public CorruptCheckpointException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="path"/> with the reason it was refused.</summary>
    public CorruptCheckpointException(string path, string reason, Exception? innerException = null)
        : base($"Refusing to start: checkpoint file '{path}' is unusable: {reason}", innerException)
    {
        FilePath = path;
    }

    /// <summary>The refused file, relative to the agent's work directory.</summary>
    public string? FilePath { get; }
}
