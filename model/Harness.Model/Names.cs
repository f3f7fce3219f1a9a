namespace Harness.Model;

/// <summary>
/// The names of roles and persistence ids, mapped to the model's slot numbers. The model's names are
/// abstract labels: which strings are legal on a real disk is the implementation's business.
/// </summary>
public sealed class Names
{
    private readonly string[] _roles;
    private readonly string[][] _ids;

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
