// What one risk reassessment costs with 10 and with 2,000 assessments already made: bytes sent to Redis (writes: the
// command payloads, from INFO's total_net_input_bytes), bytes read back, the stored risk document's size, and latency.
// The two histories are measured the same way, side by side; with history kept beside the risk the two columns match.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk;
using Csp.TestSupport;
using StackExchange.Redis;

internal static class ReassessmentCost
{
    public static async Task<string> RunAsync(int measured = 200)
    {
        var db = RedisServer.Instance.TakeDatabase();
        var redis = RedisServer.Instance.Connection.GetDatabase(db);
        var settings = TestRedis.ServiceSettings(db);
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Risk:Reviews:ScanInterval"] = "01:00:00";
        await using var risk = await RunningApp.StartAsync(RiskApp.Build, settings);

        var change = new PartnershipChanged("bench", "Bench CSP", [new PartnershipAgency("bench-council", "Bench Council", true)], 1);
        await redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", "event",
            CloudEventEnvelope.Create(change, "/csp/actionplan", "bench", null, DateTimeOffset.UtcNow).ToJson());
        await Eventually.TrueAsync(async () => await redis.KeyExistsAsync("risk:{bench}:partnership"), "the risk service knows the partnership");

        using var manager = risk.Client(TestUser.Manager("bench") with { Agency = "bench-council" });
        async Task<long> CreateAsync(string title)
        {
            var created = await manager.PostAsJsonAsync("/api/partnerships/bench/risks", new
            {
                title, owningAgencyId = "bench-council", owner = "CSM", treatment = "treat", reviewFrequency = "quarterly",
                current = "D3", rationale = "First assessment.",
            });
            created.EnsureSuccessStatusCode();
            return (long)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        }
        Task<HttpResponseMessage> ReassessAsync(long id, int i) =>
            manager.PostAsJsonAsync($"/api/partnerships/bench/risks/{id}/assessments",
                new { current = i % 2 == 0 ? "C3" : "D3", rationale = "Quarterly review: controls checked with the owning agency, rating confirmed." });

        var shortHistory = await CreateAsync("Short history");
        var longHistory = await CreateAsync("Long history");
        for (var i = 1; i < 10; i++) (await ReassessAsync(shortHistory, i)).EnsureSuccessStatusCode();
        for (var i = 1; i < 2000; i++) (await ReassessAsync(longHistory, i)).EnsureSuccessStatusCode();

        async Task<(long In, long Out)> NetAsync()
        {
            var info = await RedisServer.Instance.Connection.GetServer(RedisServer.Instance.Connection.GetEndPoints()[0]).InfoAsync("stats");
            var stats = info.SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value);
            return (long.Parse(stats["total_net_input_bytes"], CultureInfo.InvariantCulture), long.Parse(stats["total_net_output_bytes"], CultureInfo.InvariantCulture));
        }
        async Task<Row> MeasureAsync(long id)
        {
            var before = (long)(await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/bench/risks/{id}"))!["assessmentCount"]!;
            for (var i = 0; i < 20; i++) (await ReassessAsync(id, i)).EnsureSuccessStatusCode(); // warm
            var latencies = new List<double>();
            var (inBefore, outBefore) = await NetAsync();
            for (var i = 0; i < measured; i++)
            {
                var sw = Stopwatch.StartNew();
                (await ReassessAsync(id, i)).EnsureSuccessStatusCode();
                latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
            var (inAfter, outAfter) = await NetAsync();
            latencies.Sort();
            var document = (long)await redis.HashStringLengthAsync($"risk:{{bench}}:risk:{id}", "data");
            return new Row(before, (inAfter - inBefore) / measured, (outAfter - outBefore) / measured, document,
                latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.95)]);
        }

        var s = await MeasureAsync(shortHistory);
        var l = await MeasureAsync(longHistory);
        return string.Join(Environment.NewLine,
            $"risk reassessment cost ({measured} sequential reassessments each, after 20 to warm; bytes per reassessment from Redis INFO stats)",
            $"{"assessments already made",-28} {"N = " + s.Assessments,14} {"N = " + l.Assessments,14} {"ratio",8}",
            $"{"bytes sent to Redis",-28} {s.BytesIn,14:N0} {l.BytesIn,14:N0} {(double)l.BytesIn / s.BytesIn,7:0.00}x",
            $"{"bytes read from Redis",-28} {s.BytesOut,14:N0} {l.BytesOut,14:N0} {(double)l.BytesOut / s.BytesOut,7:0.00}x",
            $"{"risk document (bytes)",-28} {s.Document,14:N0} {l.Document,14:N0} {(double)l.Document / s.Document,7:0.00}x",
            $"{"latency p50 ms",-28} {s.P50,14:0.00} {l.P50,14:0.00} {l.P50 / s.P50,7:0.00}x",
            $"{"latency p95 ms",-28} {s.P95,14:0.00} {l.P95,14:0.00} {l.P95 / s.P95,7:0.00}x");
    }

    private sealed record Row(long Assessments, long BytesIn, long BytesOut, long Document, double P50, double P95);
}
