using System.Globalization;
using System.Threading.RateLimiting;
using Csp.BuildingBlocks.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.RateLimiting;

/// <summary>Requests per minute for each caller (configuration section <c>RateLimiting</c>).</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>For an authenticated caller, counted by the token's <c>sub</c>.</summary>
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>For a caller without a valid token (a forged or garbage one included), counted by client IP address: the
    /// connection's, or the one a trusted proxy forwarded (see <see cref="Security.TrustedProxies"/>).</summary>
    public int AnonymousPermitsPerMinute { get; set; } = 120;
}

public static class CallerRateLimiting
{
    public static WebApplicationBuilder AddCallerRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitingOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitingOptions.SectionName))
            .Validate(o => o.PermitsPerMinute > 0 && o.AnonymousPermitsPerMinute > 0, "RateLimiting permits must be positive.")
            .ValidateOnStart();

        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitingOptions>>((limiter, limits) =>
            {
                var permits = limits.Value;
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, permits));
                limiter.OnRejected = OnRejected;
            });
        return builder;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitingOptions permits)
    {
        // Probes and scrapes come from the platform, not from callers. The user is the one authentication validated (it
        // runs before the limiter): an unvalidated token never names a bucket.
        if (context.Request.Path.StartsWithSegments("/healthz") || context.Request.Path.StartsWithSegments("/metrics"))
            return RateLimitPartition.GetNoLimiter("platform");

        var subject = context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(CspClaims.Subject)?.Value : null;
        return subject is not null
            ? RateLimitPartition.GetFixedWindowLimiter($"sub:{subject}", _ => PerMinute(permits.PermitsPerMinute))
            : RateLimitPartition.GetFixedWindowLimiter($"ip:{context.Connection.RemoteIpAddress}", _ => PerMinute(permits.AnonymousPermitsPerMinute));
    }

    private static FixedWindowRateLimiterOptions PerMinute(int permits) => new()
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static async ValueTask OnRejected(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: $"The request limit for this caller has been reached; try again in {seconds} seconds.").ExecuteAsync(http);
    }
}
