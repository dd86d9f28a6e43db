using System.Text.Json;
using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Permits = 3;
    private StandInService _actionPlan = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _actionPlan = await StandInService.StartAsync("actionplan");
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = _actionPlan.Address;
        settings["RateLimiting:PermitsPerMinute"] = Permits.ToString();
        settings["RateLimiting:AnonymousPermitsPerMinute"] = "2";
        _gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _actionPlan.DisposeAsync();
    }

    [Fact]
    public async Task Caller_over_the_limit_gets_429_with_retry_after_while_another_caller_is_served()
    {
        var busy = TestAuth.Token(DemoCallers.Manager);
        for (var i = 0; i < Permits; i++)
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/api/partnerships/medway/actions", busy)).StatusCode);

        var refused = await _gateway.GetAsync("/api/partnerships/medway/actions", busy);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.IsProblem());
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());

        var other = await _gateway.GetAsync("/api/partnerships/medway/actions", TestAuth.Token(DemoCallers.PolicePartner));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Health_probes_are_never_rate_limited()
    {
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/healthz/live")).StatusCode);
    }
}
