using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan.Events;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.ActionPlan.Tests.Events;

/// <summary>The events the action plan publishes leave through the outbox onto the real Redis Streams bus.</summary>
public class ActionEventsTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Actions = $"/api/partnerships/{ActionPlanHost.Partnership}/actions";

    /// <summary>Every event written so far, once the outbox has published them all: what is not here was not published.</summary>
    private async Task<List<CloudEventEnvelope>> PublishedAsync(string topic, long actionId)
    {
        await Drained.OutboxAsync(host.Redis, ActionPlanApp.ServiceName);
        return (await host.Redis.StreamRangeAsync($"events:{topic}"))
            .Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
            .Where(e => e.Data.GetProperty("actionId").GetInt64() == actionId).ToList();
    }

    [Fact]
    public async Task Creating_an_action_publishes_action_created()
    {
        var id = await host.CreateActionAsync();
        var created = Assert.Single(await PublishedAsync(ActionCreated.Topic, id));
        Assert.Equal("/csp/actionplan", created.Source);
        Assert.Equal("medway", created.Partnership);
        Assert.Equal("kent-police", created.Data.GetProperty("leadAgencyId").GetString());
    }

    [Fact]
    public async Task Completing_an_action_publishes_status_changed_and_completed_once_under_the_callers_trace()
    {
        var id = await host.CreateActionAsync();
        var trace = ActivityTraceId.CreateRandom().ToHexString();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Actions}/{id}/updates") { Content = JsonContent.Create(new { status = "completed", commentary = "All visits done." }) };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var response = await police.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.Equal(trace, response.Headers.GetValues("X-Correlation-Id").Single());

        var completed = Assert.Single(await PublishedAsync(ActionCompleted.Topic, id));
        Assert.Equal("partner.kent-police", completed.Data.GetProperty("completedBy").GetString());
        Assert.Equal(trace, completed.TraceId);
        var changed = Assert.Single(await PublishedAsync(ActionStatusChanged.Topic, id));
        Assert.Equal("not-started", changed.Data.GetProperty("previousStatus").GetString());
        Assert.Equal("completed", changed.Data.GetProperty("status").GetString());
        Assert.Equal("blue", changed.Data.GetProperty("rag").GetString());
        Assert.Equal(trace, changed.TraceId);
    }

    [Fact]
    public async Task An_update_that_keeps_the_status_publishes_no_status_change()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"{Actions}/{id}/updates", new { progressPercent = 10, commentary = "Planning." })).EnsureSuccessStatusCode();

        Assert.Single(await PublishedAsync(ActionCreated.Topic, id));
        Assert.Empty(await PublishedAsync(ActionStatusChanged.Topic, id));
        Assert.Empty(await PublishedAsync(ActionCompleted.Topic, id));
    }

    [Fact]
    public async Task An_overdue_action_raises_action_overdue_once_per_due_date()
    {
        var id = await host.CreateActionAsync(b => { b["startDate"] = "2024-01-01"; b["dueDate"] = "2025-03-31"; b["milestones"] = new JsonArray(); });
        var monitor = host.App.Services.GetRequiredService<OverdueMonitor>();
        Assert.True(await monitor.ScanAsync() >= 1);
        await monitor.ScanAsync();

        var raised = Assert.Single(await PublishedAsync(ActionOverdue.Topic, id));
        Assert.Equal("2025-03-31", raised.Data.GetProperty("dueDate").GetString());
    }

    [Fact]
    public async Task The_outbox_is_empty_once_events_are_published()
    {
        var id = await host.CreateActionAsync();
        Assert.Single(await PublishedAsync(ActionCreated.Topic, id));
        Assert.Equal(0, await host.Redis.StreamLengthAsync($"actionplan:{{{ActionPlanHost.Partnership}}}:outbox"));
    }

    [Fact]
    public async Task Setting_up_a_partnership_publishes_partnership_changed_with_its_agencies_and_version()
    {
        var changed = await Eventually.ValueAsync(
            async () => (await host.Redis.StreamRangeAsync($"events:{PartnershipChanged.Topic}"))
                .Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
                .FirstOrDefault(e => e.Partnership == ActionPlanHost.Partnership),
            e => e is not null, "partnership.changed for medway is published");
        var data = changed!.GetData<PartnershipChanged>();
        Assert.Equal(1, data.Version);
        Assert.Contains(data.Agencies, a => a.Id == "kent-police" && a.ResponsibleAuthority);
    }
}
