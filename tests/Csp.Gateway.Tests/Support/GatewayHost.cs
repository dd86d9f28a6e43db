using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;

namespace Csp.Gateway.Tests.Support;

/// <summary>The real gateway on real Kestrel at 127.0.0.1 on a free port, with configuration overrides.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{app.Services.ManagementPort()}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri Address { get; }
    public HttpClient Client { get; }

    /// <summary>A client of the management port, where Prometheus scrapes <c>/metrics</c>.</summary>
    public HttpClient Management { get; }

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?> settings)
    {
        var app = Build(settings, out var address);
        await app.StartAsync();
        return new GatewayHost(app, address);
    }

    /// <param name="environment">The host environment; tests run as <c>Testing</c>, as every test host does.</param>
    public static WebApplication Build(IDictionary<string, string?> settings, out Uri address, string environment = "Testing", CapturedLogs? logs = null)
    {
        var port = FreePort.Next();
        address = new Uri($"http://127.0.0.1:{port}");
        var url = address.ToString().TrimEnd('/');
        // The environment is chosen when the builder is created (setting builder.Environment later does not reach IHostEnvironment).
        return GatewayApp.Build([$"--environment={environment}"], builder =>
        {
            builder.WebHost.UseUrls(url);
            if (logs is not null) builder.Logging.AddProvider(logs);
            var all = new Dictionary<string, string?>(settings)
            {
                ["Ports:Management"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Yarp"] = "Error",
            };
            // The gateway ships no users file; like a local run, tests point at the repository's demo users.
            all.TryAdd("Auth:DevIssuer:UsersFile", RepoPaths.Demo("users.json"));
            builder.Configuration.AddInMemoryCollection(all);
        });
    }

    /// <param name="traceParent">A W3C <c>traceparent</c> header to send, as a caller already in a trace does (sent as
    /// is, even when malformed).</param>
    public Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? traceParent = null) =>
        SendAsync(HttpMethod.Get, path, token, traceParent);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token = null, string? traceParent = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (traceParent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        return Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Management.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
