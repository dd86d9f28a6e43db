using Yarp.ReverseProxy.Configuration;

namespace Csp.Gateway.Proxy;

/// <summary>
/// Secure by default: a route under <c>/api</c> without an authorization policy gets the default one (an authenticated
/// caller), and one marked anonymous stops the configuration from loading.
/// </summary>
internal sealed class ApiRoutesRequireAuthentication : IProxyConfigFilter
{
    public const string DefaultPolicy = "default";

    public ValueTask<ClusterConfig> ConfigureClusterAsync(ClusterConfig cluster, CancellationToken cancel) => ValueTask.FromResult(cluster);

    public ValueTask<RouteConfig> ConfigureRouteAsync(RouteConfig route, ClusterConfig? cluster, CancellationToken cancel)
    {
        var path = route.Match.Path ?? "";
        if (!path.Equals("/api", StringComparison.OrdinalIgnoreCase) && !path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
            return ValueTask.FromResult(route);
        if (string.Equals(route.AuthorizationPolicy, "anonymous", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Route '{route.RouteId}' ({path}) is under /api and must not be anonymous.");
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(route.AuthorizationPolicy) ? route with { AuthorizationPolicy = DefaultPolicy } : route);
    }
}
