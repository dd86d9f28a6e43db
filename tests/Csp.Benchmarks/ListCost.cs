// What a filtered page of the action list costs with 200 and with 2,000 actions in the partnership, through the gateway,
// for the old path (every action read and filtered: ActionPlan:ListMode=Scan, kept for this comparison only) and the
// indexed one (sets per filter value kept in the write's transaction), in the same run on the same Redis data: two
// action-plan instances (one per mode) share one database, each behind its own gateway. Prints figures and ratios;
// asserts nothing. Usage: dotnet run -c Release --project tests/Csp.Benchmarks -- lists
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.Gateway;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

internal static class ListCost
{
    private const int Concurrency = 8;
    private static readonly string[] Agencies = ["kent-police", "medway-council", "kent-fire", "nhs-kent", "probation", "housing"];
    private static readonly string[] Priorities = ["safeguarding", "violence", "asb", "drugs"];
    private static readonly string[] Strands = ["prevent", "protect", "pursue", "prepare"];
    private static readonly string[] Statuses = ["on-track", "at-risk", "off-track", "completed", "cancelled"];

    // What follows .../actions: a filtered page of 50, or the summary (counts by priority x strand x status, overdue, total:
    // read from the kept cell sets, or in Scan mode counted from every action).
    private static readonly (string Name, string Query)[] Queries =
    [
        ("strand=protect&status=on-track", "?strand=protect&status=on-track&pageSize=50"),
        ("agency=kent-fire", "?agency=kent-fire&pageSize=50"),
        ("overdue=true", "?overdue=true&pageSize=50"),
        ("summary", "/summary"),
    ];

