using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests.Auth;

/// <summary>Cluster mode: tokens from the OIDC authority named in <c>Auth:Authority</c>, keys from its discovery document.</summary>
public sealed class OidcAuthorityTests : IAsyncLifetime
{
    private StandInOidcProvider _council = null!;

    public async Task InitializeAsync() => _council = await StandInOidcProvider.StartAsync();

    public async Task DisposeAsync() => await _council.DisposeAsync();

    private Dictionary<string, string?> AuthorityOnly() => new()
    {
        ["Auth:Authority"] = _council.Issuer,
        ["Auth:RequireHttpsMetadata"] = "false",
    };

    [Fact]
    public async Task Token_from_the_council_provider_becomes_a_caller()
    {
        await using var host = await AuthProbeHost.StartAsync(AuthorityOnly());
        var token = _council.TokenFor("jo.barnes", "csp-platform",
            ("name", "Jo Barnes"), ("csp_role", "medway:board"), ("csp_role", "swale:partner"), ("agency", "medway-council"));

        var response = await host.GetAsync("/whoami", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var caller = await response.Content.ReadFromJsonAsync<AuthProbeHost.CallerView>();
        Assert.Equal("jo.barnes", caller!.Subject);
        Assert.Equal(["medway:board", "swale:partner"], caller.Roles);
        Assert.Equal("medway-council", caller.Agency);
        Assert.Equal(["medway", "swale"], caller.Partnerships);
    }

    [Fact]
    public async Task Council_token_for_another_audience_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(AuthorityOnly());

        var response = await host.GetAsync("/whoami", _council.TokenFor("jo.barnes", "council-intranet", ("csp_role", "medway:board")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.IsProblem());
    }

    [Fact]
    public async Task Dev_issuer_token_is_401_when_only_the_authority_is_configured()
    {
        await using var host = await AuthProbeHost.StartAsync(AuthorityOnly());

        var response = await host.GetAsync("/whoami", TestAuth.Token(DemoCallers.Manager));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>Both issuers side by side (a deliberate local experiment: the explicit override is required).</summary>
    private Dictionary<string, string?> AuthorityAndDevIssuer()
    {
        var settings = AuthorityOnly();
        foreach (var (key, value) in TestAuth.Configuration) settings[key] = value;
        settings["Auth:DevIssuer:AllowInProductionOrWithAuthority"] = "true";
        return settings;
    }

    [Fact]
    public async Task Authority_and_dev_issuer_together_accept_both()
    {
        await using var host = await AuthProbeHost.StartAsync(AuthorityAndDevIssuer());

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/whoami", TestAuth.Token(DemoCallers.Manager))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/whoami", _council.TokenFor("jo.barnes", "csp-platform", ("csp_role", "medway:board")))).StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_the_dev_key_but_claiming_the_councils_issuer_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(AuthorityAndDevIssuer());
        var forged = TestAuth.IssuerWith(issuer: _council.Issuer).IssueFor(DemoCallers.Admin);

        var response = await host.GetAsync("/whoami", forged);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.IsProblem());
    }

    [Theory]
    [InlineData("none")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task A_dev_token_with_another_algorithm_is_401(string algorithm)
    {
        // A key long enough for HS512, so that only the algorithm pin can refuse the token.
        const string longKey = "a-development-key-long-enough-for-hs512-0123456789-0123456789-0123456789";
        var settings = AuthorityAndDevIssuer();
        settings["Auth:DevIssuer:SigningKey"] = longKey;
        await using var host = await AuthProbeHost.StartAsync(settings);
        var token = Tokens.DevTokenSignedWith(algorithm, longKey, TestAuth.Issuer, ("csp_role", "*:admin"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/whoami", token)).StatusCode);
        // The same token with the development issuer's own algorithm is accepted: the refusal is the algorithm's.
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/whoami", Tokens.DevTokenSignedWith("HS256", longKey, TestAuth.Issuer, ("csp_role", "*:admin")))).StatusCode);
    }

    [Fact]
    public async Task A_council_token_signed_with_HMAC_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(AuthorityAndDevIssuer());
        var token = Tokens.DevTokenSignedWith("HS256", TestAuth.SigningKey, _council.Issuer, ("csp_role", "*:admin"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/whoami", token)).StatusCode);
    }

    [Fact]
    public async Task Council_groups_map_onto_partnership_roles_with_the_configured_claim_and_prefix()
    {
        var settings = AuthorityOnly();
        settings["Auth:Claims:PartnershipRole"] = "groups";
        settings["Auth:Claims:PartnershipRolePrefix"] = "csp:";
        await using var host = await AuthProbeHost.StartAsync(settings);
        var token = _council.TokenFor("priya.shah", "csp-platform",
            ("groups", "csp:medway:manager"), ("groups", "csp:swale:board"), ("groups", "all-staff"), ("groups", "csp:medway:admin"),
            ("csp_role", "*:admin")); // not the configured claim: ignored

        var caller = await (await host.GetAsync("/whoami", token)).Content.ReadFromJsonAsync<AuthProbeHost.CallerView>();

        Assert.Equal(["medway:manager", "swale:board"], caller!.Roles);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.GetAsync("/admin-only", token)).StatusCode);
    }

    [Fact]
    public async Task Gateway_in_cluster_mode_forwards_council_tokens()
    {
        await using var actionPlan = await StandInService.StartAsync("actionplan");
        var settings = AuthorityOnly();
        settings["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = actionPlan.Address;
        await using var gateway = await GatewayHost.StartAsync(settings);
        var token = _council.TokenFor("sam.patel", "csp-platform", ("csp_role", "medway:manager"));

        var response = await gateway.GetAsync("/api/partnerships/medway/plans", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal($"Bearer {token}", echo!.Headers["Authorization"]);
    }
}
