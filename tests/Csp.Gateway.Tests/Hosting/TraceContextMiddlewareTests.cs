using System.Diagnostics;
using Csp.BuildingBlocks.Hosting;

namespace Csp.Gateway.Tests.Hosting;

/// <summary>The building-block middleware on its own, as the gateway and the services use it: the request runs in the
/// caller's trace, its log lines carry the trace id, and the response shows it as <c>X-Correlation-Id</c>.</summary>
public sealed class TraceContextMiddlewareTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var address = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.WebHost.UseUrls(address);
        _app = builder.Build();
        _app.UseCspTraceContext();
        _app.MapGet("/work", (ILogger<TraceContextMiddlewareTests> logger) =>
        {
            logger.LogInformation("Doing the work");
            return Activity.Current?.TraceId.ToHexString();
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

    private Task<HttpResponseMessage> WorkAsync(string? traceParent)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/work");
        if (traceParent is not null) request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        return _client.SendAsync(request);
    }

    [Fact]
    public async Task The_callers_trace_is_current_for_the_request_logged_and_shown()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

        var response = await WorkAsync($"00-{traceId}-00f067aa0ba902b7-01");

        Assert.Equal(traceId, await response.Content.ReadAsStringAsync());
        Assert.Equal(traceId, response.Headers.GetValues(TraceContextMiddleware.CorrelationHeader).Single());
        Assert.Contains(_logs.Entries, e => e.Message == "Doing the work" && e.TraceId == traceId);
    }

    [Fact]
    public async Task A_trace_is_started_when_none_is_sent()
    {
        var response = await WorkAsync(traceParent: null);

        var id = await response.Content.ReadAsStringAsync();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, response.Headers.GetValues(TraceContextMiddleware.CorrelationHeader).Single());
        Assert.Contains(_logs.Entries, e => e.Message == "Doing the work" && e.TraceId == id);
    }

    [Theory]
    [InlineData("round-2025-q3")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")]
    public async Task A_traceparent_that_is_not_valid_is_not_taken_up(string traceParent)
    {
        var response = await WorkAsync(traceParent);

        var id = await response.Content.ReadAsStringAsync();
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.DoesNotContain(id, traceParent);
        Assert.Equal(id, response.Headers.GetValues(TraceContextMiddleware.CorrelationHeader).Single());
    }

    [Fact]
    public async Task Every_response_shows_its_trace_id_even_a_404()
    {
        var response = await _client.GetAsync("/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", response.Headers.GetValues(TraceContextMiddleware.CorrelationHeader).Single());
    }
}
