using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk.Events;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Csp.Risk.Tests.Events;

/// <summary>One stored record that cannot be read does not stop the risk service's review scan, nor the service.</summary>
public sealed partial class UnreadableRecordTests
{
    [Fact]
    public async Task A_corrupt_risk_is_skipped_logged_with_its_key_and_counted_and_the_other_risks_are_scanned()
    {
        var database = RedisServer.Instance.TakeDatabase();
        var redis = RedisServer.Instance.Connection.GetDatabase(database);
        var logs = new CapturedLogs();
        await using var risk = await RunningApp.StartAsync(RiskApp.Build, RiskHost.RiskSettings(database, new Uri($"http://127.0.0.1:{FreePort.Next()}")), logs: logs);
        var change = new PartnershipChanged("medway", "Medway CSP", [new PartnershipAgency("medway-council", "Medway Council", true)], 1);
        await redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", "event",
            Csp.BuildingBlocks.EventBus.CloudEventEnvelope.Create(change, "/csp/actionplan", "medway", null, DateTimeOffset.UtcNow).ToJson());
        await RiskHost.WaitForKnownPartnershipAsync(redis, "medway", 1);
        using var manager = risk.Client(TestUser.Manager());
        var ids = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            var created = await manager.PostAsJsonAsync(RiskHost.Risks, RiskHost.RiskBody(b => b["nextReviewDate"] = "2025-03-31"));
            created.EnsureSuccessStatusCode();
            ids.Add((await created.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>())!["id"]!.GetValue<long>());
        }
        var before = await UnreadableCountAsync(risk);
        // A third risk, listed in the register, whose document is not JSON any more.
        const string corruptKey = "risk:{medway}:risk:77";
        await redis.HashSetAsync(corruptKey, [new("data", "{\"id\": 77, \"title\": "), new("version", 1)]);
        await redis.SortedSetAddAsync("risk:{medway}:risks", 77, 77);

        var raised = await risk.Services.GetRequiredService<ReviewMonitor>().ScanAsync();

        Assert.Equal(2, raised);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(corruptKey, StringComparison.Ordinal));
        // The scan counted it (and so does the scrape's own gauge refresh, which reads the same list).
        Assert.True(await UnreadableCountAsync(risk) >= before + 1);
        // The service is still up and still answers.
        Assert.False(risk.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.True((await manager.GetAsync($"{RiskHost.Risks}/{ids[0]}")).IsSuccessStatusCode);
    }

    private static async Task<double> UnreadableCountAsync(RunningApp app)
    {
        using var client = app.Management();
        var text = await client.GetStringAsync("/metrics");
        var match = CounterLine().Match(text);
        return match.Success ? double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"^csp_unreadable_records_total\{service=""risk"",type=""RiskEntry""\} (\S+)$", RegexOptions.Multiline)]
    private static partial Regex CounterLine();
}
