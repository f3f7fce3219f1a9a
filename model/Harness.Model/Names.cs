using System.Text;

namespace Harness.Model;

/// <summary>
/// The names of roles and persistence ids, mapped to the model's slot numbers, and the one rule for which
/// names are valid (<see cref="Check"/>): the scenario parser and the model use it, and it is the master's
/// rule word for word (the implementation's <c>ResourceNames.Check</c>; a test holds the two equal).
/// </summary>
public sealed class Names
{
    /// <summary>The longest name accepted, in UTF-8 bytes (a common file-name limit).</summary>
    public const int MaxBytes = 255;

    // Strict encoder: a lone surrogate cannot be written as a file name, so it is an invalid name.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string[] _roles;
    private readonly string[][] _ids;

    // What Check says of each name, found once: the model asks at every operation it weighs.
    private readonly string?[] _roleProblems;
    private readonly string?[][] _idProblems;

    /// <summary>Creates names from explicit lists; every role has the same number of id names.</summary>
    public Names(IReadOnlyList<string> roles, IReadOnlyList<IReadOnlyList<string>> ids)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(ids);
        if (roles.Count == 0 || ids.Count != roles.Count)
        {
            throw new ArgumentException("every role needs its list of ids", nameof(ids));
        }

        _roles = [.. roles];
        _ids = [.. ids.Select(l => l.ToArray())];
        IdsPerRole = _ids.Max(l => l.Length);
        _roleProblems = [.. _roles.Select(r => Check(r, "role"))];
        _idProblems = [.. _ids.Select(l => l.Select(id => Check(id, "persistence id")).ToArray())];
    }

    /// <summary>
    /// Returns why <paramref name="name"/> is not a valid role or persistence id (<paramref name="kind"/> names which,
    /// as the message shows it), or null when it is valid: 1 to 255 bytes of UTF-8, no '/', no NUL, no control
    /// character, neither '.' nor '..'. The messages are the master's, so that a model and an implementation that
    /// refuse the same name say the same thing.
    /// </summary>
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

    /// <summary>The default names <c>r1..rN</c> and <c>v1..vM</c>.</summary>
    public static Names Default(int roles, int ids) => new(
        [.. Enumerable.Range(1, roles).Select(i => $"r{i}")],
        [.. Enumerable.Range(0, roles).Select(_ => (IReadOnlyList<string>)[.. Enumerable.Range(1, ids).Select(i => $"v{i}")])]);

    /// <summary>Number of roles.</summary>
    public int RoleCount => _roles.Length;

    /// <summary>Largest number of ids in one role.</summary>
    public int IdsPerRole { get; }

    /// <summary>The name of a role.</summary>
    public string Role(int role) => _roles[role];

    /// <summary>The <c>role/id</c> name of a slot.</summary>
    public string Volume(int slot) => $"{_roles[slot / IdsPerRole]}/{Id(slot)}";

    /// <summary>The id part of a slot's name.</summary>
    public string Id(int slot)
    {
        var ids = _ids[slot / IdsPerRole];
        var i = slot % IdsPerRole;
        return i < ids.Length ? ids[i] : $"#{i + 1}";
    }

    /// <summary>Why the name of role <paramref name="role"/> is invalid (<see cref="Check"/>), or null.</summary>
    public string? RoleProblem(int role) => _roleProblems[role];

    /// <summary>Why the id name of <paramref name="slot"/> is invalid (<see cref="Check"/>), or null.</summary>
    public string? IdProblem(int slot)
    {
        var problems = _idProblems[slot / IdsPerRole];
        var i = slot % IdsPerRole;
        return i < problems.Length ? problems[i] : Check(Id(slot), "persistence id");
    }

    /// <summary>The role index of a name, or -1.</summary>
    public int FindRole(string role) => Array.IndexOf(_roles, role);

    /// <summary>The slot of <c>role/id</c>, or -1.</summary>
    public int FindSlot(string role, string id)
    {
        var r = FindRole(role);
        if (r < 0)
        {
            return -1;
        }

        var i = Array.IndexOf(_ids[r], id);
        return i < 0 ? -1 : (r * IdsPerRole) + i;
    }
}
