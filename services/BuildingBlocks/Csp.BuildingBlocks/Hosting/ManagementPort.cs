using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// The management port (<c>Ports:Management</c>): where Prometheus scrapes <c>/metrics</c>. It is a Kestrel endpoint of
/// its own, never the public one, so a caller who can reach the REST port (or the gateway) cannot read the metrics. The
/// check is the port the connection arrived on (<see cref="ConnectionInfo.LocalPort"/>), which the caller cannot choose,
/// never the <c>Host</c> header, which it can.
/// </summary>
public static class ManagementPort
{
    public const string ConfigurationKey = "Ports:Management";

    /// <summary>The port when none is configured (each pod has its own address, so every process can use the same one).</summary>
    public const int DefaultPort = 9090;

    /// <summary>The configured management port.</summary>
    public static int Of(IConfiguration configuration)
    {
        var port = configuration.GetValue(ConfigurationKey, DefaultPort);
        if (port is < 1 or > 65535)
            throw new InvalidOperationException($"{ConfigurationKey} must be a port between 1 and 65535 (it is {port}).");
        return port;
    }

    /// <summary>A service's management listener, beside its REST and gRPC ones (HTTP/1.1, Prometheus's protocol).</summary>
    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder, string address)
    {
        var port = Of(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(address), port, l => l.Protocols = HttpProtocols.Http1));
        return builder;
    }

    /// <summary>The URL of the management listener on <paramref name="address"/>, for a process that binds by URLs (the gateway).</summary>
    public static string Url(IConfiguration configuration, string address) =>
        $"http://{address}:{Of(configuration).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The endpoint answers only on the management port; on any other port it is 404, as if it did not exist (so the
    /// gateway neither serves it nor passes it to a service).
    /// </summary>
    public static TBuilder RequireManagementPort<TBuilder>(this TBuilder endpoint, IServiceProvider services) where TBuilder : IEndpointConventionBuilder
    {
        var port = Of(services.GetRequiredService<IConfiguration>());
        endpoint.Add(b =>
        {
            var inner = b.RequestDelegate ?? throw new InvalidOperationException($"Endpoint {b.DisplayName} has no request delegate.");
            b.RequestDelegate = context =>
            {
                if (context.Connection.LocalPort == port) return inner(context);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });
        return endpoint;
    }
}
