using System.Net;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// What every service gets: identity, structured logs with the correlation id, problem details, Kestrel ports (REST and
/// gRPC apart), Redis, JWT authentication, health checks, OpenAPI and Prometheus metrics.
/// </summary>
public static class ServiceDefaults
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        builder.Services.AddSingleton(TimeProvider.System);

        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });

        builder.Services.AddExceptionHandler<StoreUnavailableHandler>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            if (CorrelationContext.Current is { } id) ctx.ProblemDetails.Extensions["correlationId"] = id;
        });

        var ports = builder.Configuration.GetSection(ServicePorts.Section).Get<ServicePorts>() ?? new ServicePorts();
        builder.Services.AddOptions<ServicePorts>().Bind(builder.Configuration.GetSection(ServicePorts.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var address = IPAddress.Parse(ports.Address);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ports.MaxRequestBodyBytes;
            kestrel.Listen(address, ports.Http, l => l.Protocols = HttpProtocols.Http1);
            if (ports.Grpc > 0) kestrel.Listen(address, ports.Grpc, l => l.Protocols = HttpProtocols.Http2);
        });

        builder.AddCspRedis();
        builder.AddCspAuthentication();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        builder.Services.AddOpenApi();
        builder.Services.AddGrpc(o => o.Interceptors.Add<CorrelationGrpcInterceptor>());
        return builder;
    }

    /// <summary>The standard middleware order. <c>UseRouting</c> must precede <c>UseHttpMetrics</c> so metrics carry the route.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCspCorrelationId();
        app.UseRouting();
        app.UseHttpMetrics();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Health, metrics and the OpenAPI document: anonymous (in the cluster the gateway routes none of them publicly
    /// except the OpenAPI document).</summary>
    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains("ready") }).AllowAnonymous();
        app.MapMetrics("/metrics").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>Requires the gRPC service to be reached on the gRPC port only.</summary>
    public static void RequireGrpcPort(this IEndpointConventionBuilder endpoint, IServiceProvider services)
    {
        var ports = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ServicePorts>>().Value;
        endpoint.RequireHost($"*:{ports.Grpc}");
    }
}
