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

        using var board = kpi.Client(TestUser.Board("bench"));
        const string Scorecard = "/api/partnerships/bench/kpis/scorecard";
        for (var i = 0; i < 50; i++) (await board.GetAsync(Scorecard)).EnsureSuccessStatusCode(); // warm
        long bytes = 0;
        System.Net.Http.Headers.EntityTagHeaderValue? etag = null;
        async Task<List<double>> GetsAsync(Func<Task>? before = null, bool revalidate = false)
        {
            var timings = new List<double>();
            for (var i = 0; i < measured; i++)
            {
                if (before is not null) await before();
                using var request = new HttpRequestMessage(HttpMethod.Get, Scorecard);
                if (revalidate) request.Headers.IfNoneMatch.Add(etag!);
                var sw = Stopwatch.StartNew();
                using var response = await board.SendAsync(request);
                var body = await response.Content.ReadAsByteArrayAsync();
                timings.Add(sw.Elapsed.TotalMilliseconds);
                if (response.StatusCode != (revalidate ? System.Net.HttpStatusCode.NotModified : System.Net.HttpStatusCode.OK))
                    throw new InvalidOperationException($"scorecard: {(int)response.StatusCode}");
                if (!revalidate) (bytes, etag) = (body.Length, response.Headers.ETag);
            }
            return timings;
        }
        // After a change: a write sets the partnership's scorecard stamp anew; setting it here (outside the timing) makes
        // every GET build the scorecard as every GET did before the bodies were kept: reads, assembly, JSON.
        var rebuilt = await GetsAsync(() => redis.StringSetAsync("kpi:{bench}:scorecard-stamp", Guid.NewGuid().ToString("N")));
        var scorecard = await GetsAsync();
        var notModified = await GetsAsync(revalidate: true);
        // As a browser asks (Accept-Encoding: gzip): the kept body gzipped once, decompressed by the client (timed).
        List<double> zipped;
        long zippedBytes = 0;
        using (var browser = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.GZip }) { BaseAddress = kpi.BaseAddress })
        {
            browser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestAuth.Token(TestUser.Board("bench")));
            zipped = [];
            for (var i = 0; i < measured; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await browser.GetAsync(Scorecard, HttpCompletionOption.ResponseHeadersRead);
                var body = await response.Content.ReadAsByteArrayAsync();
                zipped.Add(sw.Elapsed.TotalMilliseconds);
                response.EnsureSuccessStatusCode();
                if (body.Length != bytes) throw new InvalidOperationException("the gzipped scorecard is not the same body");
            }
            using var plain = kpi.Client(TestUser.Board("bench"));
            using var raw = await plain.SendAsync(new HttpRequestMessage(HttpMethod.Get, Scorecard) { Headers = { AcceptEncoding = { new("gzip") } } });
            zippedBytes = (await raw.Content.ReadAsByteArrayAsync()).Length;
        }

        // The same scorecard in-process, without HTTP: where the time goes (reads, assembly, JSON writing).
        var inProcess = new List<double>();
        var reads = new List<double>();
        var assembly = new List<double>();
        var writing = new List<double>();
        using (var scope = kpi.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<Csp.Kpi.Storage.KpiStore>();
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            for (var i = 0; i < measured; i++)
            {
                var sw = Stopwatch.StartNew();
                // As ScorecardReads.ReadScorecardAsync does, with the clock read between the steps.
                var codes = await store.ListCodesAsync("bench");
                var definitionsRead = store.GetDefinitionsAsync("bench", codes);
                var seriesRead = store.GetAllSeriesAsync("bench", codes);
                var kpis = (await definitionsRead).Select(d => d.Value).ToList();
                var series = (await seriesRead).ToDictionary(e => e.Key, e => e.Value.Value, StringComparer.Ordinal);
                var windows = kpis.ToDictionary(k => k.Code, k => Scorecards.Window(k, series.GetValueOrDefault(k.Code), null), StringComparer.Ordinal);
                var slices = await store.GetSlicesAsync("bench", windows);
                var read = sw.Elapsed.TotalMilliseconds;
                var card = Scorecards.Build("bench", null, today, kpis, series, slices);
                var built = sw.Elapsed.TotalMilliseconds;
                _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(card, Csp.BuildingBlocks.Http.ApiJson.Options);
                inProcess.Add(sw.Elapsed.TotalMilliseconds);
                reads.Add(read);
                assembly.Add(built - read);
                writing.Add(sw.Elapsed.TotalMilliseconds - built);
            }
        }

        // Derived: alternate one action between on-track and at-risk; time from XADD to the new value in the current quarter.
        var quarter = Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow), Frequency.Quarterly).ToString();
        var start = DateTimeOffset.UtcNow;
        await redis.StreamAddAsync($"events:{ActionCreated.Topic}", "event", CloudEventEnvelope.Create(
            new ActionCreated("bench", 1, "plan", "priority-0", "prevent", "bench-police", "Patrols", new DateOnly(2027, 3, 31), "on-track"), "/csp/actionplan", "bench", null, start).ToJson());
        async Task<string?> OnTrackAsync() => (string?)await redis.HashGetAsync("kpi:{bench}:m:actions-on-track:current", quarter);
        await Eventually.TrueAsync(async () => await OnTrackAsync() is not null, "the first derived value");
        // Published as a service publishes (the transport: XADD, then the wake-up announcement), and, for comparison in the
        // same run, XADDed without an announcement (what every event cost before the wake-up: the subscriber's next poll).
        var transport = kpi.Services.GetRequiredService<IEventTransport>();
        var step = 0;
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

        return string.Join(Environment.NewLine,
            $"KPI scorecard: 100 KPIs x 120 months (12,000 measurements, arranged in {arrange.Elapsed.TotalSeconds:0.0} s), {measured} sequential GETs after 50 to warm, {bytes:N0} bytes each",
            $"  GET, first after a change (built: as every GET before) ms {Percentiles(rebuilt)}",
            $"  GET, unchanged since the last GET (body kept)       ms {Percentiles(scorecard)}   (goal: p99 < 20 ms)",
            $"  GET with If-None-Match, unchanged (304)             ms {Percentiles(notModified)}",
            $"  GET, unchanged, Accept-Encoding gzip ({zippedBytes:N0} bytes) ms {Percentiles(zipped)}",
            $"  a build in-process, no HTTP ms {Percentiles(inProcess)}",
            $"    reads (Redis + deserialise) {Percentiles(reads)}",
            $"    assembly                    {Percentiles(assembly)}",
            $"    JSON writing                {Percentiles(writing)}",
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
