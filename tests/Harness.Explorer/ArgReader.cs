using System.Globalization;

namespace Harness.Explorer;

/// <summary>Bad command-line usage: the command prints the message and exits with code 2.</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the error.</summary>
    public UsageException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an error without a message.</summary>
    public UsageException()
    {
    }

    /// <summary>Creates the error with a cause.</summary>
    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A small, strict reader of <c>--name value</c> options and positional arguments: every option must be
/// known to the command, every value must parse, and anything left over is an error.
/// </summary>
public sealed class ArgReader
{
    private readonly List<string> _args;

    /// <summary>Wraps the arguments that follow the command name.</summary>
    public ArgReader(IEnumerable<string> args) => _args = [.. args];

    /// <summary>Whether <c>--help</c> or <c>-h</c> was given.</summary>
    public bool WantsHelp => _args.Contains("--help") || _args.Contains("-h");

    /// <summary>Takes a string option, or returns the default.</summary>
    public string? Option(string name, string? fallback = null)
    {
        var i = _args.IndexOf(name);
        if (i < 0)
        {
            return fallback;
        }

        if (i + 1 >= _args.Count || _args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException($"{name} needs a value");
        }

        var value = _args[i + 1];
        _args.RemoveRange(i, 2);
        if (_args.Contains(name))
        {
            throw new UsageException($"{name} is given twice");
        }

        return value;
    }

    /// <summary>Takes a whole-number option within a range, or returns the default.</summary>
    public int Number(string name, int fallback, int min, int max)
    {
        var text = Option(name);
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"{name} takes a whole number from {min} to {max}, got '{text}'");
        }

        return value;
    }

    /// <summary>Takes a seed: a whole number from 0 to <see cref="uint.MaxValue"/>, or returns the default.</summary>
    public uint Seed(string name, uint fallback)
    {
        var text = Option(name);
        if (text is null)
        {
            return fallback;
        }

        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new UsageException($"{name} takes a whole number from 0 to {uint.MaxValue}, got '{text}'");
        }

        return value;
    }

    /// <summary>Takes a flag.</summary>
    public bool Flag(string name)
    {
        var i = _args.IndexOf(name);
        if (i < 0)
        {
            return false;
        }

        _args.RemoveAt(i);
        return true;
    }

    /// <summary>Takes the next positional argument.</summary>
    public string Positional(string what)
    {
        var i = _args.FindIndex(a => !a.StartsWith("--", StringComparison.Ordinal));
        if (i < 0)
        {
            throw new UsageException($"missing {what}");
        }

        var value = _args[i];
        _args.RemoveAt(i);
        return value;
    }

    /// <summary>Fails on anything not taken.</summary>
    public void End()
    {
        if (_args.Count > 0)
        {
            var first = _args[0];
            throw new UsageException(first.StartsWith("--", StringComparison.Ordinal)
                ? $"unknown option '{first}'"
                : $"unexpected argument '{first}'");
        }
    }
}
