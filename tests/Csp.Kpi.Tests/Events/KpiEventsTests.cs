using System.Net.Http.Json;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;

namespace Csp.Kpi.Tests.Events;

/// <summary>What a write of measurements publishes through the outbox.</summary>
public class KpiEventsTests(KpiHost host) : IClassFixture<KpiHost>
{
    [Fact]
    public async Task Every_measurement_is_published_with_its_revision_and_RAG()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 1150m);
        using var manager = host.App.Client(TestUser.Manager());
        (await manager.PostAsJsonAsync($"{KpiHost.Kpis}/{code}/measurements/2023-Q1/revisions", new { value = 1020 })).EnsureSuccessStatusCode();

        var recorded = await host.PublishedAsync(KpiMeasurementRecorded.Topic, code);
        Assert.Equal([(1, 1150m, "red"), (2, 1020m, "amber")],
            recorded.Select(e => (e.Data.GetProperty("revision").GetInt32(), e.Data.GetProperty("value").GetDecimal(), e.Data.GetProperty("rag").GetString())));
        Assert.All(recorded, e => Assert.Equal("2023-Q1", e.Data.GetProperty("period").GetString()));
    }

    [Fact]
    public async Task A_change_of_RAG_is_published_with_its_reason_and_both_values_and_an_unchanged_RAG_is_not()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 950m); // green (first RAG)
        await host.RecordAsync(code, "2023-Q2", 990m); // green: no change
        await host.RecordAsync(code, "2023-Q3", 1234m); // red

        var changes = await host.PublishedAsync(KpiRagChanged.Topic, code);
        Assert.Equal(2, changes.Count);
        var red = changes[1].Data;
        Assert.Equal(("green", 990m, "red", 1234m, "2023-Q3"),
            (red.GetProperty("previousRag").GetString(), red.GetProperty("previousValue").GetDecimal(), red.GetProperty("rag").GetString(),
             red.GetProperty("value").GetDecimal(), red.GetProperty("period").GetString()));
        Assert.Equal("red: 1,234 against a target of 1,000, beyond the 10% tolerance", red.GetProperty("reason").GetString());

        // The change is stored: the series knows the KPI's current RAG.
        var series = (string)(await host.Redis.HashGetAsync($"kpi:{{{KpiHost.Partnership}}}:series:{code}", "data"))!;
        Assert.Contains("\"currentRag\":\"red\"", series);
    }

    [Fact]
    public async Task A_revision_of_an_earlier_period_does_not_change_the_current_RAG()
    {
        var code = await host.DefineAsync();
        await host.RecordAsync(code, "2023-Q1", 950m);
        await host.RecordAsync(code, "2023-Q2", 960m);
        using var manager = host.App.Client(TestUser.Manager());
        (await manager.PostAsJsonAsync($"{KpiHost.Kpis}/{code}/measurements/2023-Q1/revisions", new { value = 2000 })).EnsureSuccessStatusCode();
        Assert.Single(await host.PublishedAsync(KpiRagChanged.Topic, code));
    }
}
