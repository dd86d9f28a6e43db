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

    private async Task<List<CloudEventEnvelope>> PublishedAsync(string topic, long actionId, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var entries = await host.Redis.StreamRangeAsync($"events:{topic}");
            var found = entries.Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
                .Where(e => e.Data.GetProperty("actionId").GetInt64() == actionId).ToList();
            if (found.Count >= atLeast || DateTime.UtcNow > deadline) return found;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Creating_an_action_publishes_action_created()
    {
        var id = await host.CreateActionAsync();
        var events = await PublishedAsync(Topics.ActionCreated, id, 1);
        var created = Assert.Single(events);
        Assert.Equal("/csp/actionplan", created.Source);
        Assert.Equal("medway", created.Partnership);
        Assert.Equal("kent-police", created.Data.GetProperty("leadAgencyId").GetString());
    }

    [Fact]
    public async Task Completing_an_action_publishes_status_changed_and_completed_once()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{Actions}/{id}/updates") { Content = JsonContent.Create(new { status = "completed", commentary = "All visits done." }) };
        request.Headers.Add("X-Correlation-Id", "corr-complete-1");
        (await police.SendAsync(request)).EnsureSuccessStatusCode();

        var completed = Assert.Single(await PublishedAsync(Topics.ActionCompleted, id, 1));
        Assert.Equal("partner.kent-police", completed.Data.GetProperty("completedBy").GetString());
        Assert.Equal("corr-complete-1", completed.CorrelationId);
        var changed = Assert.Single(await PublishedAsync(Topics.ActionStatusChanged, id, 1));
        Assert.Equal("not-started", changed.Data.GetProperty("previousStatus").GetString());
        Assert.Equal("completed", changed.Data.GetProperty("status").GetString());
        Assert.Equal("blue", changed.Data.GetProperty("rag").GetString());
    }

    [Fact]
    public async Task An_update_that_keeps_the_status_publishes_no_status_change()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"{Actions}/{id}/updates", new { progressPercent = 10, commentary = "Planning." })).EnsureSuccessStatusCode();
        await host.CreateActionAsync(); // a later write, so the outbox has certainly been dispatched past ours
        await PublishedAsync(Topics.ActionCreated, id, 1);
        Assert.Empty(await PublishedAsync(Topics.ActionStatusChanged, id, 0));
    }

    [Fact]
    public async Task An_overdue_action_raises_action_overdue_once_per_due_date()
    {
        var id = await host.CreateActionAsync(b => { b["startDate"] = "2024-01-01"; b["dueDate"] = "2025-03-31"; b["milestones"] = new JsonArray(); });
        var monitor = host.App.Services.GetRequiredService<OverdueMonitor>();
        Assert.True(await monitor.ScanAsync() >= 1);
        await monitor.ScanAsync();

        var overdue = await PublishedAsync(Topics.ActionOverdue, id, 1);
        await Task.Delay(500);
        overdue = await PublishedAsync(Topics.ActionOverdue, id, 2);
        var raised = Assert.Single(overdue);
        Assert.Equal("2025-03-31", raised.Data.GetProperty("dueDate").GetString());
    }

    [Fact]
    public async Task The_outbox_is_empty_once_events_are_published()
    {
        await host.CreateActionAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await host.Redis.StreamLengthAsync($"actionplan:{{{ActionPlanHost.Partnership}}}:outbox") > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Equal(0, await host.Redis.StreamLengthAsync($"actionplan:{{{ActionPlanHost.Partnership}}}:outbox"));
    }

    [Fact]
    public async Task Setting_up_a_partnership_publishes_partnership_changed_with_its_agencies_and_version()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        CloudEventEnvelope? changed = null;
        while (changed is null && DateTime.UtcNow < deadline)
        {
            changed = (await host.Redis.StreamRangeAsync($"events:{Topics.PartnershipChanged}"))
                .Select(e => CloudEventEnvelope.FromJson((string)e["event"]!))
                .FirstOrDefault(e => e.Partnership == ActionPlanHost.Partnership);
            if (changed is null) await Task.Delay(100);
        }
        Assert.NotNull(changed);
        var data = changed!.GetData<PartnershipChanged>();
        Assert.Equal(1, data.Version);
        Assert.Contains(data.Agencies, a => a.Id == "kent-police" && a.ResponsibleAuthority);
    }
}
