using System.Globalization;
using Harness.Checking.Results;

namespace Harness.Explorer;

/// <summary>
/// Every file and directory the commands read or write goes through here, so that each failure (missing, read-only, a
/// directory where a file is expected, a full disk) becomes one line naming the path and exit code 2.
/// </summary>
public static class CliFiles
{
    /// <summary>The default output directory of a run: <c>out/&lt;command&gt;-&lt;design&gt;[-&lt;seed&gt;]</c> below the working directory.</summary>
    public static string DefaultOut(string command, string design, ulong? seed = null) =>
        Path.Combine("out", seed is null ? $"{command}-{design}" : string.Create(CultureInfo.InvariantCulture, $"{command}-{design}-{seed}"));

    /// <summary>Reads a file; <paramref name="what"/> says what it should be (a scenario, a trace).</summary>
    public static string ReadFile(string path, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new UsageException($"'{path}' is a directory, expected {what}");
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"cannot read '{path}': no such file", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"cannot read '{path}': permission denied", e);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>Writes a file whole; a failure names the path and says why (read-only, missing directory, disk full).</summary>
    public static void WriteFile(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new UsageException($"cannot write '{path}': it is a directory");
        }

        try
        {
            File.WriteAllText(path, text);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new UsageException($"cannot write '{path}': its directory '{Path.GetDirectoryName(Path.GetFullPath(path))}' does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"cannot write '{path}': permission denied", e);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot write '{path}': {e.Message.Split(" : ", 2)[0]}", e);
        }
    }

    /// <summary>
    /// Checks, before a long run, that <paramref name="path"/> (given with <paramref name="flag"/>) can be written: its directory
    /// exists and is writable and it is not a directory. A full disk can still fail the write later; that is reported then.
    /// </summary>
    public static void CheckWritableFile(string path, string flag)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new UsageException($"{flag} '{path}' is a directory, expected a file");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"{flag} '{path}': directory '{directory}' does not exist");
        }

        var existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.Append, FileAccess.Write))
            {
            }

            if (!existed)
            {
                File.Delete(path);
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"{flag} '{path}': permission denied", e);
        }
        catch (IOException e)
        {
            throw new UsageException($"{flag} '{path}': {e.Message.Split(" : ", 2)[0]}", e);
        }
    }

    /// <summary>Creates (or accepts) an output directory and checks that files can be written in it; returns its full path.</summary>
    public static string EnsureDirectory(string path, string flag)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (File.Exists(path))
        {
            throw new UsageException($"{flag} '{path}' is a file, expected a directory");
        }

        string full;
        try
        {
            full = Directory.CreateDirectory(path).FullName;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"{flag} '{path}': cannot create the directory: permission denied", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{flag} '{path}': cannot create the directory: {e.Message.Split(" : ", 2)[0]}", e);
        }

        var probe = Path.Combine(full, $".harness-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UsageException($"{flag} '{path}': the directory is not writable (permission denied)", e);
        }
        catch (IOException e)
        {
            throw new UsageException($"{flag} '{path}': the directory is not writable ({e.Message.Split(" : ", 2)[0]})", e);
        }

        return full;
    }

    /// <summary>Checks that the temporary directory (TMPDIR) can hold the real disk's work directories.</summary>
    public static void CheckTempSpace()
    {
        var temp = Path.GetTempPath();
        try
        {
            Directory.CreateTempSubdirectory("harness-probe-").Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"the temporary directory '{temp}' is not writable (set TMPDIR to a writable directory): {(e is UnauthorizedAccessException ? "permission denied" : e.Message.Split(" : ", 2)[0])}", e);
        }
    }

    /// <summary>Writes a result document to <paramref name="path"/>.</summary>
    public static void WriteResult(string path, HarnessResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        WriteFile(path, result.ToJson());
    }

    /// <summary>A path as printed lines show it: relative to the working directory when below it.</summary>
    public static string Display(string path) => HarnessCommand.DisplayPath(path);
}
