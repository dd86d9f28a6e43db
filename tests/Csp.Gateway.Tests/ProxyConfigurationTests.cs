using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>Routes added by configuration later stay behind authentication unless they are outside /api.</summary>
public sealed class ProxyConfigurationTests
{
    [Fact]
    public async Task New_api_route_without_a_policy_still_requires_a_token()
    {
        await using var service = await StandInService.StartAsync("kpi");
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = service.Address;
        settings["ReverseProxy:Routes:targets:ClusterId"] = "kpi";
        settings["ReverseProxy:Routes:targets:Match:Path"] = "/api/partnerships/{partnership}/targets/{**rest}";
        await using var gateway = await GatewayHost.StartAsync(settings);

        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.GetAsync("/api/partnerships/medway/targets")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/partnerships/medway/targets", TestAuth.Token(DemoCallers.Manager))).StatusCode);
    }

    [Fact]
    public async Task Anonymous_api_route_stops_the_gateway_from_starting()
    {
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Routes:leak:ClusterId"] = "kpi";
        settings["ReverseProxy:Routes:leak:Match:Path"] = "/api/partnerships/{partnership}/everything/{**rest}";
        settings["ReverseProxy:Routes:leak:AuthorizationPolicy"] = "anonymous";

        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = GatewayHost.Build(settings, out _);
            await app.StartAsync();
        });
        Assert.Contains("must not be anonymous", failure.ToString());
    }
}
