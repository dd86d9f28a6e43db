namespace Csp.Gateway.Hosting;

/// <summary>
/// Pieces of the gateway's per-request pipeline that can be switched off to measure what each costs (configuration
/// section <c>Gateway:Pipeline</c>; the benchmark's attribution rows). All on by default; the gateway refuses to start
/// in Production with any of them off. Token validation is not among them: it is never off (its cache is
/// <c>Auth:TokenCache:Enabled</c>).
/// </summary>
public sealed class GatewayPipelineOptions
{
    public const string Section = "Gateway:Pipeline";

    public bool SecurityHeaders { get; set; } = true;

    /// <summary>The <c>X-Correlation-Id</c> response header (the trace context itself is always carried).</summary>
    public bool CorrelationHeader { get; set; } = true;

    /// <summary>Prometheus request metrics (<c>UseHttpMetrics</c>).</summary>
    public bool RequestMetrics { get; set; } = true;

    public bool RateLimiter { get; set; } = true;

    /// <summary>The pipeline as it was before the gateway's own per-request work was made cheaper (issue 12): ASP.NET
    /// Core's rate limiting middleware with two chained partitioned limiters instead of <c>CallerBuckets</c>, and the
    /// security headers and <c>X-Correlation-Id</c> as two middlewares with a callback each, the proxy steps as async
    /// closures, ASP.NET Core's bearer handler without the remembered-identity shortcut, and authorization without its
    /// shortcut for an authenticated caller on a default-policy route. The same rules; kept only so
    /// that the benchmark measures before and after in one run. Refused in Production like the switches above.</summary>
    public bool Before { get; set; }

    public bool AllOn => SecurityHeaders && CorrelationHeader && RequestMetrics && RateLimiter && !Before;

    public static GatewayPipelineOptions From(WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(Section).Get<GatewayPipelineOptions>() ?? new GatewayPipelineOptions();
        if (!options.AllOn && builder.Environment.IsProduction())
            throw new InvalidOperationException($"{Section}: every piece of the gateway's pipeline must be on, and Before off, in Production (these switches exist to measure their cost).");
        return options;
    }
}
