using Csp.Gateway.Security;
using Csp.Gateway.Tests.Support;
using Microsoft.AspNetCore.Routing;

namespace Csp.Gateway.Tests;

/// <summary>
/// The authorization shortcut (<see cref="AuthenticatedCallerShortcut"/>) applies to exactly the routes whose only rule is
/// an authenticated caller (every <c>/api</c> route), and only for a caller authentication has authenticated; every other
/// request goes through ASP.NET Core's authorization middleware (401 problem details as before).
/// </summary>
public sealed class AuthorizationShortcutTests : IAsyncLifetime
{
    private StandInService _service = null!;

    public async Task InitializeAsync() => _service = await StandInService.StartAsync("actionplan");

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Every_api_route_and_nothing_else_has_only_the_default_policy()
    {
        var app = GatewayHost.Build(TestAuth.Configuration, out var _);
        await app.StartAsync();
        await using var running = app;

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var api = endpoints.Where(e => e.RoutePattern.RawText!.StartsWith("/api", StringComparison.Ordinal)).ToList();
        var others = endpoints.Except(api).ToList();

        Assert.NotEmpty(api);
        Assert.All(api, e => Assert.True(AuthenticatedCallerShortcut.OnlyTheDefaultPolicy(e), e.RoutePattern.RawText));
        Assert.Contains(others, e => e.RoutePattern.RawText!.StartsWith("/public", StringComparison.Ordinal));
        Assert.Contains(others, e => e.RoutePattern.RawText!.StartsWith("/healthz", StringComparison.Ordinal));
        Assert.All(others, e => Assert.False(AuthenticatedCallerShortcut.OnlyTheDefaultPolicy(e), e.RoutePattern.RawText));
    }

    [Fact]
    public async Task Without_a_valid_token_an_api_route_is_still_401_and_with_one_it_is_reached()
    {
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = _service.Address;
        await using var gateway = await GatewayHost.StartAsync(settings);
        var forged = TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(DemoCallers.Manager);

        foreach (var token in new[] { null, forged, "not-a-token" })
        {
            var refused = await gateway.GetAsync("/api/partnerships/medway/actions", token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.True(refused.IsProblem());
        }
        Assert.Equal(0, _service.Requests);

        var token2 = TestAuth.Token(DemoCallers.Manager);
        for (var i = 0; i < 2; i++) // the first validated in full, the second from the remembered identity
            Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/partnerships/medway/actions", token2)).StatusCode);
        Assert.Equal(2, _service.Requests);
    }
}
