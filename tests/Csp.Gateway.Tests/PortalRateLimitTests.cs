using Csp.Gateway.Tests.Support;

namespace Csp.Gateway.Tests;

/// <summary>
/// Portal page loads (issue 11): a browser has the portal's session cookie and no bearer token at the gateway. Its static
/// files are never counted; each signed-in session has its own budget; anonymous callers are still counted by address;
/// and a per-address ceiling bounds what made-up session cookies can get.
/// </summary>
public sealed class PortalRateLimitTests : IAsyncLifetime
{
    private StandInService _portal = null!;

    public async Task InitializeAsync() => _portal = await StandInService.StartAsync("portal");

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private Task<GatewayHost> GatewayAsync(int anonymous = 120, int session = 600, int ceiling = 3000)
    {
        var settings = TestAuth.Configuration;
        settings["ReverseProxy:Clusters:portal:Destinations:primary:Address"] = _portal.Address;
        settings["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = _portal.Address;
        settings["RateLimiting:AnonymousPermitsPerMinute"] = anonymous.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimiting:SessionPermitsPerMinute"] = session.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["RateLimiting:AddressCeilingPerMinute"] = ceiling.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return GatewayHost.StartAsync(settings);
    }

    private static Task<HttpResponseMessage> PageAsync(GatewayHost gateway, string path, string? session = null, string? cookieHeader = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        var cookie = cookieHeader ?? (session is null ? null : $"csp-antiforgery=same-for-all; csp-session={session}");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return gateway.Client.SendAsync(request);
    }

    [Fact]
    public async Task Static_assets_are_never_rate_limited()
    {
        await using var gateway = await GatewayAsync(anonymous: 2, session: 2, ceiling: 3);

        foreach (var path in new[] { "/assets/govuk/govuk-frontend.min.css", "/assets/govuk/govuk-frontend.min.js", "/assets/fonts/bold-b542beb274-v2.woff2", "/assets/images/favicon.svg", "/assets/portal/portal.css" })
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, path)).StatusCode);
                Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, path, session: "a-session")).StatusCode);
            }
        for (var i = 0; i < 5; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await PageAsync(gateway, "/favicon.ico")).StatusCode);

        // The assets took nothing from the page budgets.
        Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/help/cookies")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/help/cookies")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PageAsync(gateway, "/help/cookies")).StatusCode);
    }

    [Fact]
    public async Task Only_reading_an_asset_is_uncounted()
    {
        await using var gateway = await GatewayAsync(anonymous: 2);
        for (var i = 0; i < 2; i++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await gateway.Client.PostAsync("/assets/portal/portal.css", null)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await gateway.Client.PostAsync("/assets/portal/portal.css", null)).StatusCode);
    }

    [Fact]
    public async Task Two_sessions_from_one_address_get_separate_budgets()
    {
        await using var gateway = await GatewayAsync(anonymous: 2, session: 3, ceiling: 100);

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/partnerships/medway", session: "first-session-cookie")).StatusCode);
        var refused = await PageAsync(gateway, "/partnerships/medway", session: "first-session-cookie");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);

        // Another signed-in person in the same office (same address) is not held back by the first, nor are anonymous visitors.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/partnerships/medway", session: "second-session-cookie")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/help/cookies")).StatusCode);
    }

    [Fact]
    public async Task A_chunked_session_cookie_is_one_session_and_two_chunked_sessions_are_two()
    {
        await using var gateway = await GatewayAsync(anonymous: 2, session: 2, ceiling: 100);
        string Chunked(string a, string b) => $"csp-session=chunks-2; csp-sessionC1={a}; csp-sessionC2={b}";

        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/", cookieHeader: Chunked("part-one-of-alice", "part-two-of-alice"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PageAsync(gateway, "/", cookieHeader: Chunked("part-one-of-alice", "part-two-of-alice"))).StatusCode);

        // Every chunked cookie starts "chunks-2": the chunks themselves tell sessions apart.
        for (var i = 0; i < 2; i++)
            Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/", cookieHeader: Chunked("part-one-of-bob", "part-two-of-bob"))).StatusCode);
    }

    [Fact]
    public async Task An_anonymous_caller_is_still_limited_at_120_a_minute()
    {
        await using var gateway = await GatewayAsync(); // the shipped defaults

        for (var i = 0; i < 120; i++)
            Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/help/accessibility")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PageAsync(gateway, "/help/accessibility")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await gateway.GetAsync("/public/scorecard")).StatusCode);

        // A signed-in session from the same address has its own budget.
        Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/help/accessibility", session: "signed-in")).StatusCode);
    }

    [Fact]
    public async Task The_per_address_ceiling_holds_against_made_up_session_cookies()
    {
        await using var gateway = await GatewayAsync(anonymous: 2, session: 3, ceiling: 8);

        // A new made-up cookie each request: every one is a fresh session bucket, but all come from one address.
        var answered = 0;
        for (var i = 0; i < 8; i++)
            if ((await PageAsync(gateway, "/partnerships/medway", session: Guid.NewGuid().ToString("N"))).StatusCode == HttpStatusCode.OK) answered++;
        Assert.Equal(8, answered);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PageAsync(gateway, "/partnerships/medway", session: Guid.NewGuid().ToString("N"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PageAsync(gateway, "/help/cookies")).StatusCode);

        // A caller with a valid token is counted by who they are, not by the address's ceiling; assets still load.
        Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync("/api/partnerships/medway/actions", TestAuth.Token(DemoCallers.Manager))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/assets/portal/portal.css", session: "any")).StatusCode);
    }

    [Fact]
    public async Task A_ceiling_configured_below_the_anonymous_limit_does_not_cap_it()
    {
        await using var gateway = await GatewayAsync(anonymous: 4, ceiling: 2);
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.OK, (await PageAsync(gateway, "/help/cookies")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PageAsync(gateway, "/help/cookies")).StatusCode);
    }
}
