// Measures the action-plan API on real Redis and loopback HTTP: each scenario direct to the service and through the
// gateway (same process, same run, so the ratio is the gateway's cost), plus outbox-to-subscriber event latency.
// Then the cost of a risk reassessment with 10 and with 2,000 assessments already made (ReassessmentCost.cs), and the KPI
// scorecard and derived-KPI latencies (KpiCost.cs).
// Bounded: a fixed number of requests per scenario and a time cap. Usage: dotnet run -c Release -- [requests] | reassessment
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.Contracts.IntegrationEvents;
using Csp.Gateway;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

if (args.Contains("kpi"))
{
    // Only the KPI service's figures: dotnet run -c Release --project tests/Csp.Benchmarks -- kpi
    Console.WriteLine(await KpiCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("funding-overview"))
{
    // Only the funding overview across 300 partnerships: dotnet run -c Release -- funding-overview
    Console.WriteLine(await FundingOverviewCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("portal"))
{
    // Only the portal's figures (dashboard, packs, 300 partnerships' packs, LCP): dotnet run -c Release -- portal
    Console.WriteLine(await PortalCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

if (args.Contains("reassessment"))
{
    // Only the risk reassessment cost: dotnet run -c Release -- reassessment
    Console.WriteLine(await ReassessmentCost.RunAsync());
    await RedisServer.Instance.DisposeAsync();
    return;
}

var requests = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 2000;
var concurrency = 8;
var timeCap = TimeSpan.FromSeconds(60);

var db = RedisServer.Instance.TakeDatabase();
var settings = TestRedis.ServiceSettings(db);
settings["Logging:LogLevel:Default"] = "Warning";
settings["RateLimiting:PermitsPerMinute"] = "1000000";
await using var service = await RunningApp.StartAsync(ActionPlanApp.Build, settings);

var gatewayAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
var gateway = GatewayApp.Build(["--environment=Testing"], b => // the development issuer is refused in Production
{
    b.WebHost.UseUrls(gatewayAddress.ToString().TrimEnd('/'));
    b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
    {
        ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = service.BaseAddress.ToString(),
        ["RateLimiting:PermitsPerMinute"] = "1000000",
        ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
        ["Logging:LogLevel:Default"] = "Error",
        ["Logging:LogLevel:Yarp"] = "None",   // active health probes of the clusters this run does not start
    });
});
await gateway.StartAsync();

// Arrange: Medway, a plan and 200 actions led by Kent Police.
using (var admin = service.Client(TestUser.Admin))
    (await admin.PutAsJsonAsync("/api/partnerships/medway", new { name = "Medway CSP", agencies = new[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } } })).EnsureSuccessStatusCode();
using (var manager = service.Client(TestUser.Manager()))
{
    (await manager.PutAsJsonAsync("/api/partnerships/medway/plans/csp", new { title = "Plan", startYear = 2024, endYear = 2027, priorities = new[] { new { id = "safeguarding", title = "Safeguarding", areasOfFocus = Array.Empty<object>() } } })).EnsureSuccessStatusCode();
    for (var i = 0; i < 200; i++)
        (await manager.PostAsJsonAsync("/api/partnerships/medway/actions", new { planId = "csp", priorityId = "safeguarding", title = $"Action {i}", strand = "protect", leadAgencyId = "kent-police", owner = "DI", startDate = "2026-01-01", dueDate = "2027-03-31" })).EnsureSuccessStatusCode();
}

HttpClient Client(Uri baseAddress)
{
    var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = baseAddress };
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(TestUser.Partner("kent-police")));
    return client;
}

async Task<Result> RunAsync(string name, HttpClient client, Func<HttpClient, int, Task<HttpResponseMessage>> call)
{
    var latencies = new List<double>(requests);
    var errors = 0;
    var next = -1;
    var total = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < requests && total.Elapsed < timeCap)
        {
            var sw = Stopwatch.StartNew();
            using var response = await call(client, i);
            sw.Stop();
            if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
            lock (latencies) latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
    }));
    total.Stop();
    latencies.Sort();
    double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Floor(q * latencies.Count))];
    return new Result(name, latencies.Count, errors, latencies.Count / total.Elapsed.TotalSeconds, P(0.5), P(0.95), P(0.99));
}

