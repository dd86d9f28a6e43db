using System.Net.Http.Headers;
using Csp.BuildingBlocks.Auth;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace Csp.TestSupport;

/// <summary>
/// The one token factory of the tests: the real <see cref="DevTokenIssuer"/> with a test-only key, configured as every
/// service and gateway under test is (<see cref="Configuration"/>). Variants (another key, another audience, a clock in
/// the past) come from <see cref="IssuerWith"/>.
/// </summary>
public static class TestAuth
{
    public const string SigningKey = "csp-tests-only-signing-key-0123456789abcdef";
    public const string OtherKey = "another-signing-key-nobody-trusts-0123456789-xyz";
    public const string Issuer = "csp-dev";
    public const string Audience = "csp-platform";

    /// <summary>The services every host under test lets call its gRPC API (the risk service calls the action plan; the
    /// tests of the risk service's own gRPC API call it as <c>kpi</c>).</summary>
    public static readonly string[] AllowedServiceCallers = ["risk", "kpi"];

    /// <summary>Configuration that makes a service or the gateway accept test tokens, and lets the services in
    /// <see cref="AllowedServiceCallers"/> call a service's gRPC API. A service that calls another signs its own service
    /// token with the same development issuer.</summary>
    public static Dictionary<string, string?> Configuration
    {
        get
        {
            var settings = new Dictionary<string, string?>
            {
                ["Auth:Audience"] = Audience,
                ["Auth:DevIssuer:Enabled"] = "true",
                ["Auth:DevIssuer:Issuer"] = Issuer,
                ["Auth:DevIssuer:SigningKey"] = SigningKey,
            };
            for (var i = 0; i < AllowedServiceCallers.Length; i++) settings[$"Auth:AllowedServiceCallers:{i}"] = AllowedServiceCallers[i];
            return settings;
        }
    }

    /// <summary>A development issuer; by default the one the hosts under test trust.</summary>
    public static DevTokenIssuer IssuerWith(string key = SigningKey, string audience = Audience, TimeProvider? clock = null, TimeSpan? lifetime = null, string issuer = Issuer) =>
        new(Options.Create(new AuthOptions
        {
            Audience = audience,
            DevIssuer = new DevIssuerOptions { Enabled = true, Issuer = issuer, SigningKey = key, TokenLifetime = lifetime ?? TimeSpan.FromHours(1) },
        }), clock ?? TimeProvider.System);

    public static string Token(DemoUser user) => IssuerWith().IssueFor(user);

    public static string Token(TestUser user) => Token(user.AsDemoUser());

    /// <summary>A service token for <paramref name="service"/>, as that service would sign it on a local run.</summary>
    public static string ServiceToken(string service) => IssuerWith().IssueForService(service);

    /// <summary>A gRPC channel to <paramref name="address"/> that sends <paramref name="token"/> (or no token) on every call.</summary>
    public static GrpcChannel Channel(Uri address, string? token)
    {
        var http = new HttpClient();
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpClient = http, DisposeHttpClient = true });
    }

    /// <summary>A clock stuck in the past, for tokens that have already expired.</summary>
    public sealed class PastClock(TimeSpan ago) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow - ago;
    }
}

/// <summary>A signed-in person for tests. <paramref name="Roles"/> are partnership roles: <c>medway:manager</c>,
/// <c>swale:board</c>, <c>*:finance</c>, <c>*:admin</c>.</summary>
public sealed record TestUser(string Id, string Name, string[] Roles, string? Agency)
{
    /// <summary>The funders the user acts for (<c>csp_funder</c> claims), e.g. <c>kent-pcc</c> for the PCC's finance officer.</summary>
    public string[] Funders { get; init; } = [];

    public static TestUser Manager(string partnership = "medway") => new("mgr." + partnership, "Pat Manager", [$"{partnership}:manager"], "medway-council");
    public static TestUser Partner(string agency, string partnership = "medway") => new($"partner.{agency}", $"Partner of {agency}", [$"{partnership}:partner"], agency);
    public static TestUser Board(string partnership = "medway") => new("board." + partnership, "Board Member", [$"{partnership}:board"], "medway-council");
    public static TestUser Admin => new("admin", "Platform Admin", ["*:admin"], null);

    /// <summary>Someone with different roles in different partnerships, e.g. <c>With("priya", "kent-police", "medway:manager", "other:board")</c>.</summary>
    public static TestUser With(string id, string? agency, params string[] roles) => new(id, id, roles, agency);

    public DemoUser AsDemoUser() => new(Id, Name, Roles, Agency, Funders: Funders);
}
