// What the gateway costs (issue 12 point 1), on real Redis and real loopback HTTP, in one process run:
// - each scenario (one action, a filtered list, an update) direct to the action-plan service, through a BARE YARP proxy
//   (same routes and cluster, HTTP/1.1, no auth, no rate limiter, no headers, no logging or metrics), through a SECOND
//   identical bare YARP (its ratio to the first is the run's noise floor), through our gateway's BEFORE pipeline
//   (Gateway:Pipeline:Before: the same rules through the older implementation of each step) and through our gateway;
//   ratios to bare YARP at p50 and p99 (goal: <= 1.1x at both), each the median of the per-round ratios;
// - for every path the whole process's CPU time and allocated bytes per request while it ran (client + proxy + service:
//   the difference between two paths is what their proxies cost);
// - attribution: our gateway again with one piece switched off by configuration, beside the full gateway, the before
//   pipeline and both bare proxies in the same rounds, on the cheap read where the proxy's share is largest;
// - the runtime's allocation samples by type (EventListener on GC AllocationTick), bare YARP vs gateway vs before;
// - the token validation itself, in-process: the JWT handler alone and through the validated-token cache;
// - the update -> action.status-changed event latency (outbox dispatch included).
// Everything is warmed long enough for tiered JIT to settle first; paths run in rotating order, several rounds.
// Bounded: a fixed number of requests per run and a time cap. Asserts nothing.
// Usage: dotnet run -c Release --project tests/Csp.Benchmarks -- gateway [requests]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.BuildingBlocks.Auth;
using Csp.Contracts.IntegrationEvents;
using Csp.Gateway;
using Csp.Gateway.Hosting;
using Csp.TestSupport;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Yarp.ReverseProxy.Configuration;

internal static class GatewayCost
{
    private const int Concurrency = 8;
    private static readonly TimeSpan TimeCap = TimeSpan.FromSeconds(60);

    // Result (name, count, errors, req/s, p50, p95, p99) is shared with ListCost: see BenchResult.cs.

    private sealed record Path(string Name, Uri Address);

    public static Task<string> RunAsync() => RunAsync(5000);

    /// <summary>One path's run: its latencies, and the whole process's CPU time and allocated bytes per request while it
    /// ran (client, proxy and service together; every path calls the same service with the same client, so a difference
    /// between two paths is what their proxies cost).</summary>
    private sealed record Sample(Result R, double CpuUs, double AllocBytes);

    /// <summary>A path's figures over the rounds: medians of each measure, and per round its p50 and p99 for ratios.</summary>
    private sealed record Summary(Result R, double CpuUs, double AllocBytes, List<Sample> Rounds);

