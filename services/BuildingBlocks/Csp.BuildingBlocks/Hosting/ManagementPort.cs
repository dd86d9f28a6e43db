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

    /// <summary>The configured management port; 0 (tests) lets the system choose a free one.</summary>
    public static int Of(IConfiguration configuration)
    {
        var port = configuration.GetValue(ConfigurationKey, DefaultPort);
        if (port is < 0 or > 65535)
            throw new InvalidOperationException($"{ConfigurationKey} must be a port between 0 and 65535 (it is {port}).");
        return port;
    }

    /// <summary>A service's management listener, beside its REST and gRPC ones (HTTP/1.1, Prometheus's protocol).</summary>
    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder, string address)
    {
        var listener = new ManagementListener(Of(builder.Configuration));
        builder.Services.AddSingleton(listener);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(address), listener.ConfiguredPort, l =>
        {
            l.Protocols = HttpProtocols.Http1;
            listener.Options = l;
        }));
        return builder;
    }

    /// <summary>
    /// The URL of the management listener on <paramref name="address"/>, for a process that binds by URLs (the gateway),
    /// which needs a fixed port: among several URLs bound to port 0 it could not tell which one is the management one.
    /// </summary>
    public static string AddManagementUrl(this WebApplicationBuilder builder, string address)
    {
        var port = Of(builder.Configuration);
        if (port == 0) throw new InvalidOperationException($"{ConfigurationKey} must be a fixed port here, not 0.");
        builder.Services.AddSingleton(new ManagementListener(port));
        return $"http://{address}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// The endpoint answers only on the management port; on any other port it is 404, as if it did not exist (so the
    /// gateway neither serves it nor passes it to a service).
    /// </summary>
    public static TBuilder RequireManagementPort<TBuilder>(this TBuilder endpoint, IServiceProvider services) where TBuilder : IEndpointConventionBuilder
    {
        var listener = services.GetRequiredService<ManagementListener>();
        endpoint.Add(b =>
        {
            var inner = b.RequestDelegate ?? throw new InvalidOperationException($"Endpoint {b.DisplayName} has no request delegate.");
            b.RequestDelegate = context =>
            {
                if (context.Connection.LocalPort == listener.Port) return inner(context);
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });
        return endpoint;
    }
}

/// <summary>The management port of this process: the configured one, or the one Kestrel bound when 0 was configured.</summary>
public sealed class ManagementListener(int configuredPort)
{
    public int ConfiguredPort { get; } = configuredPort;

    internal ListenOptions? Options { get; set; }

    /// <summary>The port; after the server started, the one actually bound.</summary>
    public int Port => Options?.IPEndPoint?.Port is { } bound and > 0 ? bound : ConfiguredPort;
}
