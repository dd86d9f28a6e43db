using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>A gateway with no Auth configuration at all: secure by default.</summary>
public sealed class DevIssuerDefaultsTests : IAsyncLifetime
{
    private StandInService _actionPlan = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _actionPlan = await StandInService.StartAsync("actionplan");
        _gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = _actionPlan.Address,
            ["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = DeadAddress.Next(),
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _actionPlan.DisposeAsync();
    }

    [Fact]
    public async Task Dev_token_endpoints_do_not_exist_by_default()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _gateway.GetAsync("/dev/token?user=sam.patel")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _gateway.Client.PostAsJsonAsync("/dev/token", new { user = "sam.patel" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _gateway.GetAsync("/dev/users")).StatusCode);
    }

    [Fact]
    public async Task Token_signed_with_a_dev_key_is_rejected_when_no_issuer_is_configured()
    {
        var response = await _gateway.GetAsync("/api/partnerships/medway/actions", TestAuth.Token(DemoCallers.Manager));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.True(response.IsProblem());
    }

    [Fact]
    public async Task Public_pages_still_work_without_any_issuer()
    {
        // /public goes to the kpi cluster, which is not running here: the gateway lets the caller through to find that out.
        var response = await _gateway.GetAsync("/public/scorecard");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }
}
