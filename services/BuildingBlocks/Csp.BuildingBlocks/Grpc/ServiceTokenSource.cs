using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.Grpc;

/// <summary>
/// This service's own service token, for the gRPC calls it makes: from the OIDC provider's client-credentials grant
/// (<c>Auth:ServiceToken</c>) in the cluster, or signed by the development issuer for this service's name on a local
/// run. Cached, and replaced shortly before it expires (<see cref="ServiceTokenOptions.RefreshBeforeExpiry"/>).
/// </summary>
public sealed class ServiceTokenSource(IOptions<AuthOptions> options, ServiceIdentity identity, IHttpClientFactory http, TimeProvider clock,
    IServiceProvider services, ILogger<ServiceTokenSource> logger)
{
    public const string HttpClientName = "csp-service-token";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Cached? _cached;

    /// <summary>How many tokens this source has obtained (fetched or signed), for tests and logs.</summary>
    public int Obtained { get; private set; }

    /// <summary>The current token. Throws <see cref="HttpRequestException"/> when the provider does not give one, so the
    /// gRPC call fails as <c>Unavailable</c> (and is retried) rather than going out without an identity.</summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && clock.GetUtcNow() < cached.RefreshAt) return cached.Token;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_cached is { } again && clock.GetUtcNow() < again.RefreshAt) return again.Token;
            var (token, lifetime) = await ObtainAsync(cancellationToken);
            var margin = TimeSpan.FromTicks(Math.Min(options.Value.ServiceToken.RefreshBeforeExpiry.Ticks, lifetime.Ticks / 2));
            _cached = new Cached(token, clock.GetUtcNow() + lifetime - margin);
            Obtained++;
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> ObtainAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.ServiceToken;
        if (settings.UsesClientCredentials) return await ClientCredentialsAsync(settings, cancellationToken);
        if (services.GetService<DevTokenIssuer>() is { } dev) return (dev.IssueForService(identity.Name), dev.ServiceTokenLifetime);
        throw new InvalidOperationException("This service has no way to get a service token: set Auth:ServiceToken (TokenEndpoint, ClientId, ClientSecret), or enable the development issuer on a local run.");
    }

    private async Task<(string, TimeSpan)> ClientCredentialsAsync(ServiceTokenOptions settings, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = settings.ClientId!,
            ["client_secret"] = settings.ClientSecret!,
        };
        if (!string.IsNullOrWhiteSpace(settings.Scope)) form["scope"] = settings.Scope;
        using var client = http.CreateClient(HttpClientName);
        using var response = await client.PostAsync(settings.TokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogError("The token endpoint {TokenEndpoint} refused the client-credentials grant for {ClientId}: HTTP {Status}",
                settings.TokenEndpoint, settings.ClientId, (int)response.StatusCode);
            throw new HttpRequestException($"The token endpoint answered HTTP {(int)response.StatusCode} to the client-credentials grant.", null, response.StatusCode);
        }
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken);
        if (string.IsNullOrEmpty(body?.AccessToken) || body.ExpiresIn <= 0)
            throw new HttpRequestException("The token endpoint's answer has no access_token or expires_in.");
        logger.LogInformation("Service token obtained from {TokenEndpoint} for {ClientId}, valid {Seconds} s", settings.TokenEndpoint, settings.ClientId, body.ExpiresIn);
        return (body.AccessToken, TimeSpan.FromSeconds(body.ExpiresIn));
    }

    private sealed record Cached(string Token, DateTimeOffset RefreshAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

/// <summary>Puts this service's token on every outgoing gRPC request (each retry attempt included).</summary>
public sealed class ServiceTokenHandler(ServiceTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new("Bearer", await tokens.GetAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
