using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Csp.TestSupport;

namespace Csp.EndToEnd.Tests;

/// <summary>The edge's limits against the real gateway in front of the real services.</summary>
public class EdgeLimitsTests(Platform platform) : PlatformTest(platform)
{
    private const string Actions = "/api/partnerships/medway/actions";
    private const int Repeats = 20;

    private static byte[] ActionOf(int bytes) =>
        Encoding.UTF8.GetBytes("{\"title\":\"" + new string('a', bytes - 12) + "\"}");

    [Fact]
    public async Task A_200KB_body_is_always_413_from_the_gateway_never_502_and_nothing_is_stored()
    {
        using var manager = await Platform.SignInAsync("sam.patel");
        var before = await Platform.Redis.SortedSetLengthAsync("actionplan:{medway}:actions");
        var body = ActionOf(200 * 1024);
        var statuses = new List<HttpStatusCode>();

        for (var i = 0; i < Repeats; i++)
        {
            foreach (var chunked in new[] { false, true })
            {
                HttpContent content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await manager.PostAsync(Actions, content);
                statuses.Add(response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.RequestEntityTooLarge, s));
        Assert.Equal(before, await Platform.Redis.SortedSetLengthAsync("actionplan:{medway}:actions"));
    }

    [Fact]
    public async Task Metrics_are_not_served_on_the_public_ports_but_on_the_management_ports()
    {
        foreach (var (name, app) in new[] { ("actionplan", Platform.ActionPlan), ("risk", Platform.Risk) })
        {
            using var caller = app.Client();
            Assert.Equal(HttpStatusCode.NotFound, (await caller.GetAsync("/metrics")).StatusCode);
            using var prometheus = app.Management();
            var metrics = await prometheus.GetStringAsync("/metrics");
            Assert.Contains("csp_", metrics);
            Assert.Contains("http_requests_received_total", metrics);
            Assert.False(app.Services.ManagementPort() == app.HttpPort, $"{name} serves metrics on its public port");
        }

        using var anonymous = Platform.Anonymous();
        using var board = await Platform.SignInAsync("olivia.grant");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await board.GetAsync("/metrics")).StatusCode);
        using var gatewayPrometheus = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Platform.GatewayManagementPort}") };
        Assert.Contains("http_requests_received_total", await gatewayPrometheus.GetStringAsync("/metrics"));
    }
}

/// <summary>A body whose length HttpClient cannot know, so it is sent chunked.</summary>
internal sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
{
    public override bool CanSeek => false;
}
