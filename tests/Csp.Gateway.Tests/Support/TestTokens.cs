using Csp.BuildingBlocks.Auth;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.Tests.Support;

/// <summary>Tokens from the development issuer with the test signing key, as the gateway under test is configured.</summary>
public static class TestTokens
{
    public const string SigningKey = "test-only-signing-key-0123456789-abcdefghijklmnop";
    public const string OtherKey = "another-signing-key-nobody-trusts-0123456789-xyz";

    public static readonly DemoUser Manager = new("sam.patel", "Sam Patel", [Roles.Manager], "medway-council", ["medway"], "Medway CSP manager");
    public static readonly DemoUser PolicePartner = new("daniel.okafor", "Tom Reed", [Roles.Partner], "kent-police", ["medway", "swale"], "Kent Police inspector");
    public static readonly DemoUser PccFinance = new("sam.okafor", "Sam Okafor", [Roles.Finance, Roles.Board], "kent-pcc", ["*"], "PCC finance");

    public static DevTokenIssuer Issuer(string key = SigningKey, string audience = "csp-platform", TimeProvider? clock = null, TimeSpan? lifetime = null) =>
        new(Options.Create(new AuthOptions
        {
            Audience = audience,
            DevIssuer = new DevIssuerOptions { Enabled = true, SigningKey = key, TokenLifetime = lifetime ?? TimeSpan.FromMinutes(10) },
        }), clock ?? TimeProvider.System);

    public static string For(DemoUser user) => Issuer().IssueFor(user);

    /// <summary>A clock stuck in the past, for tokens that have already expired.</summary>
    public sealed class PastClock(TimeSpan ago) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow - ago;
    }
}
