// The KPI service's two timing goals (issue 9), on real Redis and loopback HTTP:
// - the scorecard of one partnership with 100 KPIs x 10 years of monthly measurements (12,000 measurements): under 20 ms p99,
//   unchanged, first after a change, and while derived updates arrive; each "before" (built from rows) and "after" (spliced
//   from each KPI's kept entry) in the same run;
// - a derived KPI: action.status-changed put on the bus -> the new value readable in Redis: under 50 ms p99.
// Prints p50/p95/p99; asserts nothing. Usage: dotnet run -c Release --project tests/Csp.Benchmarks -- kpi
using System.Diagnostics;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Kpi;
using Csp.Kpi.Commands;
using Csp.Kpi.Domain;
using Csp.TestSupport;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;

internal static class KpiCost
{
    public static async Task<string> RunAsync(int measured = 500)
    {
        var db = RedisServer.Instance.TakeDatabase();
        var redis = RedisServer.Instance.Connection.GetDatabase(db);
        var settings = TestRedis.ServiceSettings(db);
        settings["Logging:LogLevel:Default"] = "Warning";
        settings["Logging:LogLevel:Csp.BuildingBlocks.PartnershipCopy"] = "Error"; // no action-plan service here to copy from: expected
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

        // The "before" in the same run: a second replica on the same data, building every scorecard from its rows as every
        // replica did before each KPI's entry was kept ready to serve (Kpi:ScorecardFromRows, a bench-only switch).
        var beforeSettings = new Dictionary<string, string?>(settings) { ["Kpi:ScorecardFromRows"] = "true" };
        await using var rows = await RunningApp.StartAsync(KpiApp.Build, beforeSettings);
        await Eventually.TrueAsync(async () => (await rows.Client(TestUser.Board("bench")).GetAsync("/api/partnerships/bench/kpis")).IsSuccessStatusCode, "the second replica knows the partnership");

        using var after = kpi.Client(TestUser.Board("bench"));
        using var before = rows.Client(TestUser.Board("bench"));
        using var manager = kpi.Client(TestUser.Manager("bench"));
        const string Scorecard = "/api/partnerships/bench/kpis/scorecard";
        long bytes = 0;
        var sameBody = true;
        for (var i = 0; i < 50; i++) // warm both
        {
            (await after.GetAsync(Scorecard)).EnsureSuccessStatusCode();
            (await before.GetAsync(Scorecard)).EnsureSuccessStatusCode();
        }
        await manager.PostAsJsonAsync("/api/partnerships/bench/kpis/kpi-000/measurements/2026-03/revisions", new { value = 99 }); // both build once more
        {
            var a = await after.GetByteArrayAsync(Scorecard);
            var b = await before.GetByteArrayAsync(Scorecard);
            bytes = a.Length;
            sameBody = a.AsSpan().SequenceEqual(b);
        }

        // Timed GETs of one path; `between` runs before each GET, outside the timing. Counts the GETs that got a new body.
        async Task<(List<double> Timings, int NewBodies)> GetsAsync(HttpClient client, string path, Func<int, Task>? between = null)
        {
            var timings = new List<double>(measured);
            var newBodies = 0;
            System.Net.Http.Headers.EntityTagHeaderValue? last = null;
            for (var i = 0; i < measured; i++)
            {
                if (between is not null) await between(i);
                var sw = Stopwatch.StartNew();
                using var response = await client.GetAsync(path);
                _ = await response.Content.ReadAsByteArrayAsync();
                timings.Add(sw.Elapsed.TotalMilliseconds);
                if (response.StatusCode != System.Net.HttpStatusCode.OK) throw new InvalidOperationException($"scorecard: {(int)response.StatusCode}");
                if (last is not null && !Equals(last, response.Headers.ETag)) newBodies++;
                last = response.Headers.ETag;
            }
            return (timings, newBodies);
        }

        // 1. Unchanged since the last GET: the kept body (both paths keep it; the stamp is read each time).
        var unchangedBefore = await GetsAsync(before, Scorecard);
        var unchangedAfter = await GetsAsync(after, Scorecard);

        // 2. The first GET after one measurement changed: a revision of one KPI's latest month (a different KPI each
        // time, through the API, untimed), then the GET.
        var revision = 0;
        async Task ReviseOneAsync(int i)
        {
            var response = await manager.PostAsJsonAsync($"/api/partnerships/bench/kpis/kpi-{i % 100:000}/measurements/2026-03/revisions", new { value = 60 + revision++ % 80 });
            if (response.StatusCode != System.Net.HttpStatusCode.Created) throw new InvalidOperationException($"revision: {(int)response.StatusCode}");
        }
        var changedBefore = await GetsAsync(before, Scorecard, ReviseOneAsync);
        var changedAfter = await GetsAsync(after, Scorecard, ReviseOneAsync);

        // 3. GETs while derived updates arrive at a steady rate: one action alternates between on-track and at-risk every
        // 20 ms (each event rewrites two derived KPIs: overall and the priority's), published as a service publishes; the
        // GETs 10 ms apart (untimed), so that about half of them are the first after a change.
        var transport = kpi.Services.GetRequiredService<IEventTransport>();
        var derivedStart = DateTimeOffset.UtcNow;
        await transport.PublishAsync(CloudEventEnvelope.Create(
            new ActionCreated("bench", 1, "plan", "priority-0", "prevent", "bench-police", "Patrols", new DateOnly(2027, 3, 31), "on-track"), "/csp/actionplan", "bench", null, derivedStart), CancellationToken.None);
        var quarter = Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow), Frequency.Quarterly).ToString();
        async Task<string?> OnTrackAsync() => (string?)await redis.HashGetAsync("kpi:{bench}:m:actions-on-track:current", quarter);
        await Eventually.TrueAsync(async () => await OnTrackAsync() is not null, "the first derived value");
        var step = 0;
        async Task<(List<double> Timings, int NewBodies, int Events)> WhileDerivedAsync(HttpClient client)
        {
            using var stop = new CancellationTokenSource();
            var events = 0;
            var publisher = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
                {
                    var status = step % 2 == 0 ? "at-risk" : "on-track";
                    var e = new ActionStatusChanged("bench", 1, "priority-0", "prevent", "bench-police", "x", status, "amber", 50, "bench", derivedStart.AddSeconds(++step));
                    await transport.PublishAsync(CloudEventEnvelope.Create(e, "/csp/actionplan", "bench", null, DateTimeOffset.UtcNow), CancellationToken.None);
                    events++;
                }
            });
            var (timings, newBodies) = await GetsAsync(client, Scorecard, _ => Task.Delay(10));
            stop.Cancel();
            await publisher;
            return (timings, newBodies, events);
        }
        var derivedBefore = await WhileDerivedAsync(before);
        var derivedAfter = await WhileDerivedAsync(after);

        // 4. A past period (?period=): built from rows on both paths; the first GET after a change, as in 2.
        var pastAfter = await GetsAsync(after, Scorecard + "?period=2025-06", ReviseOneAsync);

        // The same in-process, without HTTP or kept bodies: the build from rows (reads, assembly, JSON) against the splice.
        var fromRows = new List<double>();
        var spliced = new List<double>();
        using (var scope = kpi.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<Csp.Kpi.Storage.KpiStore>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            for (var i = 0; i < measured; i++)
            {
                var sw = Stopwatch.StartNew();
                var card = await Csp.Kpi.Storage.ScorecardReads.ReadScorecardAsync(store, "bench", null, today);
                _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(card, Csp.BuildingBlocks.Http.ApiJson.Options);
                fromRows.Add(sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                _ = await Csp.Kpi.Storage.ScorecardReads.ReadScorecardJsonAsync(store, "bench", today, publishedOnly: false);
                spliced.Add(sw.Elapsed.TotalMilliseconds);
            }
        }

        // Derived: alternate the action between on-track and at-risk; time from XADD to the new value in the current quarter.
        // Published as a service publishes (the transport: XADD, then the wake-up announcement), and, for comparison in the
        // same run, XADDed without an announcement (what every event cost before the wake-up: the subscriber's next poll).
        var start = derivedStart.AddHours(1);
        async Task<List<double>> DerivedAsync(int events, bool announced)
        {
            var timings = new List<double>();
            for (var i = 0; i < events; i++, step++)
            {
                var status = step % 2 == 0 ? "at-risk" : "on-track";
                var expected = step % 2 == 0 ? "\"value\":0" : "\"value\":100";
                var e = new ActionStatusChanged("bench", 1, "priority-0", "prevent", "bench-police", "x", status, "amber", 50, "bench", start.AddSeconds(step + 1));
                var envelope = CloudEventEnvelope.Create(e, "/csp/actionplan", "bench", null, DateTimeOffset.UtcNow);
                // A pause between events, so each finds the subscriber idle (as a real event usually does), not mid-loop.
                await Task.Delay(20);
                var sw = Stopwatch.StartNew();
                if (announced) await transport.PublishAsync(envelope, CancellationToken.None);
                else await redis.StreamAddAsync($"events:{ActionStatusChanged.Topic}", "event", envelope.ToJson());
                while (!((await OnTrackAsync())?.Contains(expected, StringComparison.Ordinal) ?? false))
                {
                    if (sw.Elapsed > TimeSpan.FromSeconds(10)) throw new TimeoutException("derived value not updated within 10 s");
                    await Task.Delay(1);
                }
                timings.Add(sw.Elapsed.TotalMilliseconds);
            }
            return timings;
        }
        var silent = await DerivedAsync(100, announced: false);
        var derived = await DerivedAsync(200, announced: true);

        string Row(string scenario, string path, List<double> t, string note = "") => $"  {scenario,-46} {path,-7} {Percentiles(t)}{note}";
        return string.Join(Environment.NewLine,
            $"KPI scorecard: 100 KPIs x 120 months (12,000 measurements, arranged in {arrange.Elapsed.TotalSeconds:0.0} s), {measured} sequential GETs per row, {bytes:N0} bytes, load {File.ReadAllText("/proc/loadavg").Trim()}",
            $"  before = a replica building every scorecard from rows (Kpi:ScorecardFromRows); after = entries spliced; same data, same run; bodies identical: {(sameBody ? "yes" : "NO")}",
            $"  {"scenario",-46} {"path",-7} ms (goal: p99 < 20 ms on every row)",
            Row("GET, unchanged since the last GET", "before", unchangedBefore.Timings),
            Row("", "after", unchangedAfter.Timings),
            Row("GET, first after one measurement changed", "before", changedBefore.Timings, $"   ({changedBefore.NewBodies} new bodies)"),
            Row("", "after", changedAfter.Timings, $"   ({changedAfter.NewBodies} new bodies)"),
            Row("GET while derived updates arrive (50/s)", "before", derivedBefore.Timings, $"   ({derivedBefore.NewBodies} new bodies, {derivedBefore.Events} events)"),
            Row("", "after", derivedAfter.Timings, $"   ({derivedAfter.NewBodies} new bodies, {derivedAfter.Events} events)"),
            Row("GET ?period=2025-06 after a change (from rows)", "both", pastAfter.Timings),
            Row("in-process, no HTTP, nothing kept: from rows", "before", fromRows),
            Row("                                    spliced", "after", spliced),
            $"Derived KPI: action.status-changed published -> actions-on-track readable in Redis, subscriber poll interval at its default (100 ms)",
            $"  without wake-up (XADD only, 100 events)  ms {Percentiles(silent)}",
            $"  with wake-up (the transport, 200 events) ms {Percentiles(derived)}   (goal: p99 <= 50 ms)");
    }

    private static string Percentiles(List<double> values)
    {
        values.Sort();
        double At(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
        return $"p50 {At(0.50),7:0.00}  p95 {At(0.95),7:0.00}  p99 {At(0.99),7:0.00}  max {values[^1],7:0.00}";
    }
}
