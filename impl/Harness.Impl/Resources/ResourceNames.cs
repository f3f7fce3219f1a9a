using System.Text;

namespace Harness.Impl.Resources;

/// <summary>
/// Validation of the names that become path segments on the agent: roles and persistence ids.
/// Both the master and the agent call it, so a hostile name never reaches the file system.
/// </summary>
public static class ResourceNames
{
    /// <summary>The longest name accepted, in UTF-8 bytes (a common file-name limit).</summary>
    public const int MaxBytes = 255;

    // Strict encoder: a lone surrogate cannot be written as a file name, so it is an invalid name.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Returns why <paramref name="name"/> is not a valid name of the given kind, or null when it is valid.</summary>
    public static string? Check(string? name, string kind)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"Invalid {kind}: it must not be empty";
        }

        if (name is "." or "..")
        {
            return $"Invalid {kind} '{name}': '.' and '..' are not allowed";
        }

        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(name);
        }
        catch (EncoderFallbackException)
        {
            return $"Invalid {kind}: it is not valid UTF-16 text";
        }

        if (bytes > MaxBytes)
        {
            return $"Invalid {kind}: it is {bytes} bytes long in UTF-8, the limit is {MaxBytes}";
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (rune.Value == '/')
            {
                return $"Invalid {kind} '{name}': it must not contain '/'";
            }

            if (rune.Value == 0)
            {
                return $"Invalid {kind}: it must not contain NUL";
            }

            if (Rune.IsControl(rune))
            {
                return $"Invalid {kind}: it must not contain control characters (found U+{rune.Value:X4})";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="InvalidResourceException"/> when <paramref name="name"/> is not a valid name.</summary>
    public static void Validate(string? name, string kind)
    {
        var error = Check(name, kind);
        if (error is not null)
        {
            throw new InvalidResourceException(error);
        }
    }
}

/// <summary>A role, persistence id, amount or set that breaks the resource rules.</summary>
public sealed class InvalidResourceException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public InvalidResourceException()
        : base("Invalid resource")
    {
    }

    /// <summary>Creates the exception with the reason the resource is invalid.</summary>
    public InvalidResourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a reason and the error that revealed it.</summary>
    public InvalidResourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
