using System.Buffers;
using System.Text.Json;

namespace Harness.Impl.Resources;

/// <summary>
/// The versioned on-disk encoding of a <see cref="ResourceSet"/>:
/// <c>{"version":1,"reservations":[{"role":..,"amount":..}],"volumes":[{"role":..,"id":..,"size":..,"incarnation":..}]}</c>.
/// The decoder is strict: anything but a complete, valid version-1 document is refused, because reading a damaged
/// file as a smaller set would make recovery destroy volumes (Mesos reads an empty file as the empty set).
/// </summary>
/// <remarks>
/// Decoding reads the bytes twice with <see cref="Utf8JsonReader"/>, building no document: first the whole input must be
/// one complete JSON value (the syntax <see cref="JsonDocument"/> accepts with the same options: no comments, no trailing
/// commas, depth at most 8); then the document is checked field by field, in a fixed order (the root's field names, the
/// version, each reservation, each volume, then the set as a whole), so a document with several problems is always
/// refused for the same one. A saved copy of the reader stands for each field's value.
/// </remarks>
public static class CheckpointCodec
{
    /// <summary>The only encoding version this code writes and reads.</summary>
    public const int Version = 1;

    private static readonly JsonReaderOptions StrictOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    private static readonly string[] RootFields = ["version", "reservations", "volumes"];
    private static readonly string[] ReservationFields = ["role", "amount"];
    private static readonly string[] VolumeFields = ["role", "id", "size", "incarnation"];

    // One writer and its buffer per thread, reset for each encoding: only the returned array is new.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? encodeBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? encodeWriter;

    /// <summary>Encodes <paramref name="set"/> as UTF-8 JSON, in a deterministic order.</summary>
    public static byte[] Encode(ResourceSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var buffer = encodeBuffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = encodeWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
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
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
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
            var json = bytes.Span;
            RequireOneValue(json);
            var root = new Utf8JsonReader(json, StrictOptions);
            root.Read();
            var fields = default(FieldValues);
            ReadObject(ref root, "the document", RootFields, ref fields);
            var version = ReadInteger(ref fields.First, "version");
            if (version != Version)
            {
                throw new FormatException($"unknown version {version} (this agent reads version {Version})");
            }

            var reservations = new List<KeyValuePair<string, long>>();
            var reservationsArray = fields.Second;
            RequireArray(ref reservationsArray, "reservations");
            var reservation = default(FieldValues);
            while (NextItem(ref reservationsArray))
            {
                ReadObject(ref reservationsArray, "a reservation", ReservationFields, ref reservation);
                var role = ReadString(ref reservation.First, "role");
                foreach (var (existing, _) in reservations)
                {
                    if (existing == role)
                    {
                        throw new FormatException($"role '{role}' is reserved twice");
                    }
                }

                reservations.Add(new(role, ReadInteger(ref reservation.Second, "amount")));
            }

            var volumes = new List<Volume>();
            var volumesArray = fields.Third;
            RequireArray(ref volumesArray, "volumes");
            var volume = default(FieldValues);
            while (NextItem(ref volumesArray))
            {
                ReadObject(ref volumesArray, "a volume", VolumeFields, ref volume);
                volumes.Add(new Volume(
                    ReadString(ref volume.First, "role"),
                    ReadString(ref volume.Second, "id"),
                    ReadInteger(ref volume.Third, "size"),
                    ReadInteger(ref volume.Fourth, "incarnation")));
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
            // The reader's accessors throw this on a value they cannot convert (a string that is not valid UTF-8).
            throw new CorruptCheckpointException(path, e.Message, e);
        }
    }

    // The whole input must be exactly one complete JSON value; the reader throws JsonException otherwise.
    private static void RequireOneValue(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, StrictOptions);
        while (reader.Read())
        {
        }
    }

    /// <summary>
    /// Requires the value at <paramref name="reader"/> to be an object with exactly the fields <paramref name="names"/>,
    /// each once (checked in document order, then for a missing one); leaves in <paramref name="values"/> a reader at each
    /// field's value, in the order of <paramref name="names"/>, and <paramref name="reader"/> at the object's end.
    /// </summary>
    private static void ReadObject(ref Utf8JsonReader reader, string what, string[] names, ref FieldValues values)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException($"{what} must be a JSON object");
        }

        var seen = 0u;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = names.Length - 1;
            while (field >= 0 && !reader.ValueTextEquals(names[field]))
            {
                field--;
            }

            if (field < 0)
            {
                throw new FormatException($"{what} has an unknown field '{reader.GetString()}'");
            }

            if ((seen & (1u << field)) != 0)
            {
                throw new FormatException($"{what} has the field '{names[field]}' twice");
            }

            seen |= 1u << field;
            reader.Read();
            values.Set(field, reader);
            reader.Skip();
        }

        if (seen != (1u << names.Length) - 1)
        {
            throw new FormatException($"{what} lacks a field (needs {string.Join(", ", names)})");
        }
    }

    private static long ReadInteger(ref Utf8JsonReader value, string name)
    {
        if (value.TokenType != JsonTokenType.Number || !value.TryGetInt64(out var number))
        {
            throw new FormatException($"'{name}' must be a 64-bit integer");
        }

        return number;
    }

    private static string ReadString(ref Utf8JsonReader value, string name)
    {
        if (value.TokenType != JsonTokenType.String)
        {
            throw new FormatException($"'{name}' must be a string");
        }

        return value.GetString()!;
    }

    private static void RequireArray(ref Utf8JsonReader value, string name)
    {
        if (value.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException($"'{name}' must be an array");
        }
    }

    // Moves to the next item of the array the reader is in; false at its end.
    private static bool NextItem(ref Utf8JsonReader array) => array.Read() && array.TokenType != JsonTokenType.EndArray;

    /// <summary>A reader at the value of each field of an object, in the order its names are given (up to four).</summary>
    private ref struct FieldValues
    {
        public Utf8JsonReader First;
        public Utf8JsonReader Second;
        public Utf8JsonReader Third;
        public Utf8JsonReader Fourth;

        public void Set(int field, Utf8JsonReader value)
        {
            switch (field)
            {
                case 0:
                    First = value;
                    break;
                case 1:
                    Second = value;
                    break;
                case 2:
                    Third = value;
                    break;
                default:
                    Fourth = value;
                    break;
            }
        }
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
