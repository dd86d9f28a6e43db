using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Csp.Faults.Tests.Support;
using Csp.TestSupport;

namespace Csp.Observability.Tests;

/// <summary>
/// The platform as `make run` starts it, with its demo data: redis-server, the action-plan, risk, funding and KPI services
/// and the gateway, each an OS process of the built output on free 127.0.0.1 ports; and Debian's Prometheus scraping every
/// management port every two seconds with the chart's rule files (the same labels as the chart's ServiceMonitors: job = the
/// workload, part_of="csp-platform"). Started once per test class (<see cref="IAsyncLifetime"/>); disposing it kills every
/// process and deletes the work directory unless a test failed.
/// </summary>
public sealed class DemoPlatform : IAsyncLifetime
{
    public static readonly string[] Workloads = ["gateway", "actionplan", "risk", "funding", "kpi"];

    private readonly List<OsProcess> _processes = [];
    private readonly Dictionary<string, int> _management = [];
    private string? _managerToken;
    private string? _financeToken;

    public DemoPlatform()
    {
        WorkDirectory = Directory.CreateTempSubdirectory("csp-observability-").FullName;
        Redis = new RedisProcess(WorkDirectory);
    }

    public string WorkDirectory { get; }
    public RedisProcess Redis { get; }
    public Uri GatewayAddress { get; private set; } = null!;
    public Uri PrometheusAddress { get; private set; } = null!;
    public bool KeepWorkDirectory { get; set; }

    public async Task InitializeAsync()
    {
        var prometheus = new[] { "/usr/bin/prometheus", "/usr/local/bin/prometheus" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("prometheus is not installed: run `bash scripts/ensure-prometheus.sh` (make test-observability does).");
        await Redis.StartAsync();

        var actionPlanGrpc = FreePort.ForProcess();
        var addresses = new Dictionary<string, Uri>();
        OsProcess Service(string name, string project, string demoFile, params (string Key, string Value)[] extra)
        {
            var http = FreePort.ForProcess();
            var grpc = name == "actionplan" ? actionPlanGrpc : FreePort.ForProcess();
            _management[name] = FreePort.ForProcess();
            addresses[name] = new Uri($"http://127.0.0.1:{http}");
            var environment = Common();
            environment["Ports__Address"] = "127.0.0.1";
            environment["Ports__Http"] = http.ToString(CultureInfo.InvariantCulture);
            environment["Ports__Grpc"] = grpc.ToString(CultureInfo.InvariantCulture);
            environment["Ports__Management"] = _management[name].ToString(CultureInfo.InvariantCulture);
            environment["DemoData__Path"] = RepoPaths.Demo(demoFile);
            foreach (var (key, value) in extra) environment[key] = value;
            return Process(name, project, environment);
        }

        var actionPlan = Service("actionplan", "services/ActionPlan/Csp.ActionPlan", "actionplan.json");
        var grpcAddress = $"http://127.0.0.1:{actionPlanGrpc}";
        var risk = Service("risk", "services/Risk/Csp.Risk", "risks.json", ("Risk__ActionPlanGrpc", grpcAddress));
        var funding = Service("funding", "services/Funding/Csp.Funding", "funding.json", ("Funding__ActionPlanGrpc", grpcAddress));
        var kpi = Service("kpi", "services/Kpi/Csp.Kpi", "kpis.json", ("Kpi__ActionPlanGrpc", grpcAddress));

        GatewayAddress = new Uri($"http://127.0.0.1:{FreePort.ForProcess()}");
        _management["gateway"] = FreePort.ForProcess();
        var gatewayEnvironment = Common();
        gatewayEnvironment["Urls"] = GatewayAddress.ToString().TrimEnd('/');
        gatewayEnvironment["Ports__Management"] = _management["gateway"].ToString(CultureInfo.InvariantCulture);
        // The test retries its queries, sending traffic each time: more than the per-caller limits allow (tested elsewhere).
        gatewayEnvironment["RateLimiting__PermitsPerMinute"] = "1000000";
        gatewayEnvironment["RateLimiting__AnonymousPermitsPerMinute"] = "1000000";
        foreach (var cluster in new[] { "actionplan", "risk", "funding", "kpi" })
            gatewayEnvironment[$"ReverseProxy__Clusters__{cluster}__Destinations__primary__Address"] = addresses[cluster].ToString();
        var gateway = Process("gateway", "gateway/Csp.Gateway", gatewayEnvironment);

        // The owner of the partnerships first, so the others' first copy of them (over gRPC, at start) succeeds at once.
        actionPlan.Start();
        await WaitReadyAsync(actionPlan, addresses["actionplan"]);
        risk.Start();
        funding.Start();
        kpi.Start();
        gateway.Start();
        await Task.WhenAll(WaitReadyAsync(risk, addresses["risk"]), WaitReadyAsync(funding, addresses["funding"]),
            WaitReadyAsync(kpi, addresses["kpi"]), WaitReadyAsync(gateway, GatewayAddress));

        PrometheusAddress = new Uri($"http://127.0.0.1:{FreePort.ForProcess()}");
        var configFile = Path.Combine(WorkDirectory, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, PrometheusConfig());
        var server = new OsProcess("prometheus", prometheus,
            [$"--config.file={configFile}", $"--storage.tsdb.path={Path.Combine(WorkDirectory, "prometheus-data")}",
             $"--web.listen-address={PrometheusAddress.Authority}"],
            WorkDirectory, new Dictionary<string, string>(), WorkDirectory);
        _processes.Add(server);
        server.Start();
        await WaitReadyAsync(server, PrometheusAddress, "/-/ready");
    }

    /// <summary>The scrape configuration of scripts/prometheus-local.yml on this platform's ports, scraped every two seconds,
    /// with the chart's rule files evaluated every second.</summary>
    private string PrometheusConfig()
    {
        var rules = Path.Combine(RepoPaths.Root, "charts", "csp-platform", "rules", "*.rules.yaml");
        var jobs = string.Concat(Workloads.Select(w =>
            $"  - job_name: {w}\n    static_configs: [{{ targets: [\"127.0.0.1:{_management[w]}\"], labels: {{ part_of: csp-platform }} }}]\n"));
        return $"global:\n  scrape_interval: 2s\n  scrape_timeout: 2s\n  evaluation_interval: 2s\nrule_files:\n  - \"{rules}\"\nscrape_configs:\n{jobs}";
    }

    private static Dictionary<string, string> Common() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Auth__DevIssuer__Enabled"] = "true",
        ["Auth__DevIssuer__SigningKey"] = TestAuth.SigningKey,
        ["Auth__DevIssuer__UsersFile"] = RepoPaths.Demo("users.json"),
        ["DemoData__UsersPath"] = RepoPaths.Demo("users.json"),
        ["Redis__Database"] = "0",
    };

