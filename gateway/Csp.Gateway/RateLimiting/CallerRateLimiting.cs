using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Csp.BuildingBlocks.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.RateLimiting;

/// <summary>Requests per minute for each caller (configuration section <c>RateLimiting</c>).</summary>
public sealed class RateLimitingOptions
{
    public const string SectionName = "RateLimiting";

    /// <summary>For an authenticated caller, counted by the token's <c>sub</c>.</summary>
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>For a caller without a valid token (a forged or garbage one included) and without a portal session
    /// cookie, counted by client IP address: the connection's, or the one a trusted proxy forwarded (see
    /// <see cref="Security.TrustedProxies"/>).</summary>
    public int AnonymousPermitsPerMinute { get; set; } = 120;

    /// <summary>For a browser with a portal session (no bearer token at the gateway; the portal's cookie), counted by the
    /// SHA-256 of the cookie's value.</summary>
    public int SessionPermitsPerMinute { get; set; } = 600;

    /// <summary>Every request without a valid token from one client address (sessions and anonymous callers together):
    /// the ceiling that forged or throw-away session cookies cannot get past. Higher than the others; never below
    /// <see cref="AnonymousPermitsPerMinute"/> (the larger of the two applies).</summary>
    public int AddressCeilingPerMinute { get; set; } = 3000;

    /// <summary>The portal's session cookie (ASP.NET's cookie authentication; a large one is split into
    /// <c>{name}C1</c>, <c>{name}C2</c>, ... which are hashed together).</summary>
    public string SessionCookie { get; set; } = "csp-session";

    /// <summary>Path prefixes whose GET and HEAD requests are never counted: the portal's static files, which a page load
    /// fetches many of (fonts, CSS, scripts, images) and which cost the portal nothing to serve.</summary>
    public List<string> UncountedPaths { get; set; } = ["/assets", "/favicon.ico"];
}

