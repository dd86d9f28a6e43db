using System.Text.Json;

namespace Csp.BuildingBlocks.Auth;

/// <summary>A seeded user the development issuer can sign a token for.</summary>
public sealed record DemoUser(
    string Id,
    string Name,
    IReadOnlyList<string> Roles,
    string? Agency,
    IReadOnlyList<string> Partnerships,
    string Description = "");

/// <summary>Reads the demo users file: <c>{ "users": [ { "id", "name", "roles", "agency", "partnerships", "description" } ] }</c>.</summary>
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
            var unknown = (user.Roles ?? []).Where(r => !Auth.Roles.All.Contains(r)).ToList();
            if (unknown.Count > 0)
                throw new InvalidDataException($"Demo user '{user.Id}' has unknown roles: {string.Join(", ", unknown)}.");
        }
        var duplicate = users.GroupBy(u => u.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidDataException($"Demo user '{duplicate.Key}' appears more than once in '{path}'.");
        return users.Select(u => u with { Roles = u.Roles ?? [], Partnerships = u.Partnerships ?? [], Description = u.Description ?? "" }).ToList();
    }

    private sealed record UsersFile(IReadOnlyList<DemoUser>? Users);
}
