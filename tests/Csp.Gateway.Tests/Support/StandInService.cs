using System.Net;

namespace Csp.Gateway.Tests.Support;

/// <summary>
/// A tiny real Kestrel app standing in for a downstream service: every request is answered with what it received
/// (path, query, Authorization present, the W3C <c>traceparent</c> it was called under, headers).
/// </summary>
public sealed class StandInService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StandInService(WebApplication app, string address) => (_app, Address) = (app, address);

    public string Address { get; }

    private int _requests;

    /// <summary>How many requests reached this service (the gateway's health probes aside).</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<StandInService> StartAsync(string name, TimeSpan? delay = null)
    {
        StandInService? self = null;
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.Run(async context =>
        {
            if (!context.Request.Path.StartsWithSegments("/healthz")) Interlocked.Increment(ref self!._requests);
            if (delay is { } wait) await Task.Delay(wait, context.RequestAborted);
            // A service that sets a response header of its own (?respond-csp=...), as the portal sets its pages' CSP.
            if (context.Request.Query.TryGetValue("respond-csp", out var csp)) context.Response.Headers.ContentSecurityPolicy = csp;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            await context.Response.WriteAsJsonAsync(new Echo(
                name,
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                headers.ContainsKey("Authorization"),
                headers.GetValueOrDefault("traceparent"),
                headers));
        });
        self = new StandInService(app, $"http://127.0.0.1:{port}");
        await app.StartAsync();
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Echo(string Service, string Method, string Path, string Query, bool Authorization, string? TraceParent, Dictionary<string, string> Headers)
    {
        /// <summary>The trace id of the <c>traceparent</c> the service received, or null.</summary>
        public string? TraceId => TraceParent?.Split('-') is [_, var traceId, _, _] ? traceId : null;
    }
}

/// <summary>A loopback port nothing listens on (taken and released), for a service that is not running.</summary>
public static class DeadAddress
{
    public static string Next() => $"http://127.0.0.1:{FreePort.Next()}";
}

internal static class HttpStatus
{
    public static bool IsProblem(this HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType == "application/problem+json";

    public static bool Is(this HttpResponseMessage response, HttpStatusCode status) => response.StatusCode == status;
}

/// <summary>
/// A loopback port whose listen backlog is full and never accepted, so new connections hang in SYN: a service
/// host that has gone silent rather than refusing.
/// </summary>
public sealed class SilentAddress : IDisposable
{
    private readonly System.Net.Sockets.Socket _listener;
    private readonly List<System.Net.Sockets.Socket> _fillers = [];

    public SilentAddress()
    {
        _listener = new(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(0);
        var endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        Address = $"http://127.0.0.1:{endpoint.Port}";
        for (var i = 0; i < 4; i++)
        {
            var filler = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { Blocking = false };
            try { filler.Connect(endpoint); } catch (System.Net.Sockets.SocketException) { }
            _fillers.Add(filler);
        }
    }

    public string Address { get; }

    public void Dispose()
    {
        foreach (var filler in _fillers) filler.Dispose();
        _listener.Dispose();
    }
}
