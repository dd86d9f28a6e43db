using Csp.BuildingBlocks.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.TestSupport;

/// <summary>Prometheus's view of a host: a client of its management port (<c>Ports:Management</c>), where <c>/metrics</c> is served.</summary>
public static class ManagementClient
{
    /// <summary>The port the host's management listener is bound to.</summary>
    public static int ManagementPort(this IServiceProvider services) => services.GetRequiredService<ManagementListener>().Port;

    public static HttpClient Management(this RunningApp app) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{app.Services.ManagementPort()}"), Timeout = TimeSpan.FromSeconds(30) };
}