    public static async Task<string> RunAsync(int requests, int rounds = 9)
    {
        var output = new StringBuilder();
        var loadAtStart = Load();
        var db = RedisServer.Instance.TakeDatabase();
        var settings = TestRedis.ServiceSettings(db);
        settings["Logging:LogLevel:Default"] = "Warning";
        await using var service = await RunningApp.StartAsync(ActionPlanApp.Build, settings);

        // Our gateway as deployed, the pipeline before this change (a bench-only switch, same process), and the gateway
        // with one piece off (configuration only; same code, same process).
        var variants = new (string Name, Dictionary<string, string?> Settings)[]
        {
            ("gateway", new()),
            ("gateway (before)", new() { [$"{GatewayPipelineOptions.Section}:Before"] = "true" }),
            ("  no token cache", new() { ["Auth:TokenCache:Enabled"] = "false" }),
            ("  no rate limiter", new() { ["Gateway:Pipeline:RateLimiter"] = "false" }),
            ("  no security headers", new() { ["Gateway:Pipeline:SecurityHeaders"] = "false" }),
            ("  no X-Correlation-Id", new() { ["Gateway:Pipeline:CorrelationHeader"] = "false" }),
            ("  no request metrics", new() { ["Gateway:Pipeline:RequestMetrics"] = "false" }),
            ("  no logging at all", new() { ["Logging:LogLevel:Default"] = "None", ["Logging:LogLevel:Microsoft.AspNetCore"] = "None" }),
        };
        var gateways = new List<(string Name, WebApplication App, Uri Address)>();
        foreach (var (name, overrides) in variants)
        {
            var (app, address) = OurGateway(service.BaseAddress, overrides);
            await app.StartAsync();
            gateways.Add((name, app, address));
        }
        // Two bare YARP proxies, identical: the second one's ratio to the first is the noise floor of this run.
        var (bare, bareAddress) = BareYarp(service.BaseAddress);
        await bare.StartAsync();
        var (bare2, bare2Address) = BareYarp(service.BaseAddress);
        await bare2.StartAsync();

        try
        {
            await ArrangeAsync(service);

            var direct = new Path("direct", service.BaseAddress);
            var bareYarp = new Path("bare YARP", bareAddress);
            var bareYarp2 = new Path("bare YARP#2", bare2Address);
            var ours = new Path("gateway", gateways[0].Address);
            var before = new Path("before", gateways[1].Address);
            var clients = new Dictionary<Uri, HttpClient>();
            HttpClient ClientOf(Path p) => clients.TryGetValue(p.Address, out var c) ? c : clients[p.Address] = Client(p.Address);

            var scenarios = new (string Name, Func<HttpClient, int, Task<HttpResponseMessage>> Call)[]
            {
                ("GET one action", GetAction), ("GET list (filter, 200 actions)", ListPage), ("POST update (+outbox, audit)", PostUpdate),
            };

            // Everything warmed long enough for tiered JIT to settle before anything is measured (a path measured while
            // the code under it is still tier-0 looks slower than it is).
            var allPaths = new[] { direct, bareYarp, bareYarp2, before, ours }.Concat(gateways.Skip(2).Select(g => new Path(g.Name, g.Address))).ToArray();
            foreach (var (_, call) in scenarios) await WarmAsync(allPaths.Select(ClientOf), call, 1000);
            await WarmAsync(allPaths.Select(ClientOf), GetAction, 3000);

            // 1. direct / bare YARP twice / before / gateway, each scenario, rotating order.
            var mainPaths = new[] { direct, bareYarp, bareYarp2, before, ours };
            var main = new List<(string Scenario, Dictionary<string, Summary> ByPath)>();
            foreach (var (scenario, index) in scenarios.Select((s, i) => (s, i)))
            {
                await WarmAsync(mainPaths.Select(ClientOf), scenario.Call, 400);
                var byPath = await RoundsAsync(mainPaths, rounds, index, p => Measure(scenario.Name, ClientOf(p), scenario.Call, requests));
                main.Add((scenario.Name, byPath));
            }

            // 2. Attribution on the cheap read: every variant of our gateway in the same rounds, plus bare YARP twice.
            var attributionPaths = gateways.Select(g => new Path(g.Name, g.Address)).Append(bareYarp).Append(bareYarp2).ToArray();
            await WarmAsync(attributionPaths.Select(ClientOf), GetAction, 400);
            var attribution = await RoundsAsync(attributionPaths, rounds, 0, p => Measure("GET one action", ClientOf(p), GetAction, requests));

            // 3. Where the gateway's extra allocations come from: the runtime's own allocation samples by type, gateway minus bare.
            var allocationLines = await AllocationProfileAsync(ClientOf(bareYarp), ClientOf(ours), ClientOf(before));

            // 4. The token validation alone.
            var tokenLines = await TokenValidationCostAsync(gateways[0].App, gateways[2].App);

            // 5. Event latency: from the update's 201 to its ActionStatusChanged entry on the bus.
            var events = await EventLatencyAsync(service, db, ClientOf(direct));

            output.AppendLine($"CSP action-plan API through the gateway: {requests} requests per run, {Concurrency} concurrent clients, {rounds} rounds in rotating order, {Environment.ProcessorCount} cores, real Redis, loopback HTTP, load at the start {loadAtStart}");
            output.AppendLine("Latency and req/s: the median over rounds of each; ratios: the median of the per-round ratios (paths of a round run back to back).");
            output.AppendLine("cpu us/req and KB/req: the whole process (client + proxy + service) per request while that path ran, median over rounds.");
            output.AppendLine("bare#2/bare is bare YARP against an identical second bare YARP: the noise floor of this run's ratios.");
            output.AppendLine($"{"scenario",-32} {"path",-12} {"req/s",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"errors",7} {"cpu us/req",10} {"KB/req",7}");
            foreach (var (scenario, byPath) in main)
            {
                foreach (var path in mainPaths)
                {
                    var s = byPath[path.Name];
                    var r = s.R;
                    output.AppendLine($"{scenario,-32} {path.Name,-12} {r.PerSecond,8:0} {r.P50,8:0.00} {r.P95,8:0.00} {r.P99,8:0.00} {r.Errors,7} {s.CpuUs,10:0} {s.AllocBytes / 1024,7:0.0}");
                }
                var b = byPath[bareYarp.Name];
                foreach (var (label, other, note) in new[]
                         {
                             ("gw/bare", byPath[ours.Name], "(goal <= 1.10x at p50 and p99)"),
                             ("before/bare", byPath[before.Name], "(the pipeline before this change)"),
                             ("bare#2/bare", byPath[bareYarp2.Name], "(noise floor: the same proxy twice)"),
                         })
                    output.AppendLine($"{"",-32} {label,-12} {PairedRatio(other, b, r => r.PerSecond),7:0.00}x {PairedRatio(other, b, r => r.P50),7:0.00}x {PairedRatio(other, b, r => r.P95),7:0.00}x {PairedRatio(other, b, r => r.P99),7:0.00}x {"",7} {other.CpuUs - b.CpuUs,+10:+0;-0} {(other.AllocBytes - b.AllocBytes) / 1024,7:+0.0;-0.0}  {note}");
                var d = byPath[direct.Name];
                output.AppendLine($"{"",-32} {"bare/dir",-12} {PairedRatio(b, d, r => r.PerSecond),7:0.00}x {PairedRatio(b, d, r => r.P50),7:0.00}x {PairedRatio(b, d, r => r.P95),7:0.00}x {PairedRatio(b, d, r => r.P99),7:0.00}x {"",7} {b.CpuUs - d.CpuUs,+10:+0;-0} {(b.AllocBytes - d.AllocBytes) / 1024,7:+0.0;-0.0}  (what any proxy hop costs)");
            }
            output.AppendLine();
            output.AppendLine("Attribution, GET one action: our gateway with one piece switched off (same rounds, rotating order); ratios are per-round paired medians");
            output.AppendLine($"{"path",-28} {"req/s",8} {"p50 ms",8} {"p99 ms",8} {"p50/bare",9} {"p99/bare",9} {"cpu us/req",10} {"vs bare",8} {"KB/req",7} {"vs bare",8}");
            var bareResult = attribution[bareYarp.Name];
            foreach (var path in attributionPaths)
            {
                var s = attribution[path.Name];
                var r = s.R;
                output.AppendLine($"{path.Name,-28} {r.PerSecond,8:0} {r.P50,8:0.00} {r.P99,8:0.00} {PairedRatio(s, bareResult, x => x.P50),8:0.00}x {PairedRatio(s, bareResult, x => x.P99),8:0.00}x {s.CpuUs,10:0} {s.CpuUs - bareResult.CpuUs,8:+0;-0} {s.AllocBytes / 1024,7:0.0} {(s.AllocBytes - bareResult.AllocBytes) / 1024,8:+0.0;-0.0}");
            }
            output.AppendLine();
            foreach (var line in allocationLines) output.AppendLine(line);
            output.AppendLine();
            foreach (var line in tokenLines) output.AppendLine(line);
            output.AppendLine(events);
            output.AppendLine($"load at the end: {Load()}");
        }
        finally
        {
            foreach (var app in new[] { bare, bare2 })
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
            foreach (var (_, app, _) in gateways)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        return output.ToString();
    }

    /// <summary>The median over rounds of <paramref name="path"/>'s measure divided by <paramref name="baseline"/>'s in the same round.</summary>
    private static double PairedRatio(Summary path, Summary baseline, Func<Result, double> measure) =>
        MedianOf(path.Rounds.Zip(baseline.Rounds, (a, b) => measure(a.R) / measure(b.R)));

    private static double MedianOf(IEnumerable<double> values)
    {
        var v = values.Order().ToList();
        return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static (WebApplication App, Uri Address) OurGateway(Uri service, Dictionary<string, string?> overrides)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var app = GatewayApp.Build(["--environment=Testing"], b => // the development issuer is refused in Production
        {
            b.WebHost.UseUrls(address.ToString().TrimEnd('/'));
            var config = new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = service.ToString(),
                ["RateLimiting:PermitsPerMinute"] = "1000000",
                ["Ports:Management"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["Logging:LogLevel:Default"] = "Error",
                ["Logging:LogLevel:Yarp"] = "None", // active health probes of the clusters this run does not start
            };
            foreach (var (key, value) in overrides) config[key] = value;
            b.Configuration.AddInMemoryCollection(config);
        });
        return (app, address);
    }

    /// <summary>The baseline: YARP and nothing else. The action-plan routes of gateway.json, the same cluster settings
    /// (HTTP/1.1), no authentication, rate limiter, headers, logging or metrics.</summary>
    private static (WebApplication App, Uri Address) BareYarp(Uri service)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(address.ToString().TrimEnd('/'));
        RouteConfig Route(string id, string path) => new() { RouteId = id, ClusterId = "actionplan", Match = new RouteMatch { Path = path } };
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                Route("partnerships", "/api/partnerships"),
                Route("partnership", "/api/partnerships/{partnership}"),
                Route("plans", "/api/partnerships/{partnership}/plans/{**rest}"),
                Route("actions", "/api/partnerships/{partnership}/actions/{**rest}"),
                Route("update-rounds", "/api/partnerships/{partnership}/update-rounds/{**rest}"),
            ],
            [
                new ClusterConfig
                {
                    ClusterId = "actionplan",
                    HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig
                    {
                        ActivityTimeout = TimeSpan.FromSeconds(30), Version = new Version(1, 1), VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                    },
                    Destinations = new Dictionary<string, DestinationConfig> { ["primary"] = new() { Address = service.ToString() } },
                },
            ]);
        var app = builder.Build();
        app.MapReverseProxy();
        return (app, address);
    }

    private static async Task ArrangeAsync(RunningApp service)
    {
        // Medway, a plan and 200 actions led by Kent Police.
        using (var admin = service.Client(TestUser.Admin))
            (await admin.PutAsJsonAsync("/api/partnerships/medway", new { name = "Medway CSP", agencies = new[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } } })).EnsureSuccessStatusCode();
        using var manager = service.Client(TestUser.Manager());
        (await manager.PutAsJsonAsync("/api/partnerships/medway/plans/csp", new { title = "Plan", startYear = 2024, endYear = 2027, priorities = new[] { new { id = "safeguarding", title = "Safeguarding", areasOfFocus = Array.Empty<object>() } } })).EnsureSuccessStatusCode();
        for (var i = 0; i < 200; i++)
            (await manager.PostAsJsonAsync("/api/partnerships/medway/actions", new { planId = "csp", priorityId = "safeguarding", title = $"Action {i}", strand = "protect", leadAgencyId = "kent-police", owner = "DI", startDate = "2026-01-01", dueDate = "2027-03-31" })).EnsureSuccessStatusCode();
    }

    private static HttpClient Client(Uri baseAddress)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(TestUser.Partner("kent-police")));
        return client;
    }

    private static Task<HttpResponseMessage> GetAction(HttpClient c, int i) => c.GetAsync($"/api/partnerships/medway/actions/{i % 200 + 1}");
    private static Task<HttpResponseMessage> ListPage(HttpClient c, int i) => c.GetAsync("/api/partnerships/medway/actions?strand=protect&pageSize=25");
    private static Task<HttpResponseMessage> PostUpdate(HttpClient c, int i) =>
        c.PostAsJsonAsync($"/api/partnerships/medway/actions/{i % 200 + 1}/updates", new { status = i % 2 == 0 ? "on-track" : "at-risk", progressPercent = i % 100, commentary = "Benchmark update." });

    /// <summary>JIT, connection pools and caches of every path warmed before any of them is measured.</summary>
    private static async Task WarmAsync(IEnumerable<HttpClient> clients, Func<HttpClient, int, Task<HttpResponseMessage>> call, int requests)
    {
        foreach (var client in clients)
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async w =>
            {
                for (var i = w; i < requests; i += Concurrency) (await call(client, i)).Dispose();
            }));
    }

    /// <summary>Each round measures every path once, starting at a different path each round.</summary>
    private static async Task<Dictionary<string, Summary>> RoundsAsync(Path[] paths, int rounds, int offset, Func<Path, Task<Sample>> measure)
    {
        var all = paths.ToDictionary(p => p.Name, _ => new List<Sample>());
        for (var round = 0; round < rounds; round++)
            for (var k = 0; k < paths.Length; k++)
            {
                var path = paths[(k + round + offset) % paths.Length];
                all[path.Name].Add(await measure(path));
            }
        return all.ToDictionary(kv => kv.Key, kv => Summarise(kv.Value));
    }

    private static Summary Summarise(List<Sample> samples)
    {
        var results = samples.Select(s => s.R).ToList();
        double M(Func<Result, double> f) => MedianOf(results.Select(f));
        var median = results[0] with { P50 = M(r => r.P50), P95 = M(r => r.P95), P99 = M(r => r.P99), PerSecond = M(r => r.PerSecond), Errors = results.Sum(r => r.Errors) };
        return new Summary(median, MedianOf(samples.Select(s => s.CpuUs)), MedianOf(samples.Select(s => s.AllocBytes)), samples);
    }

    private static async Task<Sample> Measure(string name, HttpClient client, Func<HttpClient, int, Task<HttpResponseMessage>> call, int requests)
    {
        var latencies = new List<double>(requests);
        var errors = 0;
        var next = -1;
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests && total.Elapsed < TimeCap)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await call(client, i);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                lock (latencies) latencies.Add(elapsed);
            }
        }));
        total.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds;
        latencies.Sort();
        double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Floor(q * latencies.Count))];
        var result = new Result(name, latencies.Count, errors, latencies.Count / total.Elapsed.TotalSeconds, P(0.5), P(0.95), P(0.99));
        return new Sample(result, cpu / latencies.Count, (double)allocated / latencies.Count);
    }

    /// <summary>
    /// The runtime's allocation samples (GC AllocationTick: one event about every 100 KB allocated, naming the type of the
    /// object that crossed the mark, so a type's share of the samples is its share of the bytes) while GET one action runs
    /// through bare YARP, then through our gateway (and its before pipeline); the types whose bytes per request differ most.
    /// </summary>
    private static async Task<string[]> AllocationProfileAsync(HttpClient bare, HttpClient ours, HttpClient before)
    {
        const int requests = 10_000;
        using var sampler = new AllocationSampler();
        async Task<Dictionary<string, double>> Profile(HttpClient client)
        {
            sampler.Start();
            await Measure("profile", client, GetAction, requests);
            return sampler.Stop().ToDictionary(kv => kv.Key, kv => (double)kv.Value / requests);
        }
        await Profile(bare); // the listener's own start-up
        var bareBytes = await Profile(bare);
        var oursBytes = await Profile(ours);
        var beforeBytes = await Profile(before);
        double Of(Dictionary<string, double> d, string type) => d.GetValueOrDefault(type);
        var lines = new List<string>
        {
            $"Allocation samples by type, GET one action, {requests} requests per path (bytes per request, sampled about every 100 KB; whole process):",
            $"  total: bare YARP {bareBytes.Values.Sum(),7:0}   gateway {oursBytes.Values.Sum(),7:0}   before {beforeBytes.Values.Sum(),7:0}",
            $"  {"type",-90} {"bare",7} {"gateway",8} {"before",7} {"gw-bare",8}",
        };
        foreach (var type in bareBytes.Keys.Union(oursBytes.Keys).Union(beforeBytes.Keys)
                     .OrderByDescending(t => Math.Abs(Of(oursBytes, t) - Of(bareBytes, t)) + Math.Abs(Of(beforeBytes, t) - Of(bareBytes, t)) / 2).Take(30))
            lines.Add($"  {(type.Length > 90 ? type[..87] + "..." : type),-90} {Of(bareBytes, type),7:0} {Of(oursBytes, type),8:0} {Of(beforeBytes, type),7:0} {Of(oursBytes, type) - Of(bareBytes, type),8:+0;-0}");
        return [.. lines];
    }

    private sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
    {
        private readonly Dictionary<string, long> _bytes = new();
        private volatile bool _on;

        public void Start()
        {
            lock (_bytes) _bytes.Clear();
            _on = true;
        }

        public Dictionary<string, long> Stop()
        {
            _on = false;
            lock (_bytes) return new Dictionary<string, long>(_bytes);
        }

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.PayloadNames is null) return;
            var typeAt = e.PayloadNames.IndexOf("TypeName");
            var amountAt = e.PayloadNames.IndexOf("AllocationAmount64");
            if (typeAt < 0) return;
            var type = e.Payload![typeAt] as string ?? "?";
            var amount = amountAt >= 0 ? Convert.ToInt64(e.Payload[amountAt], System.Globalization.CultureInfo.InvariantCulture) : 100 * 1024;
            lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
        }
    }

    /// <summary>Microseconds per validation of one partner token by the gateway's own bearer handler configuration: the
    /// JWT handler every time (the cache off) and through the cache (a hit after the first). Single thread, in-process.</summary>
    private static async Task<string[]> TokenValidationCostAsync(WebApplication cached, WebApplication uncached)
    {
        var token = TestAuth.Token(TestUser.Partner("kent-police"));
        async Task<double> MicrosecondsPerValidation(WebApplication app, int n)
        {
            var options = app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
            var handler = options.TokenHandlers[0];
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < n; i++) Check(await handler.ValidateTokenAsync(token, options.TokenValidationParameters));
            return Stopwatch.GetElapsedTime(started).TotalMicroseconds / n;
        }
        static void Check(TokenValidationResult result) { if (!result.IsValid) throw new InvalidOperationException("The benchmark token did not validate.", result.Exception); }
        await MicrosecondsPerValidation(uncached, 2_000);
        await MicrosecondsPerValidation(cached, 2_000);
        // Alternating rounds, the median of each.
        var (befores, afters) = (new List<double>(), new List<double>());
        for (var round = 0; round < 7; round++)
        {
            befores.Add(await MicrosecondsPerValidation(uncached, 10_000));
            afters.Add(await MicrosecondsPerValidation(cached, 10_000));
        }
        var before = befores.Order().ElementAt(3);
        var after = afters.Order().ElementAt(3);
        return
        [
            "Token validation alone (one partner token, the bearer handler's own TokenHandlers[0], one thread, 7 alternating rounds of 10,000, median):",
            $"  JWT handler every time (before): {before,7:0.0} us    through the validated-token cache: {after,7:0.0} us    ({before / after:0.0}x faster)",
        ];
    }

    private static async Task<string> EventLatencyAsync(RunningApp service, int db, HttpClient direct)
    {
        // Fresh actions (not started), so each update is a status change and publishes.
        var fresh = new List<long>();
        using (var manager = service.Client(TestUser.Manager()))
            for (var i = 0; i < 100; i++)
            {
                var created = await (await manager.PostAsJsonAsync("/api/partnerships/medway/actions", new { planId = "csp", priorityId = "safeguarding", title = $"Event action {i}", strand = "pursue", leadAgencyId = "kent-police", owner = "DI", startDate = "2026-01-01", dueDate = "2027-03-31" })).Content.ReadFromJsonAsync<JsonObject>();
                fresh.Add((long)created!["id"]!);
            }
        var latencies = new List<double>();
        var eventsKey = "events:" + ActionStatusChanged.Topic;
        var redis = RedisServer.Instance.Connection.GetDatabase(db);
        foreach (var id in fresh)
        {
            var before = await redis.StreamLengthAsync(eventsKey);
            var sw = Stopwatch.StartNew();
            (await direct.PostAsJsonAsync($"/api/partnerships/medway/actions/{id}/updates", new { status = "on-track", progressPercent = 5, commentary = "Started." })).EnsureSuccessStatusCode();
            while (await redis.StreamLengthAsync(eventsKey) <= before && sw.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(1);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        return $"update → action.status-changed on the bus: p50 {latencies[50]:0.0} ms, p95 {latencies[95]:0.0} ms, max {latencies[^1]:0.0} ms (100 updates)";
    }
}