public static class CallerRateLimiting
{
    public static WebApplicationBuilder AddCallerRateLimiting(this WebApplicationBuilder builder, bool aspNetLimiter = false)
    {
        builder.Services.AddOptions<RateLimitingOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitingOptions.SectionName))
            .Validate(o => o.PermitsPerMinute > 0 && o.AnonymousPermitsPerMinute > 0 && o.SessionPermitsPerMinute > 0 && o.AddressCeilingPerMinute > 0,
                "RateLimiting permits must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.SessionCookie), "RateLimiting:SessionCookie must name the portal's session cookie.")
            .Validate(o => o.UncountedPaths.All(p => p.StartsWith('/') && p.Length > 1), "RateLimiting:UncountedPaths must be paths such as /assets.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CallerBuckets>();
        if (aspNetLimiter) AddAspNetLimiter(builder);
        return builder;
    }

    /// <summary>The per-caller limits, then the per-address ceiling: <see cref="CallerBuckets"/> (after authentication).</summary>
    public static IApplicationBuilder UseCallerRateLimiting(this IApplicationBuilder app) => app.UseMiddleware<CallerRateLimitingMiddleware>();

    private sealed class CallerRateLimitingMiddleware(RequestDelegate next, CallerBuckets buckets)
    {
        public Task InvokeAsync(HttpContext context)
        {
            var wait = buckets.TryTake(context);
            return wait is null ? next(context) : RejectAsync(context, wait.Value);
        }
    }

    internal enum Bucket : byte { Uncounted, Subject, Session, Address, AddressCeiling }

    /// <summary>A partition key without a per-request string: the kind, and the subject, the session cookie's hash or the
    /// client address.</summary>
    internal readonly record struct BucketKey(Bucket Kind, string? Subject = null, IPAddress? Address = null, UInt128 Session = default);

    /// <summary>Which buckets a request counts against: the caller's own (or none), and whether the address ceiling applies.</summary>
    internal sealed class Partitions(RateLimitingOptions options)
    {
        private readonly string[] _uncounted = [.. options.UncountedPaths];

        public int Permits(Bucket kind) => kind switch
        {
            Bucket.Subject => options.PermitsPerMinute,
            Bucket.Session => options.SessionPermitsPerMinute,
            Bucket.Address => options.AnonymousPermitsPerMinute,
            // Never below the anonymous limit: a deployment (or a test platform) that raises that limit is not silently capped.
            Bucket.AddressCeiling => Math.Max(options.AddressCeilingPerMinute, options.AnonymousPermitsPerMinute),
            _ => int.MaxValue,
        };

        /// <returns>The caller's bucket (kind <see cref="Bucket.Uncounted"/> when the request is not counted at all).</returns>
        public BucketKey Caller(HttpContext context)
        {
            if (IsUncounted(context)) return new BucketKey(Bucket.Uncounted);
            // The user is the one authentication validated (it runs before the limiter): an unvalidated token never names a bucket.
            if (Subject(context) is { } subject) return new BucketKey(Bucket.Subject, subject);
            if (SessionHash(context.Request.Cookies, options.SessionCookie) is { } session) return new BucketKey(Bucket.Session, Session: session);
            return new BucketKey(Bucket.Address, Address: context.Connection.RemoteIpAddress);
        }

        /// <summary>The address ceiling applies to every counted request without a valid token (sessions and anonymous callers).</summary>
        public static bool HasCeiling(BucketKey caller) => caller.Kind is Bucket.Session or Bucket.Address;

        /// <summary>Probes and scrapes come from the platform, not from callers; static files of the portal are not calls.</summary>
        private bool IsUncounted(HttpContext context)
        {
            var path = context.Request.Path;
            if (path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics")) return true;
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)) return false;
            foreach (var prefix in _uncounted)
                if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }

        private static string? Subject(HttpContext context) =>
            context.User.Identity?.IsAuthenticated == true ? context.User.FindFirst(CspClaims.Subject)?.Value : null;
    }

    private static async Task RejectAsync(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Clamp((int)Math.Ceiling(retryAfter.TotalSeconds), 1, 60);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: $"The request limit for this caller has been reached; try again in {seconds} seconds.").ExecuteAsync(http);
    }

    // ---- The pipeline before this change (Gateway:Pipeline:Before, for the benchmark's same-run comparison only): the same
    // partitions through ASP.NET Core's rate limiting middleware and two chained PartitionedRateLimiters.

    private static void AddAspNetLimiter(WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<RateLimitingOptions>>((limiter, limits) =>
            {
                var partitions = new Partitions(limits.Value);
                var noLimit = RateLimitPartition.GetNoLimiter(new BucketKey(Bucket.Uncounted));
                var factories = Enum.GetValues<Bucket>().ToDictionary(k => k, k => (Func<BucketKey, RateLimiter>)(_ => PerMinute(partitions.Permits(k))));
                limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                    PartitionedRateLimiter.Create<HttpContext, BucketKey>(context => partitions.Caller(context) is { Kind: not Bucket.Uncounted } caller
                        ? new RateLimitPartition<BucketKey>(caller, factories[caller.Kind]) : noLimit),
                    PartitionedRateLimiter.Create<HttpContext, BucketKey>(context => partitions.Caller(context) is var caller && Partitions.HasCeiling(caller)
                        ? new RateLimitPartition<BucketKey>(new BucketKey(Bucket.AddressCeiling, Address: context.Connection.RemoteIpAddress), factories[Bucket.AddressCeiling])
                        : noLimit));
                limiter.OnRejected = (context, _) => new ValueTask(RejectAsync(context.HttpContext,
                    context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1)));
            });
    }

    private static FixedWindowRateLimiter PerMinute(int permits) => new(new FixedWindowRateLimiterOptions
    {
        PermitLimit = permits,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    /// <summary>
    /// The portal session a browser presents, as the first 128 bits of the SHA-256 of its cookie's value (chunks joined in
    /// order), or null without one. The gateway cannot decrypt or check the cookie and does not need to: the hash only
    /// names a bucket. A forged or made-up cookie gets a bucket of its own, which the per-address ceiling bounds; the
    /// cookie value itself (a credential for the portal) is never kept.
    /// </summary>
    internal static UInt128? SessionHash(IRequestCookieCollection cookies, string name)
    {
        if (!cookies.TryGetValue(name, out var value) || string.IsNullOrEmpty(value)) return null;
        var material = value;
        // ASP.NET's chunking cookie manager writes "chunks-N" and the parts as {name}C1..{name}CN.
        if (value.StartsWith("chunks-", StringComparison.Ordinal) && int.TryParse(value.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is > 0 and <= 64)
        {
            var joined = new StringBuilder(value);
            for (var i = 1; i <= count; i++)
                joined.Append('\n').Append(cookies.TryGetValue($"{name}C{i.ToString(CultureInfo.InvariantCulture)}", out var chunk) ? chunk : "");
            material = joined.ToString();
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(MemoryMarshal.AsBytes(material.AsSpan()), hash);
        return MemoryMarshal.Read<UInt128>(hash);
    }
}
