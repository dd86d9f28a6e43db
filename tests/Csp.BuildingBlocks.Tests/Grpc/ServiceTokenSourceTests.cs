using System.Collections.Concurrent;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Grpc;
using Csp.BuildingBlocks.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Csp.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Csp.BuildingBlocks.Tests.Grpc;

/// <summary>A service's own token: the client-credentials grant against a real HTTP token endpoint, cached until shortly
/// before it expires; or, on a local run, signed by the development issuer for the service's name.</summary>
public sealed class ServiceTokenSourceTests : IAsyncLifetime
{
    private WebApplication _provider = null!;
    private Uri _tokenEndpoint = null!;
    private readonly ConcurrentQueue<IFormCollection> _grants = new();

    public async Task InitializeAsync()
    {
        var address = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(address);
        _provider = builder.Build();
        _provider.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            _grants.Enqueue(form);
            if (form["grant_type"] != "client_credentials" || form["client_id"] != "risk" || form["client_secret"] != "s3cret")
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            return Results.Json(new { access_token = $"token-{_grants.Count}", token_type = "Bearer", expires_in = 300 });
        });
        await _provider.StartAsync();
        _tokenEndpoint = new Uri($"{address}/token");
    }

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static ServiceTokenSource Source(AuthOptions auth, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpClient();
        services.AddSingleton(Options.Create(auth));
        services.AddSingleton(new ServiceIdentity("risk"));
        services.AddSingleton(clock);
        if (auth.DevIssuer.Enabled) services.AddSingleton<DevTokenIssuer>();
        services.AddSingleton<ServiceTokenSource>();
        return services.BuildServiceProvider().GetRequiredService<ServiceTokenSource>();
    }

    private AuthOptions ClientCredentials(string secret = "s3cret") => new()
    {
        ServiceToken = new ServiceTokenOptions { TokenEndpoint = _tokenEndpoint, ClientId = "risk", ClientSecret = secret, Scope = "csp-platform" },
    };

    [Fact]
    public async Task The_token_is_fetched_once_and_reused_until_shortly_before_it_expires()
    {
        var clock = new ManualClock();
        var source = Source(ClientCredentials(), clock);

        Assert.Equal("token-1", await source.GetAsync(CancellationToken.None));
        clock.Now += TimeSpan.FromSeconds(239);
        Assert.Equal("token-1", await source.GetAsync(CancellationToken.None));
        Assert.Single(_grants);
        Assert.Equal("csp-platform", _grants.Single()["scope"]);

        clock.Now += TimeSpan.FromSeconds(2); // 241 s of 300: inside the 60 s before expiry
        Assert.Equal("token-2", await source.GetAsync(CancellationToken.None));
        Assert.Equal(2, _grants.Count);
    }

    [Fact]
    public async Task A_refused_grant_fails_the_call_as_a_transport_failure_and_is_not_cached()
    {
        var source = Source(ClientCredentials(secret: "wrong"), new ManualClock());

        var failure = await Assert.ThrowsAsync<HttpRequestException>(async () => await source.GetAsync(CancellationToken.None));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, failure.StatusCode);
        await Assert.ThrowsAsync<HttpRequestException>(async () => await source.GetAsync(CancellationToken.None));
        Assert.Equal(2, _grants.Count);
    }

    [Fact]
    public async Task On_a_local_run_the_development_issuer_signs_a_service_token_for_this_service()
    {
        var auth = new AuthOptions { DevIssuer = new DevIssuerOptions { Enabled = true, SigningKey = TestAuth.SigningKey } };
        var token = new JsonWebToken(await Source(auth, TimeProvider.System).GetAsync(CancellationToken.None));

        Assert.Equal("risk", token.GetClaim(CspClaims.Service).Value);
        Assert.False(token.TryGetClaim(CspClaims.PartnershipRole, out _));
        Assert.Equal("csp-dev", token.Issuer);
        Assert.Empty(_grants);
    }
}