    public static async Task<string> RunAsync(int requests = 600)
    {
        var timeCap = TimeSpan.FromSeconds(20);
        var db = RedisServer.Instance.TakeDatabase();
        Dictionary<string, string?> Settings(string mode)
        {
            var settings = TestRedis.ServiceSettings(db);
            settings["Logging:LogLevel:Default"] = "Warning";
            settings["RateLimiting:PermitsPerMinute"] = "1000000";
            settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
            settings["ActionPlan:ListMode"] = mode;
            return settings;
        }
        await using var indexed = await RunningApp.StartAsync(ActionPlanApp.Build, Settings("Index"));
        await using var scan = await RunningApp.StartAsync(ActionPlanApp.Build, Settings("Scan"));
        var (indexGateway, indexGatewayAddress) = await StartGatewayAsync(indexed.BaseAddress);
        var (scanGateway, scanGatewayAddress) = await StartGatewayAsync(scan.BaseAddress);

        var sizes = new (string Partnership, int Actions)[] { ("bench-small", 200), ("bench-large", 2000) };
        var seeding = Stopwatch.StartNew();
        foreach (var (partnership, count) in sizes) await SeedAsync(indexed, partnership, count);
        seeding.Stop();

        HttpClient Client(Uri baseAddress, string partnership)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = baseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(TestUser.Partner("kent-police", partnership)));
            return client;
        }

        var rows = new List<(string Query, string Mode, int Size, long Total, Result Result)>();
        foreach (var (name, query) in Queries)
            foreach (var (partnership, size) in sizes)
            {
                var path = $"/api/partnerships/{partnership}/actions{query}";
                using var viaScan = Client(scanGatewayAddress, partnership);
                using var viaIndex = Client(indexGatewayAddress, partnership);
                // Both paths answer the same (same total, same page), or the comparison is meaningless.
                var fromScan = await viaScan.GetFromJsonAsync<JsonObject>(path);
                var fromIndex = await viaIndex.GetFromJsonAsync<JsonObject>(path);
                if (fromScan!.ToJsonString() != fromIndex!.ToJsonString())
                    throw new InvalidOperationException($"The scan and the index disagree on {path}");
                var total = (long)fromIndex["total"]!;
                foreach (var (mode, client) in new[] { ("scan", viaScan), ("index", viaIndex) })
                {
                    for (var i = 0; i < 50; i++) (await client.GetAsync(path)).Dispose(); // warm
                    rows.Add((name, mode, size, total, await MeasureAsync(client, path, requests, timeCap)));
                }
            }

        await indexGateway.StopAsync();
        await indexGateway.DisposeAsync();
        await scanGateway.StopAsync();
        await scanGateway.DisposeAsync();
        var riskRows = await RunRisksAsync(requests, timeCap);

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Filtered page of 50 through the gateway: 200 vs 2,000 actions, old path (scan) vs indexed, {Concurrency} concurrent clients, up to {requests} requests per row, {Environment.ProcessorCount} cores, real Redis, loopback HTTP (seeded {sizes.Sum(s => s.Actions)} actions in {seeding.Elapsed.TotalSeconds:0.0} s)");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"query",-32} {"path",-6} {"actions",7} {"total",6} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");
        foreach (var (query, mode, size, total, r) in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"{query,-32} {mode,-6} {size,7} {total,6} {r.PerSecond,8:0} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7}");
        text.AppendLine("ratios (req/s): index / scan at each size; 2,000 / 200 for each path (1.00 = a page costs the same whatever the partnership's size)");
        foreach (var (query, _) in Queries)
        {
            Result Row(string mode, int size) => rows.Single(r => r.Query == query && r.Mode == mode && r.Size == size).Result;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{query,-32} index/scan: 200 {Row("index", 200).PerSecond / Row("scan", 200).PerSecond,6:0.00}x  2,000 {Row("index", 2000).PerSecond / Row("scan", 2000).PerSecond,6:0.00}x   2,000/200: scan {Row("scan", 2000).PerSecond / Row("scan", 200).PerSecond,5:0.00}  index {Row("index", 2000).PerSecond / Row("index", 200).PerSecond,5:0.00}  (p50 2,000/200: scan {Row("scan", 2000).P50 / Row("scan", 200).P50:0.00}, index {Row("index", 2000).P50 / Row("index", 200).P50:0.00})");
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Risk register page of 50 through the gateway: 200 vs 2,000 risks, old path (scan) vs indexed, {Concurrency} concurrent clients");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"query",-32} {"path",-6} {"risks",7} {"total",6} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");
        foreach (var (query, mode, size, total, r) in riskRows)
            text.AppendLine(CultureInfo.InvariantCulture, $"{query,-32} {mode,-6} {size,7} {total,6} {r.PerSecond,8:0} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7}");
        foreach (var query in riskRows.Select(r => r.Query).Distinct())
        {
            Result Row(string mode, int size) => riskRows.Single(r => r.Query == query && r.Mode == mode && r.Size == size).Result;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{query,-32} index/scan: 200 {Row("index", 200).PerSecond / Row("scan", 200).PerSecond,6:0.00}x  2,000 {Row("index", 2000).PerSecond / Row("scan", 2000).PerSecond,6:0.00}x   2,000/200: scan {Row("scan", 2000).PerSecond / Row("scan", 200).PerSecond,5:0.00}  index {Row("index", 2000).PerSecond / Row("index", 200).PerSecond,5:0.00}");
        }
        return text.ToString();
    }

    /// <summary>The same comparison for the risk register: two risk instances (Risk:ListMode Scan and Index) on one database,
    /// each behind its own gateway; risks in three registers, ratings across the matrix, a fifth closed.</summary>
    private static async Task<List<(string Query, string Mode, int Size, long Total, Result Result)>> RunRisksAsync(int requests, TimeSpan timeCap)
    {
        var db = RedisServer.Instance.TakeDatabase();
        var redis = RedisServer.Instance.Connection.GetDatabase(db);
        Dictionary<string, string?> Settings(string mode)
        {
            var settings = TestRedis.ServiceSettings(db);
            settings["Logging:LogLevel:Default"] = "Warning";
            settings["RateLimiting:PermitsPerMinute"] = "1000000";
            settings["Risk:Reviews:ScanInterval"] = "01:00:00";
            settings["Risk:ListMode"] = mode;
            return settings;
        }
        await using var indexed = await RunningApp.StartAsync(Csp.Risk.RiskApp.Build, Settings("Index"));
        await using var scan = await RunningApp.StartAsync(Csp.Risk.RiskApp.Build, Settings("Scan"));
        var (indexGateway, indexGatewayAddress) = await StartGatewayAsync(indexed.BaseAddress, "risk");
        var (scanGateway, scanGatewayAddress) = await StartGatewayAsync(scan.BaseAddress, "risk");

        var sizes = new (string Partnership, int Risks)[] { ("bench-small", 200), ("bench-large", 2000) };
        string[] registers = ["csp", "medway-task-force", "asb"];
        string[] cells = ["A1", "B2", "C3", "D3", "E1", "F4", "C1", "A4", "D2", "E4", "B4", "F1"];
        foreach (var (partnership, count) in sizes)
        {
            var change = new Csp.Contracts.IntegrationEvents.PartnershipChanged(partnership, partnership, [new Csp.Contracts.IntegrationEvents.PartnershipAgency("bench-council", "Bench Council", true)], 1);
            await redis.StreamAddAsync($"events:{Csp.Contracts.IntegrationEvents.PartnershipChanged.Topic}", "event",
                Csp.BuildingBlocks.EventBus.CloudEventEnvelope.Create(change, "/csp/actionplan", partnership, null, DateTimeOffset.UtcNow).ToJson());
            await Eventually.TrueAsync(async () => await redis.KeyExistsAsync($"risk:{{{partnership}}}:partnership"), "the risk service knows the partnership");
            using var manager = indexed.Client(TestUser.Manager(partnership) with { Agency = "bench-council" });
            var next = -1;
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var random = new Random(i * 7919 + count);
                    var created = await manager.PostAsJsonAsync($"/api/partnerships/{partnership}/risks", new
                    {
                        register = registers[random.Next(registers.Length)], title = $"Risk {i}", owningAgencyId = "bench-council", owner = "CSM",
                        treatment = "treat", reviewFrequency = "quarterly", current = cells[random.Next(cells.Length)], rationale = "First assessment.",
                    });
                    created.EnsureSuccessStatusCode();
                    if (random.Next(5) != 0) continue;
                    var id = (long)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
                    (await manager.PostAsJsonAsync($"/api/partnerships/{partnership}/risks/{id}/close", new { reason = "Done." })).EnsureSuccessStatusCode();
                }
            }));
        }

        HttpClient Client(Uri baseAddress, string partnership)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = baseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(TestUser.Board(partnership)));
            return client;
        }
        var rows = new List<(string Query, string Mode, int Size, long Total, Result Result)>();
        foreach (var query in new[] { "register=csp&band=amber", "status=all" })
            foreach (var (partnership, size) in sizes)
            {
                var path = $"/api/partnerships/{partnership}/risks?{query}&pageSize=50";
                using var viaScan = Client(scanGatewayAddress, partnership);
                using var viaIndex = Client(indexGatewayAddress, partnership);
                var fromScan = await viaScan.GetFromJsonAsync<JsonObject>(path);
                var fromIndex = await viaIndex.GetFromJsonAsync<JsonObject>(path);
                if (fromScan!.ToJsonString() != fromIndex!.ToJsonString()) throw new InvalidOperationException($"The scan and the index disagree on {path}");
                foreach (var (mode, client) in new[] { ("scan", viaScan), ("index", viaIndex) })
                {
                    for (var i = 0; i < 50; i++) (await client.GetAsync(path)).Dispose(); // warm
                    rows.Add((query, mode, size, (long)fromIndex["total"]!, await MeasureAsync(client, path, requests, timeCap)));
                }
            }
        foreach (var gateway in new[] { indexGateway, scanGateway })
        {
            await gateway.StopAsync();
            await gateway.DisposeAsync();
        }
        return rows;
    }

    private static async Task<(WebApplication Gateway, Uri Address)> StartGatewayAsync(Uri service, string cluster = "actionplan")
    {
        for (var attempt = 1; ; attempt++)
        {
            var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var gateway = GatewayApp.Build(["--environment=Testing"], b => // the development issuer is refused in Production
            {
                b.WebHost.UseUrls(address.ToString().TrimEnd('/'));
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
                {
                    [$"ReverseProxy:Clusters:{cluster}:Destinations:primary:Address"] = service.ToString(),
                    ["RateLimiting:PermitsPerMinute"] = "1000000",
                    ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                    ["Ports:Management"] = FreePort.Next().ToString(CultureInfo.InvariantCulture), // two gateways in this process
                    ["Logging:LogLevel:Default"] = "Error",
                    ["Logging:LogLevel:Yarp"] = "None",
                });
            });
            try
            {
                await gateway.StartAsync();
                return (gateway, address);
            }
            catch (IOException) when (attempt < 3) // a free port taken by another process meanwhile
            {
                await gateway.DisposeAsync();
            }
        }
    }

    /// <summary>A partnership with six agencies, a plan with four priorities and <paramref name="count"/> actions of mixed
    /// priority, strand, lead and supporting agencies, due dates (some past: overdue unless closed) and statuses.</summary>
    private static async Task SeedAsync(RunningApp service, string partnership, int count)
    {
        using (var admin = service.Client(TestUser.Admin))
            (await admin.PutAsJsonAsync($"/api/partnerships/{partnership}", new
            {
                name = partnership, agencies = Agencies.Select(a => new { id = a, name = a, responsibleAuthority = true }).ToArray(),
            })).EnsureSuccessStatusCode();
        using var manager = service.Client(TestUser.Manager(partnership));
        (await manager.PutAsJsonAsync($"/api/partnerships/{partnership}/plans/csp", new
        {
            title = "Plan", startYear = 2024, endYear = 2028,
            priorities = Priorities.Select(p => new { id = p, title = p, areasOfFocus = Array.Empty<object>() }).ToArray(),
        })).EnsureSuccessStatusCode();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var random = new Random(i * 7919 + count);
                var lead = Agencies[random.Next(Agencies.Length)];
                var due = today.AddDays(random.Next(-300, 600));
                var created = await manager.PostAsJsonAsync($"/api/partnerships/{partnership}/actions", new
                {
                    planId = "csp", priorityId = Priorities[random.Next(Priorities.Length)], title = $"Action {i}",
                    strand = Strands[random.Next(Strands.Length)], leadAgencyId = lead,
                    supportingAgencyIds = Agencies.Where(a => a != lead && random.Next(5) == 0).ToArray(), owner = "Owner",
                    startDate = due.AddDays(-400).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    dueDate = due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                });
                created.EnsureSuccessStatusCode();
                var id = (long)(await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
                if (random.Next(6) == 0) continue; // not started
                (await manager.PostAsJsonAsync($"/api/partnerships/{partnership}/actions/{id}/updates", new
                {
                    status = Statuses[random.Next(Statuses.Length)], progressPercent = random.Next(100), commentary = "Seeded update.",
                })).EnsureSuccessStatusCode();
            }
        }));
    }

    private static async Task<Result> MeasureAsync(HttpClient client, string path, int requests, TimeSpan timeCap)
    {
        var latencies = new List<double>(requests);
        var errors = 0;
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < requests && total.Elapsed < timeCap)
            {
                var sw = Stopwatch.StartNew();
                using var response = await client.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                sw.Stop();
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                lock (latencies) latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }));
        total.Stop();
        latencies.Sort();
        double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Floor(q * latencies.Count))];
        return new Result(path, latencies.Count, errors, latencies.Count / total.Elapsed.TotalSeconds, P(0.5), P(0.95), P(0.99));
    }
}
