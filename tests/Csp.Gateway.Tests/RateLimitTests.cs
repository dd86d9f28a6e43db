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
        settings["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = _actionPlan.Address;
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
    public async Task Caller_over_the_limit_gets_429_with_retry_after_while_another_user_has_a_bucket_of_their_own()
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
    public async Task Forged_tokens_neither_take_a_users_bucket_nor_get_a_fresh_one_each()
    {
        // Signed with another key, claiming to be the manager: counted as an anonymous caller from this address.
        var forged = TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(DemoCallers.Manager);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.GetAsync("/api/partnerships/medway/actions", forged)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _gateway.GetAsync("/api/partnerships/medway/actions", forged)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _gateway.GetAsync("/api/partnerships/medway/actions", forged)).StatusCode);

        // Random garbage, a new one each time, shares that one anonymous bucket too.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _gateway.GetAsync("/api/partnerships/medway/actions", Guid.NewGuid().ToString("N"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await _gateway.GetAsync("/api/partnerships/medway/actions", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")).StatusCode);

        // The manager's own bucket was not touched by the forgeries.
        var manager = TestAuth.Token(DemoCallers.Manager);
        for (var i = 0; i < Permits; i++)
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/api/partnerships/medway/actions", manager)).StatusCode);
    }

    [Fact]
    public async Task Forwarded_for_from_an_untrusted_peer_is_ignored()
    {
        // No proxy is trusted by default: each request claims a new client address, all are counted as this connection's.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await SendForwardedAsync(_gateway, $"203.0.113.{i + 1}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendForwardedAsync(_gateway, "203.0.113.9")).StatusCode);
    }

    [Fact]
    public async Task Anonymous_callers_behind_a_trusted_proxy_are_counted_by_their_forwarded_address()
    {
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = _actionPlan.Address;
        settings["RateLimiting:AnonymousPermitsPerMinute"] = "2";
        settings["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        await using var behindProxy = await GatewayHost.StartAsync(settings);

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await SendForwardedAsync(behindProxy, "198.51.100.1")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendForwardedAsync(behindProxy, "198.51.100.1")).StatusCode);

        // Another client behind the same proxy has its own bucket; the proxy's own address is not a bucket shared by all.
        Assert.Equal(HttpStatusCode.OK, (await SendForwardedAsync(behindProxy, "198.51.100.2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendForwardedAsync(behindProxy, "198.51.100.2")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await behindProxy.GetAsync("/public/scorecard")).StatusCode);
    }

    private static Task<HttpResponseMessage> SendForwardedAsync(GatewayHost gateway, string clientAddress)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/public/scorecard");
        request.Headers.Add("X-Forwarded-For", clientAddress);
        return gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task Health_probes_are_never_rate_limited()
    {
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/healthz/live")).StatusCode);
    }
}
