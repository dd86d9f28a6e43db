using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Csp.Gateway.Security;

/// <summary>
/// Configuration section <c>ForwardedHeaders</c>: the proxies in front of the gateway (an ingress, a load balancer) whose
/// <c>X-Forwarded-For</c> is believed. Nothing is trusted by default, not even loopback: a caller that reaches the gateway
/// directly cannot choose the address it is counted under by sending the header.
/// </summary>
public sealed class TrustedProxiesOptions
{
    public const string Section = "ForwardedHeaders";

    /// <summary>Addresses of trusted proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

public static class TrustedProxies
{
    /// <summary>
    /// The client address after trusted forwarded headers: when the connection comes from a known proxy, the last
    /// address in its <c>X-Forwarded-For</c> becomes <see cref="ConnectionInfo.RemoteIpAddress"/> (what the rate limiter
    /// counts anonymous callers by); from anyone else the header is ignored.
    /// </summary>
    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var trusted = builder.Configuration.GetSection(TrustedProxiesOptions.Section).Get<TrustedProxiesOptions>() ?? new TrustedProxiesOptions();
        builder.Services.AddSingleton(trusted);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.KnownProxies)
                o.KnownProxies.Add(IPAddress.TryParse(proxy, out var ip) ? ip
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownProxies: '{proxy}' is not an IP address."));
            foreach (var network in trusted.KnownNetworks)
                o.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var net) ? net
                    : throw new InvalidOperationException($"ForwardedHeaders:KnownNetworks: '{network}' is not a CIDR network."));
        });
        return builder;
    }

    /// <summary>Applies forwarded headers only when some proxy is trusted: ASP.NET's middleware with empty
    /// <c>KnownProxies</c> and <c>KnownNetworks</c> would believe every peer.</summary>
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app)
    {
        var trusted = app.ApplicationServices.GetRequiredService<TrustedProxiesOptions>();
        return trusted.KnownProxies.Count + trusted.KnownNetworks.Count > 0 ? app.UseForwardedHeaders() : app;
    }
}
