// The KPI service's two timing goals (issue 9), on real Redis and loopback HTTP:
// - the scorecard of one partnership with 100 KPIs x 10 years of monthly measurements (12,000 measurements): under 20 ms p99;
// - a derived KPI: action.status-changed put on the bus -> the new value readable in Redis: under 50 ms p99.
// Prints p50/p95/p99; asserts nothing. Usage: dotnet run -c Release --project tests/Csp.Benchmarks -- kpi
using System.Diagnostics;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Kpi;
using Csp.Kpi.Commands;
using Csp.Kpi.Domain;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

internal static class KpiCost
{
    public static async Task<string> RunAsync(int measured = 500)
    {
        var db = RedisServer.Instance.TakeDatabase();
        var redis = RedisServer.Instance.Connection.GetDatabase(db);
        var settings = TestRedis.ServiceSettings(db);
        settings["Logging:LogLevel:Default"] = "Warning";
        settings.Remove("EventBus:Redis:PollInterval"); // the service's default, as deployed (TestRedis shortens it)
        settings.Remove("EventBus:OutboxPollInterval");
        await using var kpi = await RunningApp.StartAsync(KpiApp.Build, settings);

        var change = new PartnershipChanged("bench", "Bench CSP", [new PartnershipAgency("bench-police", "Bench Police", true)], 1);
        await redis.StreamAddAsync($"events:{PartnershipChanged.Topic}", "event", CloudEventEnvelope.Create(change, "/csp/actionplan", "bench", null, DateTimeOffset.UtcNow).ToJson());
        await Eventually.TrueAsync(async () => await redis.KeyExistsAsync("kpi:{bench}:partnership"), "the KPI service knows the partnership");

        // Arrange: 100 monthly KPIs in 10 priorities, 120 months each (April 2016 - March 2026), through the commands.
        var arrange = Stopwatch.StartNew();
        using (var scope = kpi.Services.CreateScope())
        {
            var commands = scope.ServiceProvider.GetRequiredService<KpiCommands>();
            var random = new Random(42);
            for (var k = 0; k < 100; k++)
            {
                var draft = new KpiDraft($"kpi-{k:000}", $"KPI {k}", "Counted for the benchmark.", $"priority-{k % 10}", "bench-police", "Bench", 30,
                    Unit.Count, null, k % 3 == 0 ? Polarity.HigherIsBetter : Polarity.LowerIsBetter, Frequency.Monthly, null, new TargetDraft(100m),
                    new ToleranceDraft(ToleranceKind.Percentage, 10m), false, k % 4 == 0);
                var months = Enumerable.Range(0, 120).Select(i => Period.Month(2016, 4).Minus(-i))
                    .Select(p => new MeasurementDraft(p.ToString(), random.Next(60, 140))).ToList();
                var outcome = await commands.SeedAsync("bench", draft, months);
                if (!outcome.IsOk) throw new InvalidOperationException($"arrange kpi-{k}: {outcome.Kind}");
            }
        }
        arrange.Stop();

        using var board = kpi.Client(TestUser.Board("bench"));
        for (var i = 0; i < 50; i++) (await board.GetAsync("/api/partnerships/bench/kpis/scorecard")).EnsureSuccessStatusCode(); // warm
        var scorecard = new List<double>();
        long bytes = 0;
        for (var i = 0; i < measured; i++)
        {
            var sw = Stopwatch.StartNew();
            using var response = await board.GetAsync("/api/partnerships/bench/kpis/scorecard");
            var body = await response.Content.ReadAsByteArrayAsync();
            scorecard.Add(sw.Elapsed.TotalMilliseconds);
            response.EnsureSuccessStatusCode();
            bytes = body.Length;
        }

        // The same scorecard in-process, without HTTP and JSON: what the reads and the assembly cost.
        var inProcess = new List<double>();
        using (var scope = kpi.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<Csp.Kpi.Storage.KpiStore>();
            for (var i = 0; i < measured; i++)
            {
                var sw = Stopwatch.StartNew();
                await Csp.Kpi.Storage.ScorecardReads.ReadScorecardAsync(store, "bench", null, DateOnly.FromDateTime(DateTime.UtcNow));
                inProcess.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        // Derived: alternate one action between on-track and at-risk; time from XADD to the new value in the current quarter.
        var quarter = Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow), Frequency.Quarterly).ToString();
        var start = DateTimeOffset.UtcNow;
        await redis.StreamAddAsync($"events:{ActionCreated.Topic}", "event", CloudEventEnvelope.Create(
            new ActionCreated("bench", 1, "plan", "priority-0", "prevent", "bench-police", "Patrols", new DateOnly(2027, 3, 31), "on-track"), "/csp/actionplan", "bench", null, start).ToJson());
        async Task<string?> OnTrackAsync() => (string?)await redis.HashGetAsync("kpi:{bench}:m:actions-on-track:current", quarter);
        await Eventually.TrueAsync(async () => await OnTrackAsync() is not null, "the first derived value");
        var derived = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var status = i % 2 == 0 ? "at-risk" : "on-track";
            var expected = i % 2 == 0 ? "\"value\":0" : "\"value\":100";
            var e = new ActionStatusChanged("bench", 1, "priority-0", "prevent", "bench-police", "x", status, "amber", 50, "bench", start.AddSeconds(i + 1));
            var sw = Stopwatch.StartNew();
            await redis.StreamAddAsync($"events:{ActionStatusChanged.Topic}", "event", CloudEventEnvelope.Create(e, "/csp/actionplan", "bench", null, DateTimeOffset.UtcNow).ToJson());
            while (!((await OnTrackAsync())?.Contains(expected, StringComparison.Ordinal) ?? false))
            {
                if (sw.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("derived value not updated within 10 s");
                await Task.Delay(1);
            }
            derived.Add(sw.Elapsed.TotalMilliseconds);
        }

        return string.Join(Environment.NewLine,
            $"KPI scorecard: 100 KPIs x 120 months (12,000 measurements, arranged in {arrange.Elapsed.TotalSeconds:0.0} s), {measured} sequential GETs after 50 to warm, {bytes:N0} bytes each",
            $"  scorecard ms      {Percentiles(scorecard)}   (goal: p99 < 20 ms)",
            $"  of which reads+assembly in-process ms {Percentiles(inProcess)}",
            $"Derived KPI: action.status-changed on the bus -> actions-on-track readable in Redis, 100 events, subscriber poll interval at its default",
            $"  event->derived ms {Percentiles(derived)}   (goal: p99 < 50 ms)");
    }

    private static string Percentiles(List<double> values)
    {
        values.Sort();
        double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        return $"p50 {At(0.50),7:0.00}  p95 {At(0.95),7:0.00}  p99 {At(0.99),7:0.00}  max {values[^1],7:0.00}";
    }
}
