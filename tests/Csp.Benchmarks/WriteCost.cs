// What an action update costs, and where its time goes: the action-plan service and our gateway in one process, 2,000
// actions, many concurrent partners POSTing updates spread over them, direct and through the gateway. Each write mode
// (Redis:WriteMode: Transaction = the old MULTI/EXEC with WATCH-style conditions, Script = one Lua script) gets its own
// service, database and gateway in the same run, all set up and warmed first, then measured back to back row by row, so
// the table is a before/after on the same machine and load.
// "Redis vs our code": CPU seconds of the redis-server process (INFO cpu) against this process's CPU seconds (service,
// gateway and load generator together) over the same interval; and the mean time a write waited for its commit reply
// (RedisWriteStats) against the mean request latency.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Csp.ActionPlan;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

internal static class WriteCost
{
    private const int Actions = 2000;
    private static readonly int[] Concurrencies = [16, 32];

    public static async Task<string> RunAsync() => await RunAsync(requests: 6000);

    public static async Task<string> RunAsync(int requests, string[]? modes = null)
    {
        // Both modes are set up (service, gateway, 2,000 actions, warmed) before either is measured, and then measured
        // back to back for each row, so neither gets a colder JIT or a quieter machine than the other.
        var platforms = new List<Platform>();
        try
        {
            foreach (var mode in modes ?? ["Transaction", "Script"]) platforms.Add(await Platform.StartAsync(mode));
            var rows = new List<Row>();
            foreach (var clients in Concurrencies)
                foreach (var path in new[] { "direct", "gateway" })
                    foreach (var platform in platforms)
                    {
                        using var client = Client(path == "direct" ? platform.Service.BaseAddress : platform.Gateway, clients);
                        for (var i = 0; i < 300; i++) (await PostUpdate(client, i)).Dispose();
                        rows.Add(await MeasureAsync(platform.Mode, path, client, clients, requests));
                    }
            return Table(requests, rows);
        }
        finally
        {
            foreach (var platform in platforms) await platform.DisposeAsync();
        }
    }

    private static string Table(int requests, List<Row> rows)
    {
        var lines = new List<string>
        {
            $"action update cost: {requests} POST /actions/{{id}}/updates per row over {Actions} actions, {Environment.ProcessorCount} cores, real Redis, loopback HTTP, load {File.ReadAllText("/proc/loadavg").Trim()}",
            $"{"mode",-12} {"path",-8} {"clients",7} {"req/s",8} {"p50 ms",7} {"p95 ms",7} {"p99 ms",7} {"errors",6} {"commit wait ms",14} {"redis cpu µs/req",16} {"our cpu µs/req",14} {"redis share",11}",
        };
        foreach (var r in rows)
            lines.Add($"{r.Mode,-12} {r.Path,-8} {r.Clients,7} {r.PerSecond,8:0} {r.P50,7:0.00} {r.P95,7:0.00} {r.P99,7:0.00} {r.Errors,6} {r.CommitWaitMs,14:0.00} {r.RedisCpuUs,16:0} {r.OurCpuUs,14:0} {r.RedisShare,10:0%}");
        foreach (var path in new[] { "direct", "gateway" })
            foreach (var clients in Concurrencies)
                if (rows.FirstOrDefault(r => r.Mode == "Transaction" && r.Path == path && r.Clients == clients) is { } before
                    && rows.FirstOrDefault(r => r.Mode == "Script" && r.Path == path && r.Clients == clients) is { } after)
                    lines.Add($"Script / Transaction, {path}, {clients} clients: {after.PerSecond / before.PerSecond:0.00}x req/s, {after.P50 / before.P50:0.00}x p50, {after.P99 / before.P99:0.00}x p99");
        lines.Add("commit wait = mean time from sending a write's commit to its reply (client queueing included); redis share = redis-server CPU / (redis-server + this process's CPU)");
        return string.Join(Environment.NewLine, lines);
    }

    private sealed class Platform : IAsyncDisposable
    {
        public required string Mode { get; init; }
        public required RunningApp Service { get; init; }
        public required WebApplication GatewayApp { get; init; }
        public required Uri Gateway { get; init; }

