using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>
/// The security headers and <c>X-Correlation-Id</c> are written by one callback when the response starts
/// (<c>GatewayResponseHeaders</c>): on proxied responses without doubling a service's own value, and on responses the
/// gateway writes itself after clearing what was there (429, 503). The benchmark's "before" pipeline
/// (<c>Gateway:Pipeline:Before</c>) applies the same rules, so the before/after comparison is like for like.
/// </summary>
public sealed class ResponseHeadersTests : IAsyncLifetime
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string TraceParent = $"00-{TraceId}-00f067aa0ba902b7-01";
    private StandInService _service = null!;

    public async Task InitializeAsync() => _service = await StandInService.StartAsync("kpi");

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private Task<GatewayHost> GatewayAsync(bool before = false, int permits = 600, string? address = null)
    {
        var settings = TestAuth.Configuration;
        foreach (var cluster in new[] { "actionplan", "kpi" })
            settings[$"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address"] = address ?? _service.Address;
        settings["RateLimiting:PermitsPerMinute"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (before) settings["Gateway:Pipeline:Before"] = "true";
        return GatewayHost.StartAsync(settings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_services_own_content_security_policy_is_kept_once_and_the_others_are_filled_in(bool before)
    {
        await using var gateway = await GatewayAsync(before);

        var response = await gateway.GetAsync("/public/scorecard?respond-csp=default-src%20%27none%27", traceParent: TraceParent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["default-src 'none'"], response.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal([TraceId], response.Headers.GetValues("X-Correlation-Id"));
        Assert.False(response.Headers.Contains("Server"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_429_carries_the_security_headers_the_correlation_id_and_retry_after(bool before)
    {
        await using var gateway = await GatewayAsync(before, permits: 2);
        var manager = TestAuth.Token(DemoCallers.Manager);
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/partnerships/medway/actions", manager)).StatusCode);

        var refused = await gateway.GetAsync("/api/partnerships/medway/actions", manager, TraceParent);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.IsProblem());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal(["DENY"], refused.Headers.GetValues("X-Frame-Options"));
        Assert.Equal([TraceId], refused.Headers.GetValues("X-Correlation-Id"));
        // Another caller has a bucket of their own.
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/partnerships/medway/actions", TestAuth.Token(DemoCallers.PolicePartner))).StatusCode);
    }

    [Fact]
    public async Task A_503_problem_written_after_clearing_the_response_still_carries_the_headers()
    {
        await using var gateway = await GatewayAsync(address: DeadAddress.Next());

        var response = await gateway.GetAsync("/api/partnerships/medway/actions", TestAuth.Token(DemoCallers.Manager), TraceParent);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.IsProblem());
        Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal([TraceId], response.Headers.GetValues("X-Correlation-Id"));
    }

    [Theory]
    [InlineData("Gateway:Pipeline:Before", "true")]
    [InlineData("Gateway:Pipeline:RateLimiter", "false")]
    [InlineData("Gateway:Pipeline:SecurityHeaders", "false")]
    public void Production_refuses_the_measurement_switches(string key, string value)
    {
        var settings = TestAuth.Configuration;
        settings[key] = value;

        var refused = Assert.Throws<InvalidOperationException>(() => GatewayHost.Build(settings, out _, environment: "Production"));

        Assert.Contains("Gateway:Pipeline", refused.Message);
    }
}