    private OsProcess Process(string name, string projectDirectory, Dictionary<string, string> environment)
    {
        environment["Redis__Configuration"] = Redis.Address;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var output = Path.Combine(RepoPaths.Root, projectDirectory, "bin", configuration, "net10.0");
        var dll = Path.Combine(output, Path.GetFileName(projectDirectory) + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built: run `make test-observability` (it builds the solution first)", dll);
        var process = new OsProcess(name, "dotnet", [dll], output, environment, WorkDirectory);
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits (bounded) until the process answers 200 on <paramref name="path"/>.</summary>
    private static async Task WaitReadyAsync(OsProcess process, Uri address, string path = "/healthz/ready")
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(3) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            if (!process.IsRunning) throw new InvalidOperationException($"{process.Name} exited:\n{process.LogTail()}");
            try
            {
                if ((await client.GetAsync(path)).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{process.Name} was not ready at {address} within two minutes:\n{process.LogTail()}");
            await Task.Delay(200);
        }
    }

    /// <summary>What a board member, the manager, a finance officer and an anonymous caller do through the gateway: reads
    /// of every service, the public scorecard, and one refused request (401), so every service and route has traffic.</summary>
    public async Task SendTrafficAsync()
    {
        using var anonymous = new HttpClient { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(15) };
        using var manager = new HttpClient { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(15) };
        using var finance = new HttpClient { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(15) };
        _managerToken ??= await DevTokenAsync(anonymous, "sam.patel");
        _financeToken ??= await DevTokenAsync(anonymous, "tom.fletcher");
        manager.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _managerToken);
        finance.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _financeToken);
        foreach (var path in new[] { "/api/partnerships/medway/actions", "/api/partnerships/medway/actions?overdue=true", "/api/partnerships/medway/risks",
                     "/api/partnerships/medway/kpis/scorecard", "/api/partnerships/medway/update-rounds" })
            await manager.GetAsync(path);
        await finance.GetAsync("/api/partnerships/medway/funding/allocations");
        await anonymous.GetAsync("/public/partnerships/medway/scorecard");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/partnerships/medway/actions")).StatusCode);
    }

    private static async Task<string> DevTokenAsync(HttpClient client, string user)
    {
        using var response = await client.PostAsync("/dev/token", new StringContent($"{{\"user\":\"{user}\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"POST /dev/token for {user}: {(int)response.StatusCode}");
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!;
    }

    /// <summary>Tails of every process's log, for a failing test's message.</summary>
    public string LogTails() => string.Join('\n', _processes.Select(p => $"--- {p.Name} ({p.LogPath}) ---\n{string.Join('\n', p.LogTail(8).Split('\n').Select(l => l.Length > 400 ? l[..400] + "…" : l))}"));

    public Task DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes)) process.Dispose();
        Redis.Dispose();
        if (!KeepWorkDirectory)
        {
            try { Directory.Delete(WorkDirectory, recursive: true); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return Task.CompletedTask;
    }
}
