using System.Text.Json;

namespace Csp.BuildingBlocks.Auth;

/// <summary>A seeded user the development issuer can sign a token for. <paramref name="Roles"/> are partnership roles,
/// <c>{partnership}:{role}</c> (<c>medway:manager</c>, <c>swale:board</c>, <c>*:finance</c>, <c>*:admin</c>).</summary>
public sealed record DemoUser(
    string Id,
    string Name,
    IReadOnlyList<string> Roles,
    string? Agency,
    string Description = "",
    IReadOnlyList<string>? Funders = null)
{
    /// <summary>The partnerships this user holds a role in (<c>*</c> for a role held everywhere).</summary>
    public IReadOnlyList<string> Partnerships => Roles.Select(r => PartnershipRole.Parse(r).PartnershipId).Distinct().ToList();
}

/// <summary>Reads the demo users file: <c>{ "users": [ { "id", "name", "roles": ["medway:manager"], "agency", "description" } ] }</c>.</summary>
public static class DemoUsers
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<DemoUser> Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The demo users file '{path}' does not exist (Auth:DevIssuer:UsersFile).", path);
        using var stream = File.OpenRead(path);
        var file = JsonSerializer.Deserialize<UsersFile>(stream, Json)
            ?? throw new InvalidDataException($"The demo users file '{path}' is empty.");
        var users = file.Users ?? [];
        foreach (var user in users)
        {
            if (string.IsNullOrWhiteSpace(user.Id) || string.IsNullOrWhiteSpace(user.Name))
                throw new InvalidDataException($"A demo user in '{path}' has no id or name.");
            var invalid = (user.Roles ?? []).Where(r => !PartnershipRole.TryParse(r, out _)).ToList();
            var badFunders = (user.Funders ?? []).Where(f => !Caller.IsFunderId(f)).ToList();
            if (badFunders.Count > 0)
                throw new InvalidDataException($"Demo user '{user.Id}' has funders that are not slugs (e.g. kent-pcc): {string.Join(", ", badFunders)}.");
            if (invalid.Count > 0)
                throw new InvalidDataException($"Demo user '{user.Id}' has roles that are not partnership:role (e.g. medway:manager, *:finance, *:admin): {string.Join(", ", invalid)}.");
        }
        var duplicate = users.GroupBy(u => u.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidDataException($"Demo user '{duplicate.Key}' appears more than once in '{path}'.");
        return users.Select(u => u with { Roles = u.Roles ?? [], Description = u.Description ?? "", Funders = u.Funders ?? [] }).ToList();
    }

    private sealed record UsersFile(IReadOnlyList<DemoUser>? Users);
}
