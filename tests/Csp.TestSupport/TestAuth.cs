using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Csp.TestSupport;

/// <summary>Test tokens: signed with a test-only key by the same rules as the development issuer.</summary>
public static class TestAuth
{
    public const string SigningKey = "csp-tests-only-signing-key-0123456789abcdef";
    public const string Issuer = "csp-dev";
    public const string Audience = "csp-platform";

    /// <summary>Configuration that makes a service accept test tokens.</summary>
    public static Dictionary<string, string?> Configuration => new()
    {
        ["Auth:Audience"] = Audience,
        ["Auth:DevIssuer:Enabled"] = "true",
        ["Auth:DevIssuer:Issuer"] = Issuer,
        ["Auth:DevIssuer:SigningKey"] = SigningKey,
    };

    public static string Token(TestUser user, string? signingKey = null, DateTime? expires = null, string? audience = null)
    {
        var claims = new List<Claim> { new("sub", user.Id), new("name", user.Name) };
        claims.AddRange(user.Roles.Select(r => new Claim("role", r)));
        claims.AddRange(user.Partnerships.Select(p => new Claim("partnership", p)));
        if (user.Agency is not null) claims.Add(new Claim("agency", user.Agency));
        var exp = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = Issuer,
            Audience = audience ?? Audience,
            NotBefore = exp.AddHours(-2),
            Expires = exp,
            IssuedAt = exp.AddHours(-2),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey ?? SigningKey)), SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>A signed-in person for tests.</summary>
public sealed record TestUser(string Id, string Name, string[] Roles, string? Agency, string[] Partnerships)
{
    public static TestUser Manager(string partnership = "medway") => new("mgr." + partnership, "Pat Manager", ["manager"], "medway-council", [partnership]);
    public static TestUser Partner(string agency, string partnership = "medway") => new($"partner.{agency}", $"Partner of {agency}", ["partner"], agency, [partnership]);
    public static TestUser Board(string partnership = "medway") => new("board." + partnership, "Board Member", ["board"], "medway-council", [partnership]);
    public static TestUser Admin => new("admin", "Platform Admin", ["admin"], null, ["*"]);
}
