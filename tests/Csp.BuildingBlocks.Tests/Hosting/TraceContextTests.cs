using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Csp.BuildingBlocks.Tests.Http;
using Csp.TestSupport;

namespace Csp.BuildingBlocks.Tests.Hosting;

/// <summary>Correlation is the W3C trace context: the caller's trace id is the request's, on its logs, its
/// <c>X-Correlation-Id</c> response header and the <c>correlationId</c> of every problem it gets.</summary>
public sealed class TraceContextTests(ThingsAppFixture fixture) : IClassFixture<ThingsAppFixture>
{
    private const string Things = "/api/partnerships/medway/things";

    private static (string TraceParent, string TraceId) NewTraceParent()
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        return ($"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01", traceId);
    }

    private static string CorrelationId(HttpResponseMessage response) => response.Headers.GetValues("X-Correlation-Id").Single();

    [Fact]
    public async Task A_callers_traceparent_is_the_requests_trace_on_the_response_header_and_on_the_log_lines()
    {
        var (traceParent, traceId) = NewTraceParent();
        using var client = fixture.App.Client(TestUser.Manager());
        var request = new HttpRequestMessage(HttpMethod.Get, Things);
        request.Headers.Add("traceparent", traceParent);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(traceId, CorrelationId(response));
        var line = Assert.Single(fixture.Logs.Entries, e => e.Message == "Listing the things of medway" && e.TraceId == traceId);
        Assert.NotEqual(traceParent.Split('-')[2], line.SpanId); // the request's own span, a child of the caller's
    }

    [Fact]
    public async Task Without_a_traceparent_the_service_starts_a_trace_and_shows_its_id()
    {
        using var client = fixture.App.Client(TestUser.Manager());

        var first = await client.GetAsync(Things);
        var second = await client.GetAsync(Things);

        var id = CorrelationId(first);
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(id, CorrelationId(second));
        Assert.Contains(fixture.Logs.Entries, e => e.Message == "Listing the things of medway" && e.TraceId == id);
    }

    [Fact]
    public async Task A_malformed_traceparent_is_ignored_and_a_new_trace_started()
    {
        using var client = fixture.App.Client(TestUser.Manager());
        var request = new HttpRequestMessage(HttpMethod.Get, Things);
        request.Headers.TryAddWithoutValidation("traceparent", "00-not-a-trace-id <script>-01");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", CorrelationId(response));
    }

    public static TheoryData<string, HttpStatusCode> Problems => new()
    {
        { "anonymous", HttpStatusCode.Unauthorized },
        { "another partnership", HttpStatusCode.Forbidden },
        { "unknown partnership", HttpStatusCode.NotFound },
        { "invalid text", HttpStatusCode.BadRequest },
        { "body not bound", HttpStatusCode.BadRequest },
        { "not json", HttpStatusCode.UnsupportedMediaType },
        { "too large", HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public async Task Every_problem_carries_the_trace_id_as_its_correlation_id(string refusal, HttpStatusCode status)
    {
        var (traceParent, traceId) = NewTraceParent();
        using var client = fixture.App.Client(refusal == "anonymous" ? null : refusal == "another partnership" ? TestUser.Manager("swale") : TestUser.Admin);
        var request = refusal switch
        {
            "unknown partnership" => new HttpRequestMessage(HttpMethod.Get, "/api/partnerships/atlantis/things"),
            "invalid text" => Post("""{"title":"<b>x</b>","quantity":1,"priority":"low","items":[]}"""),
            "body not bound" => Post("""{"title":"x","quantity":"one","priority":"low","items":[]}"""),
            "not json" => Post("title=x", "text/plain"),
            "too large" => Post(JsonSerializer.Serialize(new { title = new string('a', ThingsApp.MaxRequestBodyBytes) })),
            _ => new HttpRequestMessage(HttpMethod.Get, Things),
        };
        request.Headers.Add("traceparent", traceParent);

        var response = await client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(traceId, problem.GetProperty("correlationId").GetString());
        Assert.Equal(traceId, CorrelationId(response));
    }

    /// <summary>Building-block defect: ASP.NET Core starts the request's Activity only when its hosting diagnostics logger is
    /// enabled (or an ActivityListener listens), so <c>Logging:LogLevel:Microsoft.AspNetCore = None</c> silently removes
    /// the trace: no X-Correlation-Id, no correlationId, no traceparent on events or onward calls. Un-skip once the
    /// service defaults make the request activity independent of the log level (e.g. an ActivityListener on the
    /// "Microsoft.AspNetCore" source, or UseCspTraceContext starting one when there is none).</summary>
    [Fact]
    public async Task The_trace_does_not_depend_on_the_frameworks_log_level()
    {
        var settings = ThingsApp.Settings();
        settings["Logging:LogLevel:Microsoft.AspNetCore"] = "None";
        await using var app = await RunningApp.StartAsync(ThingsApp.Build, settings);
        var (traceParent, traceId) = NewTraceParent();
        using var client = app.Client(TestUser.Manager());
        var request = new HttpRequestMessage(HttpMethod.Get, Things);
        request.Headers.Add("traceparent", traceParent);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(traceId, CorrelationId(response));
    }

    private static HttpRequestMessage Post(string body, string contentType = "application/json") => new(HttpMethod.Post, Things)
    {
        Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType)),
    };
}
