using System.Net;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Grpc;
using Csp.BuildingBlocks.Http;
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
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Logging.Debug;
using Microsoft.Extensions.Logging.EventSource;
using Prometheus;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// What every service gets: identity, structured logs with the trace context, problem details (including for bodies that
/// do not bind), Kestrel ports (REST and gRPC apart), Redis, JWT authentication, health checks, OpenAPI and Prometheus metrics.
/// </summary>
public static class ServiceDefaults
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddJsonLogs();
        PlatformMetrics.UseNoExemplars();
        TraceContextApplicationBuilderExtensions.AlwaysTraceRequests();

        builder.Services.AddExceptionHandler<StoreUnavailableHandler>();
        builder.Services.AddExceptionHandler<BadBodyProblems>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            if (TraceContextMiddleware.CurrentTraceId() is { } id) ctx.ProblemDetails.Extensions["correlationId"] = id;
        });
        // Bodies bind into typed drafts with the API's JSON; a body that does not bind throws, and BadBodyProblems names the field.
        builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

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

        builder.AddManagementPort(ports.Address);
        builder.AddCspRedis();
        builder.AddCspAuthentication();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        builder.Services.AddOpenApi();
        builder.Services.AddCspGrpcServer();
        return builder;
    }

    /// <summary>
    /// JSON console logs with scopes, so each line carries the trace and span ids of its activity (the host tracks them).
    /// Replaces the host's default console providers only, so a provider a test adds before this call stays.
    /// </summary>
    public static ILoggingBuilder AddJsonLogs(this IHostApplicationBuilder builder)
    {
        foreach (var descriptor in builder.Services.Where(d => d.ServiceType == typeof(ILoggerProvider)
                     && d.ImplementationType is { } type && (type == typeof(ConsoleLoggerProvider) || type == typeof(DebugLoggerProvider) || type == typeof(EventSourceLoggerProvider))).ToList())
            builder.Services.Remove(descriptor);
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        return builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = true;
        });
    }

    /// <summary>The standard middleware order. <c>UseRouting</c> must precede <c>UseHttpMetrics</c> so metrics carry the route.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCspTraceContext();
        app.UseRouting();
        app.UsePlatformHttpMetrics();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Health, metrics and the OpenAPI document: anonymous (in the cluster the gateway routes none of them publicly
    /// except the OpenAPI document). Metrics answer only on the management port.</summary>
    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains("ready") }).AllowAnonymous();
        app.MapMetrics("/metrics").AllowAnonymous().RequireManagementPort(app.ServiceProvider);
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }

    /// <summary>Requires the endpoint to be reached on the gRPC port only: decided by the port the connection arrived on
    /// (<see cref="Grpc.GrpcPortMatcherPolicy"/>), never by the client-written <c>Host</c> header.</summary>
    public static TBuilder RequireGrpcPort<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new GrpcPortOnly());
}