        public static async Task<Platform> StartAsync(string mode)
        {
            var db = RedisServer.Instance.TakeDatabase();
            var settings = TestRedis.ServiceSettings(db);
            settings["Logging:LogLevel:Default"] = "Warning";
            settings["RateLimiting:PermitsPerMinute"] = "100000000";
            settings["Redis:WriteMode"] = mode;
            settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
            var service = await RunningApp.StartAsync(ActionPlanApp.Build, settings);

            var gatewayAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var gateway = Csp.Gateway.GatewayApp.Build(["--environment=Testing"], b =>
            {
                b.WebHost.UseUrls(gatewayAddress.ToString().TrimEnd('/'));
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
                {
                    ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = service.BaseAddress.ToString(),
                    ["RateLimiting:PermitsPerMinute"] = "100000000",
                    ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                    ["Logging:LogLevel:Default"] = "Error",
                    ["Logging:LogLevel:Yarp"] = "None",
                    ["Ports:Management"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), // two gateways in one run
                });
            });
            await gateway.StartAsync();

            using (var admin = service.Client(TestUser.Admin))
                (await admin.PutAsJsonAsync("/api/partnerships/medway", new { name = "Medway CSP", agencies = new[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } } })).EnsureSuccessStatusCode();
            using (var manager = service.Client(TestUser.Manager()))
            {
                (await manager.PutAsJsonAsync("/api/partnerships/medway/plans/csp", new { title = "Plan", startYear = 2024, endYear = 2027, priorities = new[] { new { id = "safeguarding", title = "Safeguarding", areasOfFocus = Array.Empty<object>() } } })).EnsureSuccessStatusCode();
                var next = 0;
                await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) <= Actions)
                        (await manager.PostAsJsonAsync("/api/partnerships/medway/actions", new { planId = "csp", priorityId = "safeguarding", title = $"Action {i}", strand = "protect", leadAgencyId = "kent-police", owner = "DI", startDate = "2026-01-01", dueDate = "2027-03-31" })).EnsureSuccessStatusCode();
                }));
            }
            return new Platform { Mode = mode, Service = service, GatewayApp = gateway, Gateway = gatewayAddress };
        }

        public async ValueTask DisposeAsync()
        {
            await GatewayApp.StopAsync();
            await GatewayApp.DisposeAsync();
            await Service.DisposeAsync();
        }
    }

    private static HttpClient Client(Uri baseAddress, int clients)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(TestUser.Partner("kent-police")));
        return client;
    }

    private static Task<HttpResponseMessage> PostUpdate(HttpClient c, int i) =>
        c.PostAsJsonAsync($"/api/partnerships/medway/actions/{(i * 7919) % Actions + 1}/updates",
            new { status = i % 2 == 0 ? "on-track" : "at-risk", progressPercent = i % 100, commentary = "Benchmark update." });

    private static async Task<Row> MeasureAsync(string mode, string path, HttpClient client, int clients, int requests)
    {
        var latencies = new List<double>(requests);
        var errors = 0;
        var next = -1;
        var cap = TimeSpan.FromSeconds(60);
        var redisCpuBefore = await RedisCpuSecondsAsync();
        var ourCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        RedisWriteStats.Reset();
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests && total.Elapsed < cap)
            {
                var sw = Stopwatch.StartNew();
                using var response = await PostUpdate(client, i);
                sw.Stop();
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                lock (latencies) latencies.Add(sw.Elapsed.TotalMilliseconds);
            }
        }));
        total.Stop();
        var ourCpu = (Process.GetCurrentProcess().TotalProcessorTime - ourCpuBefore).TotalSeconds;
        var redisCpu = await RedisCpuSecondsAsync() - redisCpuBefore;
        var commits = RedisWriteStats.Commits;
        var commitWait = commits == 0 ? 0 : RedisWriteStats.Waiting.TotalMilliseconds / commits;
        latencies.Sort();
        double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Floor(q * latencies.Count))];
        var n = latencies.Count;
        return new Row(mode, path, clients, n / total.Elapsed.TotalSeconds, P(0.5), P(0.95), P(0.99), errors, commitWait,
            redisCpu * 1e6 / n, ourCpu * 1e6 / n, redisCpu / (redisCpu + ourCpu));
    }

    private static async Task<double> RedisCpuSecondsAsync()
    {
        var connection = RedisServer.Instance.Connection;
        var info = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("cpu");
        var cpu = info.SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value);
        return double.Parse(cpu["used_cpu_user"], CultureInfo.InvariantCulture) + double.Parse(cpu["used_cpu_sys"], CultureInfo.InvariantCulture);
    }

    private sealed record Row(string Mode, string Path, int Clients, double PerSecond, double P50, double P95, double P99, int Errors,
        double CommitWaitMs, double RedisCpuUs, double OurCpuUs, double RedisShare);
}
