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
            ("name", "Jo Barnes"), ("role", "board"), ("role", "partner"), ("agency", "medway-council"), ("partnership", "medway"));

        var response = await host.GetAsync("/whoami", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var caller = await response.Content.ReadFromJsonAsync<AuthProbeHost.CallerView>();
        Assert.Equal("jo.barnes", caller!.Subject);
        Assert.Equal(["board", "partner"], caller.Roles);
        Assert.Equal("medway-council", caller.Agency);
        Assert.Equal(["medway"], caller.Partnerships);
    }

    [Fact]
    public async Task Council_token_for_another_audience_is_401()
    {
        await using var host = await AuthProbeHost.StartAsync(AuthorityOnly());

        var response = await host.GetAsync("/whoami", _council.TokenFor("jo.barnes", "council-intranet", ("role", "board")));

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

    [Fact]
    public async Task Authority_and_dev_issuer_together_accept_both()
    {
        var settings = AuthorityOnly();
        foreach (var (key, value) in TestAuth.Configuration) settings[key] = value;
        await using var host = await AuthProbeHost.StartAsync(settings);

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/whoami", TestAuth.Token(DemoCallers.Manager))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/whoami", _council.TokenFor("jo.barnes", "csp-platform", ("role", "board")))).StatusCode);
    }

    [Fact]
    public async Task Gateway_in_cluster_mode_forwards_council_tokens()
    {
        await using var actionPlan = await StandInService.StartAsync("actionplan");
        var settings = AuthorityOnly();
        settings["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = actionPlan.Address;
        await using var gateway = await GatewayHost.StartAsync(settings);
        var token = _council.TokenFor("sam.patel", "csp-platform", ("role", "manager"), ("partnership", "medway"));

        var response = await gateway.GetAsync("/api/partnerships/medway/plans", token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<StandInService.Echo>();
        Assert.Equal($"Bearer {token}", echo!.Headers["Authorization"]);
    }
}
