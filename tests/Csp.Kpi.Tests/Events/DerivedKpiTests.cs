using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Events;

/// <summary>Derived KPIs from events put on the real bus, as the action-plan and risk services publish them.</summary>
public class DerivedKpiTests(KpiHost host) : IClassFixture<KpiHost>
{
    private static readonly string P = "derived-" + Guid.NewGuid().ToString("N")[..8];

    private async Task PublishAsync<T>(T @event, string partnership, CloudEventEnvelope? envelope = null) where T : IIntegrationEvent
    {
        envelope ??= CloudEventEnvelope.Create(@event, "/csp/test", partnership, null, DateTimeOffset.UtcNow);
        await host.Redis.StreamAddAsync($"events:{T.Topic}", "event", envelope.ToJson());
        await Drained.ConsumerGroupAsync(host.Redis, T.Topic, KpiApp.ServiceName);
    }

    private async Task<JsonObject?> CurrentAsync(string partnership, string code)
    {
        using var admin = host.App.Client(TestUser.Admin);
        var page = await admin.GetAsync($"/api/partnerships/{partnership}/kpis/{code}/measurements");
        if (!page.IsSuccessStatusCode) return null;
        return (await page.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray().FirstOrDefault()?.AsObject();
    }

    [Fact]
    public async Task Action_events_give_the_share_on_track_per_priority_and_overall_and_the_overdue_count()
    {
        var p = P + "-a";
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        var now = DateTimeOffset.UtcNow;
        await PublishAsync(new ActionCreated(p, 1, "plan", "asb", "prevent", "kent-police", "Patrols", new DateOnly(2027, 3, 31), "on-track"), p);
        await PublishAsync(new ActionCreated(p, 2, "plan", "asb", "protect", "kent-police", "CCTV", new DateOnly(2027, 3, 31), "not-started"), p);
        await PublishAsync(new ActionCreated(p, 3, "plan", "vawg", "pursue", "kent-police", "Operation", new DateOnly(2027, 3, 31), "on-track"), p);
        await PublishAsync(new ActionStatusChanged(p, 2, "asb", "protect", "kent-police", "not-started", "off-track", "red", 10, "partner", now), p);
        await PublishAsync(new ActionOverdue(p, 2, "asb", "kent-police", "owner", new DateOnly(2025, 1, 1), "off-track"), p);

        Assert.Equal(66.7m, (await CurrentAsync(p, "actions-on-track"))!["value"]!.GetValue<decimal>()); // 2 of 3
        var asb = (await CurrentAsync(p, "actions-on-track-asb"))!;
        Assert.Equal((50.0m, 1m, 2m, "derived"), (asb["value"]!.GetValue<decimal>(), asb["numerator"]!.GetValue<decimal>(), asb["denominator"]!.GetValue<decimal>(), asb["provenance"]!.GetValue<string>()));
        Assert.Equal(100.0m, (await CurrentAsync(p, "actions-on-track-vawg"))!["value"]!.GetValue<decimal>());
        Assert.Equal(1m, (await CurrentAsync(p, "overdue-actions"))!["value"]!.GetValue<decimal>());

        // Completing the overdue action takes it out of both.
        await PublishAsync(new ActionCompleted(p, 2, "asb", "kent-police", "partner", now.AddMinutes(1)), p);
        Assert.Equal(0m, (await CurrentAsync(p, "overdue-actions"))!["value"]!.GetValue<decimal>());
        Assert.Equal(100.0m, (await CurrentAsync(p, "actions-on-track"))!["value"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_redelivered_or_repeated_event_changes_nothing()
    {
        var p = P + "-b";
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        var changed = new ActionStatusChanged(p, 7, "asb", "prevent", "kent-police", "on-track", "at-risk", "amber", 40, "partner", DateTimeOffset.UtcNow);
        await PublishAsync(new ActionCreated(p, 7, "plan", "asb", "prevent", "kent-police", "Patrols", new DateOnly(2027, 3, 31), "on-track"), p);
        var envelope = CloudEventEnvelope.Create(changed, "/csp/test", p, null, DateTimeOffset.UtcNow);
        await PublishAsync(changed, p, envelope);
        var log = await host.LogLengthAsync("actions-on-track", p);
        var audit = await host.Redis.StreamLengthAsync($"kpi:{{{p}}}:audit");

        await PublishAsync(changed, p, envelope); // the same event id again: the bus redelivering
        await PublishAsync(changed, p); // the same content under a new id: a publisher retrying
        Assert.Equal(log, await host.LogLengthAsync("actions-on-track", p));
        Assert.Equal(audit, await host.Redis.StreamLengthAsync($"kpi:{{{p}}}:audit"));
        Assert.Equal(0m, (await CurrentAsync(p, "actions-on-track"))!["value"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task An_older_status_arriving_late_does_not_overwrite_a_newer_one()
    {
        var p = P + "-c";
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        var now = DateTimeOffset.UtcNow;
        await PublishAsync(new ActionStatusChanged(p, 9, "asb", "prevent", "kent-police", "at-risk", "on-track", "green", 60, "partner", now), p);
        await PublishAsync(new ActionStatusChanged(p, 9, "asb", "prevent", "kent-police", "not-started", "at-risk", "amber", 20, "partner", now.AddMinutes(-5)), p);
        Assert.Equal(100.0m, (await CurrentAsync(p, "actions-on-track"))!["value"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Risk_assessments_give_the_risks_above_tolerance()
    {
        var p = P + "-d";
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        var now = DateTimeOffset.UtcNow;
        RiskAssessed Assessed(long id, bool above, DateTimeOffset at) =>
            new(p, id, "csp", "A risk", "kent-police", null, null, above ? "B1" : "E4", above ? "red" : "green", above ? 20 : 2, above, null, "mgr", at);
        await PublishAsync(Assessed(1, true, now), p);
        await PublishAsync(Assessed(2, true, now), p);
        await PublishAsync(Assessed(3, false, now), p);
        Assert.Equal(2m, (await CurrentAsync(p, "risks-above-tolerance"))!["value"]!.GetValue<decimal>());
        await PublishAsync(Assessed(1, false, now.AddMinutes(1)), p);
        Assert.Equal(1m, (await CurrentAsync(p, "risks-above-tolerance"))!["value"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_derived_KPI_is_never_typed_in()
    {
        var p = P + "-e";
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        await PublishAsync(new ActionCreated(p, 1, "plan", "asb", "prevent", "kent-police", "Patrols", new DateOnly(2027, 3, 31), "on-track"), p);
        using var manager = host.App.Client(TestUser.Manager(p));
        var response = await manager.PostAsJsonAsync($"/api/partnerships/{p}/kpis/overdue-actions/measurements", new { period = "2020-Q1", value = 3 });
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
    }
}
