using Yarp.ReverseProxy.Transforms;

namespace Csp.Gateway.Proxy;

/// <summary>YARP routes and clusters from the <c>ReverseProxy</c> configuration section.</summary>
public static class GatewayProxy
{
    public static WebApplicationBuilder AddGatewayProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddConfigFilter<ApiRoutesRequireAuthentication>()
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
