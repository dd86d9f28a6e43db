using Csp.BuildingBlocks.Auth;
using Microsoft.Extensions.Options;

namespace Csp.TestSupport;

/// <summary>
/// The one token factory of the tests: the real <see cref="DevTokenIssuer"/> with a test-only key, configured as every
/// service and gateway under test is (<see cref="Configuration"/>). Variants (another key, another audience, a clock in
/// the past) come from <see cref="Issuer"/>.
/// </summary>
public static class TestAuth
{
    public const string SigningKey = "csp-tests-only-signing-key-0123456789abcdef";
    public const string OtherKey = "another-signing-key-nobody-trusts-0123456789-xyz";
    public const string Issuer = "csp-dev";
    public const string Audience = "csp-platform";

    /// <summary>Configuration that makes a service or the gateway accept test tokens.</summary>
    public static Dictionary<string, string?> Configuration => new()
    {
        ["Auth:Audience"] = Audience,
        ["Auth:DevIssuer:Enabled"] = "true",
        ["Auth:DevIssuer:Issuer"] = Issuer,
        ["Auth:DevIssuer:SigningKey"] = SigningKey,
    };

    /// <summary>A development issuer; by default the one the hosts under test trust.</summary>
    public static DevTokenIssuer IssuerWith(string key = SigningKey, string audience = Audience, TimeProvider? clock = null, TimeSpan? lifetime = null) =>
        new(Options.Create(new AuthOptions
        {
            Audience = audience,
            DevIssuer = new DevIssuerOptions { Enabled = true, Issuer = Issuer, SigningKey = key, TokenLifetime = lifetime ?? TimeSpan.FromHours(1) },
        }), clock ?? TimeProvider.System);

    public static string Token(DemoUser user) => IssuerWith().IssueFor(user);

    public static string Token(TestUser user) => Token(user.AsDemoUser());

    /// <summary>A clock stuck in the past, for tokens that have already expired.</summary>
    public sealed class PastClock(TimeSpan ago) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow - ago;
    }
}

/// <summary>A signed-in person for tests.</summary>
public sealed record TestUser(string Id, string Name, string[] Roles, string? Agency, string[] Partnerships)
{
    public static TestUser Manager(string partnership = "medway") => new("mgr." + partnership, "Pat Manager", ["manager"], "medway-council", [partnership]);
    public static TestUser Partner(string agency, string partnership = "medway") => new($"partner.{agency}", $"Partner of {agency}", ["partner"], agency, [partnership]);
    public static TestUser Board(string partnership = "medway") => new("board." + partnership, "Board Member", ["board"], "medway-council", [partnership]);
    public static TestUser Admin => new("admin", "Platform Admin", ["admin"], null, ["*"]);

    public DemoUser AsDemoUser() => new(Id, Name, Roles, Agency, Partnerships);
}