Task<HttpResponseMessage> GetAction(HttpClient c, int i) => c.GetAsync($"/api/partnerships/medway/actions/{i % 200 + 1}");
Task<HttpResponseMessage> ListPage(HttpClient c, int i) => c.GetAsync("/api/partnerships/medway/actions?strand=protect&pageSize=25");
Task<HttpResponseMessage> PostUpdate(HttpClient c, int i) =>
    c.PostAsJsonAsync($"/api/partnerships/medway/actions/{i % 200 + 1}/updates", new { status = i % 2 == 0 ? "on-track" : "at-risk", progressPercent = i % 100, commentary = "Benchmark update." });

using var direct = Client(service.BaseAddress);
using var viaGateway = Client(gatewayAddress);
var results = new List<(Result Direct, Result Gateway)>();
foreach (var (name, call) in new (string, Func<HttpClient, int, Task<HttpResponseMessage>>)[] { ("GET one action", GetAction), ("GET list (filter, 200 actions)", ListPage), ("POST update (+outbox, audit)", PostUpdate) })
{
    // Warm both paths (JIT, connection pools) before either is measured, then measure them back to back.
    for (var i = 0; i < 200; i++) { (await call(direct, i)).Dispose(); (await call(viaGateway, i)).Dispose(); }
    results.Add((await RunAsync(name, direct, call), await RunAsync(name, viaGateway, call)));
}

// Event latency: from the update's 201 to its ActionStatusChanged entry on the bus (outbox dispatch included).
// Fresh actions (not started), so each update is a status change and publishes.
var fresh = new List<long>();
using (var manager = service.Client(TestUser.Manager()))
    for (var i = 0; i < 100; i++)
    {
        var created = await (await manager.PostAsJsonAsync("/api/partnerships/medway/actions", new { planId = "csp", priorityId = "safeguarding", title = $"Event action {i}", strand = "pursue", leadAgencyId = "kent-police", owner = "DI", startDate = "2026-01-01", dueDate = "2027-03-31" })).Content.ReadFromJsonAsync<JsonObject>();
        fresh.Add((long)created!["id"]!);
    }
var eventLatencies = new List<double>();
var eventsKey = "events:" + ActionStatusChanged.Topic;
foreach (var id in fresh)
{
    var before = await RedisServer.Instance.Connection.GetDatabase(db).StreamLengthAsync(eventsKey);
    var sw = Stopwatch.StartNew();
    (await direct.PostAsJsonAsync($"/api/partnerships/medway/actions/{id}/updates", new { status = "on-track", progressPercent = 5, commentary = "Started." })).EnsureSuccessStatusCode();
    while (await RedisServer.Instance.Connection.GetDatabase(db).StreamLengthAsync(eventsKey) <= before && sw.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(1);
    eventLatencies.Add(sw.Elapsed.TotalMilliseconds);
}
eventLatencies.Sort();

Console.WriteLine($"CSP action-plan benchmark: {requests} requests per scenario, {concurrency} concurrent clients, {Environment.ProcessorCount} cores, real Redis, loopback HTTP");
Console.WriteLine($"{"scenario",-34} {"path",-8} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7}");
foreach (var (d, g) in results)
{
    foreach (var (r, path) in new[] { (d, "direct"), (g, "gateway") })
        Console.WriteLine($"{r.Name,-34} {path,-8} {r.PerSecond,8:0} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7}");
    Console.WriteLine($"{"",-34} {"ratio",-8} {g.PerSecond / d.PerSecond,8:0.00}x {g.P50 / d.P50,7:0.00}x {g.P95 / d.P95,7:0.00}x   (gateway / direct)");
}
Console.WriteLine($"update → action.status-changed on the bus: p50 {eventLatencies[50]:0.0} ms, p95 {eventLatencies[95]:0.0} ms, max {eventLatencies[^1]:0.0} ms (100 updates)");

await gateway.StopAsync();
await gateway.DisposeAsync();
Console.WriteLine();
Console.WriteLine(await ReassessmentCost.RunAsync());
Console.WriteLine();
Console.WriteLine(await KpiCost.RunAsync());
Console.WriteLine(await FundingOverviewCost.RunAsync());
Console.WriteLine(await PortalCost.RunAsync());
await RedisServer.Instance.DisposeAsync();

internal sealed record Result(string Name, int Count, int Errors, double PerSecond, double P50, double P95, double P99);
