using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.TestSupport;

namespace Csp.EndToEnd.Tests;

/// <summary>
/// One W3C trace id, chosen by the client, followed from the request through the gateway and the action-plan service,
/// into the event it publishes, to the risk service's handler and its log line: what an operator searches the logs for
/// when a partner reports "my update did not show on the risk register".
/// </summary>
public class TraceContextTests(Platform platform) : PlatformTest(platform)
{
    private const string Risks = "/api/partnerships/medway/risks";
    private const string Actions = "/api/partnerships/medway/actions";

    [Fact]
    public async Task The_clients_trace_id_reaches_the_service_the_event_and_the_subscribers_log_line()
    {
        using var manager = await Platform.SignInAsync("sam.patel");
        var actions = await manager.GetFromJsonAsync<JsonObject>($"{Actions}?agency=kent-police&status=not-started&pageSize=200")
            ?? throw new InvalidOperationException("no actions");
        var action = actions["items"]!.AsArray().Select(a => a!.AsObject()).First(a => (string?)a["leadAgencyId"] == "kent-police");
        var actionId = (long)action["id"]!;
        var risk = (await manager.GetFromJsonAsync<JsonObject>(Risks))!["items"]!.AsArray().Select(r => r!.AsObject()).Last();
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{Risks}/{risk["id"]}/mitigations", new { actionId })).StatusCode);

        var trace = ActivityTraceId.CreateRandom().ToHexString();
        using var police = await Platform.SignInAsync("daniel.okafor");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Actions}/{actionId}/updates")
        {
            Content = JsonContent.Create(new { status = "completed", commentary = "Closure order granted; operation complete." }),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await police.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(trace, response.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Contains(Platform.ActionPlanLogs.Entries, e => e.TraceId == trace && e.Category.StartsWith("Csp.ActionPlan", StringComparison.Ordinal));

        var completed = await Eventually.ValueAsync(
            async () => (await Platform.Redis.StreamRangeAsync("events:action.completed"))
                .Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
                .FirstOrDefault(e => e.Data.GetProperty("actionId").GetInt64() == actionId),
            e => e is not null, "action.completed is published");
        Assert.Equal(trace, completed!.TraceId);

        await Eventually.TrueAsync(() => Platform.RiskLogs.Entries.Any(e => e.TraceId == trace && e.Category.StartsWith("Csp.Risk", StringComparison.Ordinal)
                && e.Message.Contains($"{actionId}", StringComparison.Ordinal)),
            "the risk service logs its handling of the completion under the client's trace id");

        var audit = await manager.GetFromJsonAsync<JsonArray>($"{Actions}/{actionId}/audit");
        Assert.Equal(trace, (string?)audit!.First()!["correlationId"]);
    }
}
