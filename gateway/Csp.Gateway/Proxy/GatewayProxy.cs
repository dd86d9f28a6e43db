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
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<ApiRoutesRequireAuthentication>()
            // A destination that silently drops packets should fail fast as unavailable, not hang until ActivityTimeout.
            .ConfigureHttpClient((_, handler) => handler.ConnectTimeout = connectTimeout)
            .AddTransforms(transforms => transforms.AddResponseHeaderRemove("Server"));
        return builder;
    }

    public static IEndpointRouteBuilder MapGatewayProxy(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapReverseProxy(proxy =>
        {
            proxy.UseServiceUnavailableProblems();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
        return endpoints;
    }
}
