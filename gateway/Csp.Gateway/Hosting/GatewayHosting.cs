using Csp.BuildingBlocks.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Csp.Gateway.Hosting;

/// <summary>Logging, problem details, health and metrics for the gateway process.</summary>
public static class GatewayHosting
{
    public static WebApplicationBuilder AddGatewayHosting(this WebApplicationBuilder builder)
    {
        builder.AddJsonLogs();
        PlatformMetrics.UseNoExemplars();
        TraceContextApplicationBuilderExtensions.AlwaysTraceRequests();
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
        // Metrics get a listener of their own (Ports:Management, on Ports:Address) beside the public URLs.
        var urls = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey);
        var address = builder.Configuration.GetValue("Ports:Address", "127.0.0.1")!;
        builder.WebHost.UseUrls([.. (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            builder.AddManagementUrl(address)]);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            if (TraceContextMiddleware.CurrentTraceId() is { } id) ctx.ProblemDetails.Extensions["correlationId"] = id;
        });
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        return builder;
    }

    /// <summary>Request counts and durations by endpoint and code (the SLO rules read them). The in-progress gauge is off:
    /// nothing reads it, and it cost two labelled gauge updates per request. No exemplars (<see cref="PlatformMetrics"/>);
    /// <paramref name="exemplars"/> puts prometheus-net's default back for the benchmark's before pipeline only.</summary>
    public static IApplicationBuilder UseGatewayMetrics(this IApplicationBuilder app, bool exemplars = false) =>
        exemplars ? app.UseHttpMetrics(o => o.InProgress.Enabled = false) : app.UsePlatformHttpMetrics(inProgress: false);

    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") }).AllowAnonymous();
        endpoints.MapHealthChecks("/healthz/ready").AllowAnonymous();
        endpoints.MapMetrics("/metrics").AllowAnonymous().RequireManagementPort(endpoints.ServiceProvider);
        return endpoints;
    }
}
