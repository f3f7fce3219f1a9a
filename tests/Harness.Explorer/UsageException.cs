namespace Harness.Explorer;

/// <summary>Bad usage or bad input (a flag, a file, a directory): the command prints the message as one line and exits with code 2.</summary>
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
