// The portal's own figures (issue 11): the board dashboard's server time through the gateway with a signed-in session,
// making and reading one partnership's governance pack, the quarter's packs for all 300 partnerships in one go, one pack
// when 300 exist, and the dashboard's Largest Contentful Paint in Chromium. The whole platform runs in this process as
// PortalPlatform starts it (Redis, the four services, the gateway, the portal), loaded with 300 partnerships: the demo's
// Medway and 299 copies of it (30 actions, 6 risks, 9 KPIs with 107 measurements, a 2024-25 allocation each) through the
// services' own demo loaders. "Before" is the first version's path, reproduced in the same run by a switch
// (BoardReading): the plans read after the partnership answered, and every partnership's packs made with each partnership's
// own eight calls (after: the services' batch reads, four calls per 50 partnerships). PORTAL_BENCH_PARTNERSHIPS=50 runs a
// smaller platform.
// Alone: dotnet run -c Release --project tests/Csp.Benchmarks -- portal
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Csp.ActionPlan;
using Csp.Funding;
using Csp.Gateway;
using Csp.Kpi;
using Csp.Portal;
using Csp.Portal.Packs;
using Csp.Risk;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StackExchange.Redis;

internal static partial class PortalCost
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>PORTAL_BENCH_PARTNERSHIPS, PORTAL_BENCH_DASHBOARD_REQUESTS and PORTAL_BENCH_LCP_LOADS override the sizes (a
    /// smaller run while the machine is shared); unset, 300 partnerships, 300 dashboard requests and 20 loads.</summary>
    public static async Task<string> RunAsync() => await RunAsync(
        partnerships: Setting("PORTAL_BENCH_PARTNERSHIPS", 300), dashboardRequests: Setting("PORTAL_BENCH_DASHBOARD_REQUESTS", 300), lcpLoads: Setting("PORTAL_BENCH_LCP_LOADS", 20));

    private static int Setting(string name, int otherwise) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, Inv, out var n) && n > 0 ? n : otherwise;

    /// <summary>Counts the requests to the services (<c>/api/...</c>) that pass through the gateway.</summary>
    private sealed class ApiCalls : IStartupFilter
    {
        private long _count;
        public long Count => Interlocked.Read(ref _count);

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, call) =>
            {
                if (context.Request.Path.StartsWithSegments("/api")) Interlocked.Increment(ref _count);
                await call();
            });
            next(app);
        };
    }

    public static async Task<string> RunAsync(int partnerships, int dashboardRequests = 300, int lcpLoads = 20)
    {
        var report = new StringBuilder();
        void Line(string text) { report.AppendLine(text); Console.WriteLine(text); }
        var total = Stopwatch.StartNew();

        var dir = Directory.CreateTempSubdirectory("csp-portal-bench-").FullName;
        var ids = await WriteDemoFilesAsync(dir, partnerships);
        var last = ids[^1];

        var keyspace = RedisServer.Instance.TakeKeyspace();
        var redis = keyspace.Redis;
        var settings = TestRedis.DemoSettings(keyspace);
        settings["DemoData:Path"] = Path.Combine(dir, "actionplan.json");
        settings["Logging:LogLevel:Default"] = "Error";
        settings["RateLimiting:PermitsPerMinute"] = "100000000";
        var started = new List<IAsyncDisposable>();
        try
        {
            var actionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, new Dictionary<string, string?>(settings)
            {
                [$"Auth:AllowedServiceCallers:{TestAuth.AllowedServiceCallers.Length}"] = "funding",
            });
            started.Add(actionPlan);
            // The other loaders look the action plan's demo up (funding names the actions its projects deliver) and give up
            // after 60 tries a second apart: start them once the action plan's last partnership is in (as PortalPlatform does).
            var loading = Stopwatch.StartNew();
            await Eventually.TrueAsync(async () => await redis.SortedSetLengthAsync($"actionplan:{{{last}}}:actions") >= 30,
                $"the action plan's {partnerships} partnerships are loaded", TimeSpan.FromMinutes(12));
            var risk = await RunningApp.StartAsync(RiskApp.Build, new Dictionary<string, string?>(settings)
            {
                ["DemoData:Path"] = Path.Combine(dir, "risks.json"),
                ["Risk:ActionPlanGrpc"] = actionPlan.GrpcAddress.ToString(),
            });
            started.Add(risk);
            var funding = await RunningApp.StartAsync(FundingApp.Build, new Dictionary<string, string?>(settings)
            {
                ["DemoData:Path"] = Path.Combine(dir, "funding.json"),
                ["Funding:ActionPlanGrpc"] = actionPlan.GrpcAddress.ToString(),
            });
            started.Add(funding);
            var kpi = await RunningApp.StartAsync(KpiApp.Build, new Dictionary<string, string?>(settings)
            {
                ["DemoData:Path"] = Path.Combine(dir, "kpis.json"),
                ["Kpi:ActionPlanGrpc"] = actionPlan.GrpcAddress.ToString(),
            });
            started.Add(kpi);

            // Loaded: each loader goes through the partnerships in order, so the last one's records mean all are there.
            var lastKpi = (string)JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("kpis.json")))!["partnerships"]![0]!["kpis"]!.AsArray()[^1]!["definition"]!["code"]!;
            var lastKpiCount = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("kpis.json")))!["partnerships"]![0]!["kpis"]!.AsArray()[^1]!["measurements"]?.AsArray().Count ?? 0;
            await Eventually.TrueAsync(async () =>
                await redis.SortedSetLengthAsync($"actionplan:{{{last}}}:actions") >= 30
                && await redis.SortedSetLengthAsync($"risk:{{{last}}}:risks") >= 6
                && await redis.KeyExistsAsync($"funding:{{{last}}}:allocation:kent-crg-2024-25")
                && await redis.KeyExistsAsync($"funding:{{{last}}}:partnership")
                && await redis.ListLengthAsync($"kpi:{{{last}}}:m:{lastKpi}:log") >= lastKpiCount,
                $"{partnerships} partnerships' demo data are loaded", TimeSpan.FromMinutes(12));
            await QuietAsync(keyspace);
            var loaded = loading.Elapsed;

            var reading = new BoardReading();
            var apiCalls = new ApiCalls();
            var portalPort = FreePort.Next();
            var gatewayAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
            var gateway = GatewayApp.Build(["--environment=Testing"], builder =>
            {
                builder.WebHost.UseUrls(gatewayAddress.ToString().TrimEnd('/'));
                builder.Services.AddSingleton<IStartupFilter>(apiCalls);
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
                {
                    ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                    ["Ports:Management"] = FreePort.Next().ToString(Inv),
                    ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = actionPlan.BaseAddress.ToString(),
                    ["ReverseProxy:Clusters:risk:Destinations:primary:Address"] = risk.BaseAddress.ToString(),
                    ["ReverseProxy:Clusters:funding:Destinations:primary:Address"] = funding.BaseAddress.ToString(),
                    ["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = kpi.BaseAddress.ToString(),
                    ["ReverseProxy:Clusters:portal:Destinations:primary:Address"] = $"http://127.0.0.1:{portalPort}",
                    // One user's 300 packs are 2,400 calls in seconds: far past the per-user limit of 600 a minute (see docs/performance.md).
                    ["RateLimiting:AnonymousPermitsPerMinute"] = "100000000",
                    ["RateLimiting:SessionPermitsPerMinute"] = "100000000",
                    ["RateLimiting:AddressCeilingPerMinute"] = "100000000",
                    ["RateLimiting:PermitsPerMinute"] = "100000000",
                    ["Logging:LogLevel:Default"] = "Error",
                    ["Logging:LogLevel:Yarp"] = "None",
                });
            });
            await gateway.StartAsync();
            started.Add(gateway);
            var portal = await RunningApp.StartAsync((args, configure) => PortalApp.Build(args, b =>
            {
                configure(b);
                b.Services.AddSingleton(reading);
            }), new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["Redis:Configuration"] = settings["Redis:Configuration"],
                ["Redis:Database"] = settings["Redis:Database"],
                ["Redis:KeyPrefix"] = settings.GetValueOrDefault("Redis:KeyPrefix"),
                ["Ports:Management"] = "0",
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["Portal:ApiBase"] = gatewayAddress.ToString(),
                ["Logging:LogLevel:Default"] = "Error",
            }, httpPort: portalPort);
            started.Add(portal);

            Line($"Portal benchmark: {partnerships} partnerships (Medway's demo and {partnerships - 1} copies), {Environment.ProcessorCount} cores, load {LoadAverage()}, " +
                 $"the platform in this process (Redis, 4 services, gateway, portal on loopback); demo data loaded in {loaded.TotalSeconds:0} s");

            using var board = await SignInAsync(gatewayAddress, "olivia.grant");     // medway:board
            using var admin = await SignInAsync(gatewayAddress, "alex.morgan");      // *:admin: may make every partnership's pack

            // 1. The dashboard's server time: sequential GETs through the gateway, the old and the new path interleaved.
            const string Dashboard = "/partnerships/medway/board";
            for (var i = 0; i < 20; i++) { reading.FirstVersion = i % 2 == 0; await GetOkAsync(board.Http, Dashboard); }
            var before = new List<double>();
            var after = new List<double>();
            for (var i = 0; i < dashboardRequests * 2; i++)
            {
                reading.FirstVersion = i % 2 == 0;
                (reading.FirstVersion ? before : after).Add(await TimeAsync(() => GetOkAsync(board.Http, Dashboard)));
            }
            reading.FirstVersion = false;

            // Where a dashboard's time goes: each service call's own time (through the gateway), while they run together.
            var calls = new System.Collections.Concurrent.ConcurrentQueue<(string Call, double Ms)>();
            reading.CallTimes = calls;
            var breakdown = new List<double>();
            for (var i = 0; i < 60; i++) breakdown.Add(await TimeAsync(() => GetOkAsync(board.Http, Dashboard)));
            reading.CallTimes = null;

            // 2. One partnership's pack: making it (POST, then the redirect is not followed) and reading a stored one (GET).
            var token = await FormTokenAsync(board.Http, "/partnerships/medway/packs");
            var quarters = Enumerable.Range(0, 20).Select(i => $"{2015 + i / 4}-Q{i % 4 + 1}").ToList();   // 2015-Q1 .. 2019-Q4
            var makeOne = new List<double>();
            foreach (var q in quarters) makeOne.Add(await TimeAsync(() => PostPackAsync(board.Http, "/partnerships/medway/packs", token, q, HttpStatusCode.Redirect)));
            var readOne = new List<double>();
            for (var i = 0; i < 200; i++) readOne.Add(await TimeAsync(() => GetOkAsync(board.Http, $"/partnerships/medway/packs/{quarters[i % quarters.Count]}")));

            // 3. The quarter's packs for every partnership in one go, three rounds of before and after interleaved (each run a
            // quarter of its own, so each makes every pack): before, each partnership's own eight calls, 8 partnerships at a
            // time (the first version, BoardReading.PerPartnership); after, the services' batch reads, 50 partnerships a call.
            var adminToken = await FormTokenAsync(admin.Http, "/partnerships/packs");
            var all = new List<(string Label, bool Before, double Ms, string Outcome, long Calls, double Cpu, double RedisCpu, double GcPause, int Gcs, double Jit)>();
            // Both paths once first (quarters nobody measures), so that neither row carries the other's JIT and first calls.
            foreach (var (perPartnership, quarter) in new[] { (true, "2009-Q1"), (false, "2009-Q2") })
            {
                reading.PerPartnership = perPartnership;
                await PostPackAsync(admin.Http, "/partnerships/packs", adminToken, quarter, HttpStatusCode.OK);
            }
            // PORTAL_BENCH_PROFILE=N: N more "after" runs (quarters 2010-Q1 on) between two marker lines on stderr, for a
            // profiler attached to this process by pid (docs/performance.md shows the perf command); prints nothing else.
            if (Setting("PORTAL_BENCH_PROFILE", 0) is var profileRuns and > 0)
            {
                reading.PerPartnership = false;
                Console.Error.WriteLine($"PROFILE START {Environment.ProcessId}");
                if (Environment.GetEnvironmentVariable("PORTAL_BENCH_PROFILE_WAIT") is not null) await Task.Delay(2000);  // time for a profiler to attach
                for (var i = 0; i < profileRuns; i++)
                {
                    var (jit, methods, runStarted, gens) = (System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount(), Stopwatch.GetTimestamp(), (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration()));
                    await PostPackAsync(admin.Http, "/partnerships/packs", adminToken, $"{2010 + i / 4}-Q{i % 4 + 1}", HttpStatusCode.OK);
                    Console.Error.WriteLine($"PROFILE run {i + 1}: {Stopwatch.GetElapsedTime(runStarted).TotalSeconds:0.00} s, JIT {(System.Runtime.JitInfo.GetCompilationTime() - jit).TotalSeconds:0.00} s, {System.Runtime.JitInfo.GetCompiledMethodCount() - methods} methods compiled, GCs gen0/1/2 {GC.CollectionCount(0) - gens.Item1}/{GC.CollectionCount(1) - gens.Item2}/{GC.CollectionCount(2) - gens.Item3}, pause {(GC.GetTotalPauseDuration() - gens.Item4).TotalSeconds:0.00} s");
                }
                Console.Error.WriteLine("PROFILE END");
            }
            var rounds = new[] { ("2024-Q1", "2024-Q2"), ("2024-Q3", "2024-Q4"), ("2025-Q1", "2025-Q2") };
            foreach (var (beforeQuarter, afterQuarter) in rounds)
                foreach (var (perPartnership, quarter) in new[] { (true, beforeQuarter), (false, afterQuarter) })
                {
                    reading.PerPartnership = perPartnership;
                    string body = "";
                    var callsBefore = apiCalls.Count;
                    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                    var redisCpuBefore = await RedisCpuSecondsAsync();
                    var (pauseBefore, gcsBefore, jitBefore) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), System.Runtime.JitInfo.GetCompilationTime());
                    var ms = await TimeAsync(async () => body = await PostPackAsync(admin.Http, "/partnerships/packs", adminToken, quarter, HttpStatusCode.OK));
                    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                    var redisCpu = await RedisCpuSecondsAsync() - redisCpuBefore;
                    var (gcPause, gcs, jit) = ((GC.GetTotalPauseDuration() - pauseBefore).TotalSeconds, GC.CollectionCount(0) - gcsBefore,
                        (System.Runtime.JitInfo.GetCompilationTime() - jitBefore).TotalSeconds);
                    var outcome = PacksMade().Match(body) is { Success: true } m ? $"{m.Groups[1].Value} made, {m.Groups[2].Value}" : "no result panel";
                    all.Add(((perPartnership ? "before: 8 calls a pack, 8 at a time" : "after: 4 batch calls per 50") + $" ({quarter})", perPartnership, ms, outcome,
                        apiCalls.Count - callsBefore, cpu, redisCpu, gcPause, gcs, jit));
                }
            reading.PerPartnership = false;

            // Where the time goes: each call's time (through the gateway, the services' queues in it), before and after.
            var beforeCalls = new System.Collections.Concurrent.ConcurrentQueue<(string Call, double Ms)>();
            reading.PerPartnership = true;
            reading.CallTimes = beforeCalls;
            var beforeWithCalls = await TimeAsync(() => PostPackAsync(admin.Http, "/partnerships/packs", adminToken, "2025-Q3", HttpStatusCode.OK));
            var bulkCalls = new System.Collections.Concurrent.ConcurrentQueue<(string Call, double Ms)>();
            reading.PerPartnership = false;
            reading.CallTimes = bulkCalls;
            var bulkWithCalls = await TimeAsync(() => PostPackAsync(admin.Http, "/partnerships/packs", adminToken, "2025-Q4", HttpStatusCode.OK));
            reading.CallTimes = null;

            // 4. One partnership's pack now that every partnership has four quarters' packs: must not grow with the count.
            var quartersAfter = Enumerable.Range(0, 20).Select(i => $"{2020 + i / 4}-Q{i % 4 + 1}").ToList();  // 2020-Q1 .. 2024-Q4 less those made
            var makeOneAfter = new List<double>();
            foreach (var q in quartersAfter.Where(q => !q.StartsWith("2024", StringComparison.Ordinal)))
                makeOneAfter.Add(await TimeAsync(() => PostPackAsync(board.Http, "/partnerships/medway/packs", token, q, HttpStatusCode.Redirect)));
            var readOneAfter = new List<double>();
            for (var i = 0; i < 200; i++) readOneAfter.Add(await TimeAsync(() => GetOkAsync(board.Http, $"/partnerships/medway/packs/{quarters[i % quarters.Count]}")));
            var storedPacks = 0L;
            foreach (var id in ids) storedPacks += await redis.HashLengthAsync(PackStore.IndexKey(id));
            var packBytes = 0L;
            foreach (var id in ids) packBytes += await redis.StringLengthAsync(PackStore.PackKey(id, "2024-Q2"));

            // 5. Largest Contentful Paint of the dashboard in Chromium: cold (a new context each load) and warm (reloads).
            var (cold, warm) = await LcpAsync(gatewayAddress, board.Cookies, Dashboard, lcpLoads);

            Line("");
            Line($"{"board dashboard, GET through the gateway (server time)",-58} {"n",5} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
            Line(Row("before: plans after the partnership, nothing kept", before));
            Line(Row("after: all at once; partnership, plans, matrix kept 60 s", after));
            Line($"{"",-58} {"ratio",5} {P(after, 0.5) / P(before, 0.5),7:0.00}x {P(after, 0.95) / P(before, 0.95),7:0.00}x {P(after, 0.99) / P(before, 0.99),7:0.00}x   (after / before)");
            Line(Row("after, with each service call timed (below)", breakdown));
            foreach (var g in calls.GroupBy(c => c.Call).OrderByDescending(g => P(g.Select(c => c.Ms).ToList(), 0.5)))
                Line(Row("  call: " + g.Key, g.Select(c => c.Ms).ToList()));
            Line("");
            Line($"{"governance pack, one partnership (Medway)",-58} {"n",5} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8}");
            Line(Row("make (POST: read the figures, store; 302)", makeOne));
            Line(Row("read a stored pack (GET)", readOne));
            Line(Row($"make, when {storedPacks} packs are stored across {partnerships}", makeOneAfter));
            Line(Row($"read a stored pack, when {storedPacks} are stored", readOneAfter));
            Line($"{"",-58} {"ratio",5} {P(makeOneAfter, 0.5) / P(makeOne, 0.5),7:0.00}x  make, {P(readOneAfter, 0.5) / P(readOne, 0.5):0.00}x read (p50, with {storedPacks} stored / with 20)");
            Line("");
            Line($"the quarter's packs for all {partnerships} partnerships (one POST to /partnerships/packs as *:admin; goal < 1 s)");
            // CPU seconds (this process: gateway, services, portal; and Redis) are far less sensitive to other load than wall time.
            // GC: the process's pause time and gen-0+ collections in the run; JIT: time compiling methods in the run.
            foreach (var (label, _, ms, outcome, callCount, cpu, redisCpu, gcPause, gcs, jit) in all)
                Line($"  {label,-50} {ms / 1000,8:0.00} s   {ms / partnerships,7:0.0} ms a pack   {callCount,6} calls   CPU {cpu,5:0.00} s + Redis {redisCpu,4:0.00} s   GC {gcPause,4:0.00} s ({gcs} GCs)   JIT {jit,4:0.00} s   ({outcome})");
            var beforeMs = all.Where(a => a.Before).Select(a => a.Ms).ToList();
            var afterMs = all.Where(a => !a.Before).Select(a => a.Ms).ToList();
            var beforeCpu = all.Where(a => a.Before).Select(a => a.Cpu + a.RedisCpu).ToList();
            var afterCpu = all.Where(a => !a.Before).Select(a => a.Cpu + a.RedisCpu).ToList();
            Line($"  {"median before / median after",-50} {P(beforeMs, 0.5) / P(afterMs, 0.5),8:0.00}x   (median after {P(afterMs, 0.5) / 1000:0.00} s; a stored pack: {packBytes / ids.Count:N0} bytes of JSON on average)");
            Line($"  {"CPU (process + Redis), median before / after",-50} {P(beforeCpu, 0.5) / P(afterCpu, 0.5),8:0.00}x   ({P(beforeCpu, 0.5):0.00} s / {P(afterCpu, 0.5):0.00} s)");
            foreach (var (label, ms, times) in new[] { ("before (per partnership)", beforeWithCalls, beforeCalls), ("after (batches)", bulkWithCalls, bulkCalls) })
            {
                Line($"  with each call timed, {label}: {ms / 1000:0.00} s; per call:");
                foreach (var g in times.GroupBy(c => c.Call).OrderByDescending(g => g.Sum(c => c.Ms)))
                {
                    var list = g.Select(c => c.Ms).ToList();
                    Line($"    {g.Key,-22} n {list.Count,5}  p50 {P(list, 0.5),7:0.0} ms  p95 {P(list, 0.95),7:0.0} ms  sum {list.Sum() / 1000,6:0.0} s");
                }
            }
            Line("");
            Line($"{"Largest Contentful Paint, board dashboard, Chromium headless",-58} {"n",5} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
            Line(LcpRow("cold (new browser context, no cache)", cold));
            Line(LcpRow("warm (same context, reloaded)", warm));
            Line($"(goal < 2,500 ms; bench total {total.Elapsed.TotalSeconds:0} s, load at the end {LoadAverage()})");
        }
        finally
        {
            for (var i = started.Count - 1; i >= 0; i--)
            {
                if (started[i] is WebApplication app) await app.StopAsync();
                await started[i].DisposeAsync();
            }
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        return report.ToString();
    }

    private static async Task<double> RedisCpuSecondsAsync()
    {
        var connection = RedisServer.Instance.Connection;
        var info = await connection.GetServer(connection.GetEndPoints()[0]).InfoAsync("cpu");
        var cpu = info.SelectMany(g => g).ToDictionary(kv => kv.Key, kv => kv.Value);
        return double.Parse(cpu["used_cpu_user"], Inv) + double.Parse(cpu["used_cpu_sys"], Inv);
    }

    [GeneratedRegex(@"(\d+) packs? made for [^<]*</h2>\s*<div class=""govuk-panel__body"">([^<]*)</div>")]
    private static partial Regex PacksMade();

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static double P(List<double> values, double q)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
    }

    private static string Row(string name, List<double> values) =>
        string.Create(Inv, $"{name,-58} {values.Count,5} {P(values, 0.5),8:0.0} {P(values, 0.95),8:0.0} {P(values, 0.99),8:0.0}");

    private static string LcpRow(string name, List<double> values) =>
        string.Create(Inv, $"{name,-58} {values.Count,5} {P(values, 0.5),8:0} {P(values, 0.95),8:0} {(values.Count == 0 ? double.NaN : values.Max()),8:0}");

    private static async Task<double> TimeAsync(Func<Task> call)
    {
        var started = Stopwatch.GetTimestamp();
        await call();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static async Task GetOkAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}");
        await response.Content.LoadIntoBufferAsync();
    }

    private static async Task<string> PostPackAsync(HttpClient http, string path, string token, string quarter, HttpStatusCode expected)
    {
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["Quarter"] = quarter, ["__csrf"] = token }));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected) throw new InvalidOperationException($"POST {path} {quarter}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 400)]}");
        return body;
    }

    private static async Task<string> FormTokenAsync(HttpClient http, string path)
    {
        var html = await http.GetStringAsync(path);
        return Regex.Match(html, "name=\"__csrf\" type=\"hidden\" value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__csrf\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException($"No antiforgery token on {path}");
    }

    private sealed record Session(HttpClient Http, CookieContainer Cookies) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }

    /// <summary>Signs in through the gateway as a demo user (the development sign-in page), keeping the session cookie.</summary>
    private static async Task<Session> SignInAsync(Uri gateway, string userId)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false, MaxConnectionsPerServer = 4 })
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromSeconds(120),
        };
        var token = await FormTokenAsync(http, "/sign-in");
        using var response = await http.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["user"] = userId, ["returnUrl"] = "/", ["__csrf"] = token }));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in as {userId}: {(int)response.StatusCode}");
        return new Session(http, cookies);
    }

    private const string LcpScript = """
        () => new Promise(resolve => {
          new PerformanceObserver(list => { const e = list.getEntries(); resolve(e[e.length - 1].startTime); })
            .observe({ type: 'largest-contentful-paint', buffered: true });
          setTimeout(() => resolve(-1), 5000);
        })
        """;

    private static async Task<(List<double> Cold, List<double> Warm)> LcpAsync(Uri gateway, CookieContainer cookies, string path, int loads)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var session = cookies.GetCookies(gateway).Select(c => new Microsoft.Playwright.Cookie { Name = c.Name, Value = c.Value, Domain = gateway.Host, Path = c.Path, HttpOnly = c.HttpOnly }).ToList();
        async Task<IBrowserContext> ContextAsync()
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = gateway.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 }, Locale = "en-GB" });
            await context.AddCookiesAsync(session);
            return context;
        }

        var cold = new List<double>();
        var warm = new List<double>();
        for (var i = 0; i < loads; i++)
        {
            await using var context = await ContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
            var lcp = await page.EvaluateAsync<double>(LcpScript);
            if (lcp >= 0) cold.Add(lcp);
        }
        await using (var context = await ContextAsync())
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
            for (var i = 0; i < loads; i++)
            {
                await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load });
                var lcp = await page.EvaluateAsync<double>(LcpScript);
                if (lcp >= 0) warm.Add(lcp);
            }
        }
        return (cold, warm);
    }

    /// <summary>Waits until the bus is idle: every consumer group of every stream has read everything and acknowledged it
    /// (the KPI service derives its KPIs from the action plan's and the risk register's demo events after they load).</summary>
    private static async Task QuietAsync(TestKeyspace keyspace)
    {
        var server = keyspace.Server.Connection.GetServers().First(s => s.IsConnected && !s.IsReplica);
        var db = keyspace.Server.Connection.GetDatabase(keyspace.Database);
        await Eventually.TrueAsync(async () =>
        {
            await foreach (var key in server.KeysAsync(keyspace.Database, keyspace.KeyPrefix + "*events:*", pageSize: 1000))
            {
                if (await db.KeyTypeAsync(key) != RedisType.Stream) continue;
                foreach (var group in await db.StreamGroupInfoAsync(key))
                    if (group.PendingMessageCount > 0 || group.Lag is > 0) return false;
            }
            return true;
        }, "the bus is idle", TimeSpan.FromMinutes(6));
    }

    /// <summary>The demo files with Medway and <paramref name="count"/> - 1 copies of it (csp-001 ...), each its own partnership.</summary>
    private static async Task<List<string>> WriteDemoFilesAsync(string dir, int count)
    {
        var ids = new List<string> { "medway" };
        ids.AddRange(Enumerable.Range(1, count - 1).Select(i => $"csp-{i:000}"));
        JsonObject Copy(JsonNode medway, string id, int i)
        {
            var copy = medway.DeepClone().AsObject();
            copy["id"] = id;
            if (copy.ContainsKey("name")) copy["name"] = $"Bench Community Safety Partnership {i:000}";
            if (copy.ContainsKey("recipientOrgId")) copy["recipientOrgId"] = $"GB-BENCH-{i:000}";
            return copy;
        }
        foreach (var file in new[] { "actionplan.json", "risks.json", "kpis.json" })
        {
            var root = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Demo(file)))!;
            var list = root["partnerships"]!.AsArray();
            var medway = list.First(p => (string?)p!["id"] == "medway")!;
            for (var i = 1; i < count; i++) list.Add(Copy(medway, ids[i], i));
            await File.WriteAllTextAsync(Path.Combine(dir, file), root.ToJsonString());
        }
        var fundingRoot = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("funding.json")))!;
        foreach (var programme in fundingRoot["programmes"]!.AsArray())
            if ((string?)programme!["id"] == "kent-crg-2024-25") programme["pot"] = "99999999.00";
        var allocations = fundingRoot["allocations"]!.AsArray();
        var medwayAllocation = allocations.First(a => (string?)a!["partnershipId"] == "medway" && (string?)a["programmeId"] == "kent-crg-2024-25")!;
        for (var i = 1; i < count; i++)
        {
            var copy = medwayAllocation.DeepClone().AsObject();
            copy["partnershipId"] = ids[i];
            allocations.Add(copy);
        }
        await File.WriteAllTextAsync(Path.Combine(dir, "funding.json"), fundingRoot.ToJsonString());
        return ids;
    }
}
