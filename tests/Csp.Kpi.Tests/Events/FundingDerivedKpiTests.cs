using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Time;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Events;

/// <summary>The share of each grant spent against its profile, from the funding service's events put on the real bus.</summary>
public class FundingDerivedKpiTests(KpiHost host) : IClassFixture<KpiHost>
{
    private static readonly string P = "grants-" + Guid.NewGuid().ToString("N")[..8];

    private async Task PublishAsync<T>(T @event, string partnership, CloudEventEnvelope? envelope = null) where T : IIntegrationEvent
    {
        envelope ??= CloudEventEnvelope.Create(@event, "/csp/funding", partnership, null, DateTimeOffset.UtcNow);
        await host.Redis.StreamAddAsync($"events:{T.Topic}", "event", envelope.ToJson());
        await Drained.ConsumerGroupAsync(host.Redis, T.Topic, KpiApp.ServiceName);
    }

    private async Task<JsonArray> MeasurementsAsync(string partnership, string code)
    {
        using var admin = host.App.Client(TestUser.Admin);
        var page = await admin.GetAsync($"/api/partnerships/{partnership}/kpis/{code}/measurements");
        return page.IsSuccessStatusCode ? (await page.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray() : [];
    }

    private static FundingSpendRecorded Spend(string p, int entry, long spentPence, DateTimeOffset at) =>
        new(p, "crg", entry, 1, DateOnly.FromDateTime(at.UtcDateTime), 100, null, spentPence, 3_966_100, "mgr", at);

    [Fact]
    public async Task A_confirmed_grant_is_judged_against_its_spending_profile_as_spend_is_recorded()
    {
        var p = P + "-a";
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        var year = FinancialYear.Containing(UkTime.Today(TimeProvider.System)).ToString();
        var now = DateTimeOffset.UtcNow;

        await PublishAsync(new FundingAllocationConfirmed(p, "crg", "kent-pcc", year, 3_966_100, new DateOnly(2026, 2, 6), "PCP 6 Feb", "finance", now), p);
        await PublishAsync(Spend(p, 1, 396_610, now.AddMinutes(1)), p); // 10% spent

        // The confirmation recorded 0% spent; the spend is a revision of the same quarter, the 0% kept as superseded.
        var measurements = await MeasurementsAsync(p, "grant-spent-crg");
        Assert.Equal([0m, 10m], measurements.Select(m => m!["value"]!.GetValue<decimal>()).Order());
        var behind = measurements.Single(m => !m!["superseded"]!.GetValue<bool>())!;
        Assert.Equal(10m, behind["value"]!.GetValue<decimal>());
        Assert.Equal((3_966.10m, 39_661m), (behind["numerator"]!.GetValue<decimal>(), behind["denominator"]!.GetValue<decimal>()));
        Assert.Equal("derived", behind["provenance"]!.GetValue<string>(), ignoreCase: true);
        // Whatever quarter it is, the profile at its end is at least 25%: 10% spent is more than 10 points behind.
        Assert.True(behind["target"]!.GetValue<decimal>() >= 24m);
        Assert.Equal("red", behind["rag"]!.GetValue<string>(), ignoreCase: true);

        await PublishAsync(Spend(p, 2, 3_966_100, now.AddMinutes(2)), p); // all of it
        var items = await MeasurementsAsync(p, "grant-spent-crg");
        var spent = items.Single(i => !i!["superseded"]!.GetValue<bool>())!;
        Assert.Equal(100m, spent["value"]!.GetValue<decimal>());
        Assert.Equal("green", spent["rag"]!.GetValue<string>(), ignoreCase: true);
    }

    [Fact]
    public async Task Spend_heard_before_the_confirmation_waits_for_its_year_and_a_redelivery_changes_nothing()
    {
        var p = P + "-b";
        await host.AnnouncePartnershipAsync(p, 1, "kent-police");
        var year = FinancialYear.Containing(UkTime.Today(TimeProvider.System)).ToString();
        var now = DateTimeOffset.UtcNow;

        await PublishAsync(Spend(p, 1, 1_983_050, now.AddMinutes(1)), p);
        Assert.Empty(await MeasurementsAsync(p, "grant-spent-crg")); // no year yet: nothing to judge it against

        var confirmed = CloudEventEnvelope.Create(new FundingAllocationConfirmed(p, "crg", "kent-pcc", year, 3_966_100, new DateOnly(2026, 2, 6), "PCP", "finance", now), "/csp/funding", p, null, now);
        await PublishAsync((FundingAllocationConfirmed)null!, p, confirmed);
        var first = Assert.Single(await MeasurementsAsync(p, "grant-spent-crg"))!;
        Assert.Equal(50m, first["value"]!.GetValue<decimal>()); // the older confirmation did not undo the newer spend

        await PublishAsync((FundingAllocationConfirmed)null!, p, confirmed);
        Assert.Single(await MeasurementsAsync(p, "grant-spent-crg"));
    }
}
