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
        TraceContextApplicationBuilderExtensions.AlwaysTraceRequests();
        builder.WebHost.ConfigureKestrel(o => o.AddServerHeader = false);
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            if (TraceContextMiddleware.CurrentTraceId() is { } id) ctx.ProblemDetails.Extensions["correlationId"] = id;
        });
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        return builder;
    }

    public static IApplicationBuilder UseGatewayMetrics(this IApplicationBuilder app) => app.UseHttpMetrics();

    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") }).AllowAnonymous();
        endpoints.MapHealthChecks("/healthz/ready").AllowAnonymous();
        endpoints.MapMetrics("/metrics").AllowAnonymous();
        return endpoints;
    }
}
