using System.Text;
using Csp.BuildingBlocks.Auth;
using Csp.Gateway.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Csp.Gateway.Tests.Auth;

/// <summary>
/// The validated-token cache (building blocks Auth, used by the gateway and every service): only a token that validated
/// is remembered, keyed by the whole token string; it is never served past its exp or past Auth:TokenCache:MaxAge; it is
/// bounded. The first tests drive the cache with the real JWT handler and a clock the test moves; the others go through
/// the real bearer authentication of a real host.
/// </summary>
public sealed class TokenCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>The development issuer's validation as the bearer handler does it, with the lifetime check reading
    /// <paramref name="clock"/> (as the real one reads the system clock), so the test can let a token expire.</summary>
    private static TokenValidationParameters Parameters(TimeProvider clock) => new()
    {
        ValidIssuer = TestAuth.Issuer,
        ValidAudience = TestAuth.Audience,
        IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestAuth.SigningKey)),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireExpirationTime = true,
        LifetimeValidator = (_, expires, _, _) => expires is { } exp && clock.GetUtcNow().UtcDateTime < exp,
    };

    private static (CachingTokenHandler Handler, ValidatedTokenCache Cache, ManualClock Clock) Cached(TokenCacheOptions? options = null)
    {
        var clock = new ManualClock();
        var cache = new ValidatedTokenCache(options ?? new TokenCacheOptions(), clock);
        return (new CachingTokenHandler(new JsonWebTokenHandler { MapInboundClaims = false }, cache), cache, clock);
    }

    [Fact]
    public async Task An_expired_token_is_refused_even_though_it_was_cached()
    {
        var (handler, cache, clock) = Cached(new TokenCacheOptions { MaxAge = TimeSpan.FromHours(1) });
        var token = TestAuth.IssuerWith(lifetime: TimeSpan.FromMinutes(10)).IssueFor(DemoCallers.Manager);

        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clock))).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clock))).IsValid);
        Assert.Equal(1, cache.Hits);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var afterExpiry = await handler.ValidateTokenAsync(token, Parameters(clock));

        Assert.False(afterExpiry.IsValid);
        Assert.Equal(1, cache.Hits); // not served from the cache
        Assert.Equal(0, cache.Count); // and dropped from it
    }

    [Fact]
    public async Task A_cached_token_is_validated_in_full_again_after_the_max_age()
    {
        var (handler, cache, clock) = Cached(new TokenCacheOptions { MaxAge = TimeSpan.FromMinutes(2) });
        var token = TestAuth.IssuerWith(lifetime: TimeSpan.FromHours(8)).IssueFor(DemoCallers.Manager);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clock))).IsValid);

        clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        // Validated in full under parameters that now refuse the signing key (as after an emergency key removal).
        var keyRemoved = Parameters(clock);
        keyRemoved.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestAuth.OtherKey));

        Assert.False((await handler.ValidateTokenAsync(token, keyRemoved)).IsValid);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public async Task A_token_that_failed_is_never_remembered()
    {
        var (handler, cache, clock) = Cached();
        var forged = TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(DemoCallers.Admin);

        Assert.False((await handler.ValidateTokenAsync(forged, Parameters(clock))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, Parameters(clock))).IsValid);

        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public async Task Each_hit_gets_its_own_identity()
    {
        var (handler, _, clock) = Cached();
        var token = TestAuth.Token(DemoCallers.Manager);
        var first = await handler.ValidateTokenAsync(token, Parameters(clock));
        first.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim(CspClaims.PartnershipRole, "*:admin")); // as an event handler might

        var second = await handler.ValidateTokenAsync(token, Parameters(clock));

        Assert.True(second.IsValid);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity);
        Assert.Equal(["medway:manager"], second.ClaimsIdentity.FindAll(CspClaims.PartnershipRole).Select(c => c.Value));
    }

    [Fact]
    public async Task A_token_with_a_bad_signature_is_never_served_from_the_cache()
    {
        var app = AuthProbeHost.Build(TestAuth.Configuration, out var address);
        await app.StartAsync();
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var cache = app.Services.GetRequiredService<ValidatedTokenCache>();
        var token = TestAuth.Token(DemoCallers.Manager);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);
        Assert.Equal(1, cache.Hits);

        // The same header and payload, the signature changed; and the same claims signed with a key nobody trusts.
        var parts = token.Split('.');
        var flipped = parts[2][0] == 'A' ? 'B' : 'A';
        var tampered = $"{parts[0]}.{parts[1]}.{flipped}{parts[2][1..]}";
        var otherKey = TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(DemoCallers.Manager);
        foreach (var bad in new[] { tampered, tampered, otherKey, $"{parts[0]}.{parts[1]}.", $"{parts[0]}.{parts[1]}" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, bad)).StatusCode);

        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Count);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);
    }

    [Fact]
    public async Task A_cached_token_still_makes_the_same_caller_every_time()
    {
        await using var host = await AuthProbeHost.StartAsync(TestAuth.Configuration);
        var token = TestAuth.Token(DemoCallers.PolicePartner);

        var views = new List<AuthProbeHost.CallerView>();
        for (var i = 0; i < 3; i++)
        {
            var response = await host.GetAsync("/whoami", token);
            response.EnsureSuccessStatusCode();
            views.Add((await response.Content.ReadFromJsonAsync<AuthProbeHost.CallerView>())!);
        }

        Assert.All(views, v => Assert.Equal(["medway:partner", "swale:partner"], v.Roles));
        Assert.All(views, v => Assert.Equal("daniel.okafor", v.Subject));
        Assert.All(views, v => Assert.Equal("kent-police", v.Agency));
    }

    [Fact]
    public async Task The_cache_is_bounded()
    {
        var settings = TestAuth.Configuration;
        settings["Auth:TokenCache:MaxEntries"] = "3";
        var app = AuthProbeHost.Build(settings, out var address);
        await app.StartAsync();
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var cache = app.Services.GetRequiredService<ValidatedTokenCache>();

        // Each token has its own jti: ten different valid tokens.
        var tokens = Enumerable.Range(0, 10).Select(_ => TestAuth.Token(DemoCallers.Manager)).ToList();
        foreach (var token in tokens)
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);

        Assert.Equal(3, cache.Count);
        // Tokens it had no room for still validate, in full.
        foreach (var token in tokens)
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);
        Assert.Equal(3, cache.Count);
        Assert.Equal(3, cache.Hits);
    }

    [Fact]
    public async Task Switched_off_every_request_is_validated_in_full()
    {
        var settings = TestAuth.Configuration;
        settings["Auth:TokenCache:Enabled"] = "false";
        var app = AuthProbeHost.Build(settings, out var address);
        await app.StartAsync();
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var token = TestAuth.Token(DemoCallers.Manager);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);

        var cache = app.Services.GetRequiredService<ValidatedTokenCache>();
        Assert.Equal(0, cache.Count);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public async Task The_identity_after_the_events_is_remembered_only_for_a_token_that_validated_and_is_shared_frozen_so_no_request_can_change_it()
    {
        var (handler, cache, clock) = Cached(new TokenCacheOptions { MaxAge = TimeSpan.FromMinutes(2) });
        var token = TestAuth.Token(DemoCallers.Manager);
        var shaped = new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(CspClaims.PartnershipRole, "medway:manager")], "Bearer");

        cache.AddAuthenticated(token, handler.Owner, shaped); // never validated: nothing remembered
        Assert.False(cache.TryGetAuthenticated(token, handler.Owner, out _));

        Assert.True((await handler.ValidateTokenAsync(token, Parameters(clock))).IsValid);
        Assert.False(cache.TryGetAuthenticated(token, handler.Owner, out _)); // validated, but not yet through the events
        cache.AddAuthenticated(token, handler.Owner, shaped);

        shaped.AddClaim(new System.Security.Claims.Claim(CspClaims.PartnershipRole, "*:finance")); // the events' identity changed afterwards: not what was remembered
        Assert.True(cache.TryGetAuthenticated(token, handler.Owner, out var first));
        Assert.Equal(["medway:manager"], first.FindAll(CspClaims.PartnershipRole).Select(c => c.Value));
        Assert.Equal("Bearer", first.AuthenticationType);
        // One request trying to change the identity every request with this token shares: refused, and nothing changed.
        var admin = new System.Security.Claims.Claim(CspClaims.PartnershipRole, "*:admin");
        Assert.Throws<InvalidOperationException>(() => first.AddClaim(admin));
        Assert.Throws<InvalidOperationException>(() => first.AddClaims([admin]));
        Assert.Throws<InvalidOperationException>(() => first.RemoveClaim(first.Claims.First()));
        Assert.Throws<InvalidOperationException>(() => first.TryRemoveClaim(first.Claims.First()));
        Assert.True(cache.TryGetAuthenticated(token, handler.Owner, out var second));
        Assert.Same(first, second); // shared, not copied per request
        Assert.Equal(["medway:manager"], second.FindAll(CspClaims.PartnershipRole).Select(c => c.Value));
        var copy = second.Clone(); // a copy is an ordinary identity that may change
        copy.AddClaim(admin);
        Assert.Equal(["medway:manager"], second.FindAll(CspClaims.PartnershipRole).Select(c => c.Value));

        // Another scheme's handler, a changed token, or the entry past its age: not served.
        Assert.False(cache.TryGetAuthenticated(token, new object(), out _));
        Assert.False(cache.TryGetAuthenticated(token.AsSpan(0, token.Length - 1), handler.Owner, out _));
        clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGetAuthenticated(token, handler.Owner, out _));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Through_a_real_host_the_second_request_is_answered_from_the_remembered_identity_with_the_same_caller()
    {
        var app = AuthProbeHost.Build(TestAuth.Configuration, out var address);
        await app.StartAsync();
        await using var host = app;
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        var cache = app.Services.GetRequiredService<ValidatedTokenCache>();
        var token = TestAuth.Token(DemoCallers.PolicePartner);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, token)).StatusCode);

        // The events' identity is now remembered for this token (the handler's shortcut finds it)...
        Assert.True(cache.TryGetAuthenticated(token, ((CachingTokenHandler)app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions>>()
            .Get(Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerDefaults.AuthenticationScheme).TokenHandlers.Single()).Owner, out _));
        // ...and a request answered from it is the same caller.
        var view = await (await GetAsync(client, token)).Content.ReadFromJsonAsync<AuthProbeHost.CallerView>();
        Assert.Equal(["medway:partner", "swale:partner"], view!.Roles);
        Assert.Equal("kent-police", view.Agency);
        // A token with one character of its signature changed is validated in full (and refused), not shortcut.
        var parts = token.Split('.');
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(client, $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}")).StatusCode);
    }

    [Theory]
    [InlineData("Auth:TokenCache:MaxEntries", "0")]
    [InlineData("Auth:TokenCache:MaxAge", "00:00:00")]
    public async Task A_cache_without_room_or_age_refuses_to_start(string key, string value)
    {
        var settings = TestAuth.Configuration;
        settings[key] = value;
        await using var app = AuthProbeHost.Build(settings, out _);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        Assert.Contains("Auth:TokenCache", failure.Message);
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Authorization = new("Bearer", token);
        return client.SendAsync(request);
    }
}
