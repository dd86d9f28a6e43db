using System.Collections.Concurrent;
using Csp.BuildingBlocks.Hosting;

namespace Csp.Gateway.Tests.Hosting;

/// <summary>The building-block middleware on its own, as a service uses it: context, log scope and response header.</summary>
public sealed class CorrelationIdMiddlewareTests : IAsyncLifetime
{
    private readonly ScopeCapturingLoggerProvider _logs = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var address = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.WebHost.UseUrls(address);
        _app = builder.Build();
        _app.UseCspCorrelationId();
        _app.MapGet("/work", (ILogger<CorrelationIdMiddlewareTests> logger) =>
        {
            logger.LogInformation("Doing the work");
            return CorrelationContext.Current;
        });
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Client_correlation_id_is_current_for_the_request_logged_and_echoed()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/work");
        request.Headers.Add(CorrelationContext.HeaderName, "round-2025-q3");

        var response = await _client.SendAsync(request);

        Assert.Equal("round-2025-q3", await response.Content.ReadAsStringAsync());
        Assert.Equal("round-2025-q3", response.Headers.GetValues(CorrelationContext.HeaderName).Single());
        Assert.Contains(_logs.Entries, e => e.Message == "Doing the work" && e.Scopes.Contains(new(CorrelationContext.LogScopeKey, "round-2025-q3")));
    }

    [Fact]
    public async Task Correlation_id_is_started_when_none_is_sent()
    {
        var response = await _client.GetAsync("/work");

        var id = await response.Content.ReadAsStringAsync();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, response.Headers.GetValues(CorrelationContext.HeaderName).Single());
    }

    private sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
        public ConcurrentBag<(string Message, List<KeyValuePair<string, object?>> Scopes)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
        public void Dispose() { }

        private sealed class Logger(ScopeCapturingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);
            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<KeyValuePair<string, object?>>();
                provider._scopes.ForEachScope((scope, list) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs) list.AddRange(pairs);
                }, scopes);
                provider.Entries.Add((formatter(state, exception), scopes));
            }
        }
    }
}
