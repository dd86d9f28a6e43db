using Yarp.ReverseProxy.Transforms;

namespace Csp.Gateway.Proxy;

/// <summary>YARP routes and clusters from the <c>ReverseProxy</c> configuration section.</summary>
public static class GatewayProxy
{
    /// <summary>How long to wait for a TCP connection to a service before answering 503 (<c>Gateway:ConnectTimeout</c>).</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);

    public static WebApplicationBuilder AddGatewayProxy(this WebApplicationBuilder builder)
    {
        var connectTimeout = builder.Configuration.GetValue("Gateway:ConnectTimeout", DefaultConnectTimeout);
        var maxBody = MaxRequestBodyBytes(builder.Configuration);
        // Kestrel's own limit stays above the gateway's, so an oversize body is answered by RequestBodyLimit (413 problem
        // details) and not cut off by the server, with room to drain a moderately oversize body before answering (so the
        // client reads the 413, not a reset); it still bounds what a lying or endless body can make the gateway read.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = Math.Max(maxBody + 1, RequestBodyLimit.DrainBytes));
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<ApiRoutesRequireAuthentication>()
            // A destination that silently drops packets should fail fast as unavailable, not hang until ActivityTimeout.
            .ConfigureHttpClient((_, handler) => handler.ConnectTimeout = connectTimeout)
            .AddTransforms(transforms => transforms.AddResponseHeaderRemove("Server"));
        return builder;
    }

    /// <summary>
    /// A step of the proxy pipeline as a <see cref="RequestDelegate"/> middleware: nothing allocated per request on its
    /// synchronous path. With <paramref name="before"/> (the benchmark's <c>Gateway:Pipeline:Before</c>) it is wrapped the
    /// way the steps were written before: an async lambda over <c>Func&lt;Task&gt; next</c>, which costs a closure and a
    /// state machine per request each.
    /// </summary>
    internal static Func<RequestDelegate, RequestDelegate> Step(bool before, Func<HttpContext, RequestDelegate, Task> step) =>
        before
            ? next => context => ((Func<HttpContext, Func<Task>, Task>)(async (c, n) => await step(c, _ => n())))(context, () => next(context))
            : next => context => step(context, next);

    /// <summary>The largest request body the gateway forwards (<c>Gateway:MaxRequestBodyBytes</c>); larger ones are 413.</summary>
    public static long MaxRequestBodyBytes(IConfiguration configuration)
    {
        var max = configuration.GetValue("Gateway:MaxRequestBodyBytes", RequestBodyLimit.DefaultMaxBytes);
        if (max < 1024) throw new InvalidOperationException("Gateway:MaxRequestBodyBytes must be at least 1024.");
        return max;
    }

    public static IEndpointRouteBuilder MapGatewayProxy(this IEndpointRouteBuilder endpoints)
    {
        var maxBody = MaxRequestBodyBytes(endpoints.ServiceProvider.GetRequiredService<IConfiguration>());
        var before = endpoints.ServiceProvider.GetRequiredService<Hosting.GatewayPipelineOptions>().Before;
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseRequestBodyLimit(maxBody, before);
            proxy.UseAsciiHeaders(before);
            proxy.UseServiceUnavailableProblems(before);
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
