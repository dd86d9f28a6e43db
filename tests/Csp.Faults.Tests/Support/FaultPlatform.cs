using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Csp.Faults.Tests.Support;

/// <summary>
/// The platform as `make run` starts it, but each part a separate OS process of the built output: redis-server (AOF,
/// fsync always), the action-plan and risk services and the gateway (`dotnet &lt;dll&gt;`), on free 127.0.0.1 ports, with the
/// development issuer (the tests' signing key), the Redis Streams bus and short bus intervals. One per test; disposing it
/// kills every process. Logs are kept under <see cref="WorkDirectory"/> (printed on failure by the tests).
/// </summary>
public sealed class FaultPlatform : IAsyncDisposable
{
    public const string Partnership = "medway";
    public const string PlanId = "csp-2020-2024";
    public const string Actions = $"/api/partnerships/{Partnership}/actions";
    public const string Risks = $"/api/partnerships/{Partnership}/risks";

    /// <summary>A pending event is reclaimed from a dead consumer after this long.</summary>
    public static readonly TimeSpan ClaimIdle = TimeSpan.FromSeconds(3);

    /// <summary>True when the suite runs on a Redis Cluster (<c>CSP_TEST_REDIS=cluster</c>, <c>make test-faults-cluster</c>).</summary>
    public static bool OnCluster { get; } = string.Equals(Environment.GetEnvironmentVariable(RedisServer.TopologyVariable), "cluster", StringComparison.OrdinalIgnoreCase);

    /// <summary>What a multi-key command across hash slots leaves in a service's log: the server's refusal, or the
    /// client's (StackExchange.Redis refuses it before sending on a cluster).</summary>
    private static readonly string[] CrossSlotMarkers = ["CROSSSLOT", "must involve a single slot"];

    private readonly ITestOutputHelper _output;
    private bool _keepWorkDirectory;

    private FaultPlatform(ITestOutputHelper output, string name)
    {
        _output = output;
        WorkDirectory = Directory.CreateTempSubdirectory($"csp-faults-{name}-").FullName;
        Redis = new RedisProcess(WorkDirectory);
        var actionPlanHttp = FreePort.ForProcess();
        var actionPlanGrpc = FreePort.ForProcess();
        var riskHttp = FreePort.ForProcess();
        var riskGrpc = FreePort.ForProcess();
        var gateway = FreePort.ForProcess();
        ActionPlanAddress = new Uri($"http://127.0.0.1:{actionPlanHttp}");
        ActionPlanGrpcPort = actionPlanGrpc;
        RiskGrpcPort = riskGrpc;
        RiskAddress = new Uri($"http://127.0.0.1:{riskHttp}");
        GatewayAddress = new Uri($"http://127.0.0.1:{gateway}");

        ActionPlan = Service("actionplan", "services/ActionPlan/Csp.ActionPlan", ServiceEnvironment(actionPlanHttp, actionPlanGrpc));
        var risk = ServiceEnvironment(riskHttp, riskGrpc);
        risk["Risk__ActionPlanGrpc"] = $"http://127.0.0.1:{actionPlanGrpc}";
        // One line per event handled (the dispatcher's Debug line), so handler runs can be counted per event id across restarts.
        risk["Logging__LogLevel__Csp.BuildingBlocks.EventBus.IntegrationEventDispatcher"] = "Debug";
        Risk = Service("risk", "services/Risk/Csp.Risk", risk);
        Gateway = Service("gateway", "gateway/Csp.Gateway", new Dictionary<string, string>(Common())
        {
            ["Urls"] = GatewayAddress.ToString().TrimEnd('/'),
            ["Ports__Management"] = FreePort.ForProcess().ToString(CultureInfo.InvariantCulture),
            ["Auth__DevIssuer__UsersFile"] = RepoPaths.Demo("users.json"),
            ["ReverseProxy__Clusters__actionplan__Destinations__primary__Address"] = ActionPlanAddress.ToString(),
            ["ReverseProxy__Clusters__risk__Destinations__primary__Address"] = RiskAddress.ToString(),
            ["ReverseProxy__Clusters__funding__Destinations__primary__Address"] = $"http://127.0.0.1:{FreePort.ForProcess()}",
            ["ReverseProxy__Clusters__kpi__Destinations__primary__Address"] = $"http://127.0.0.1:{FreePort.ForProcess()}",
            // The suite is one caller sending thousands of requests; the limiter is tested elsewhere.
            ["RateLimiting__PermitsPerMinute"] = "10000000",
            ["RateLimiting__AnonymousPermitsPerMinute"] = "10000000",
        });
    }

    public string WorkDirectory { get; }
    public RedisProcess Redis { get; }
    public OsProcess ActionPlan { get; }
    public OsProcess Risk { get; }
    public OsProcess Gateway { get; }
    public Uri ActionPlanAddress { get; }
    public Uri RiskAddress { get; }
    public Uri GatewayAddress { get; }
    public int ActionPlanGrpcPort { get; }
    public int RiskGrpcPort { get; }
    public IDatabase Db => Redis.Db;

    /// <summary>Starts a platform, runs one case on it, and prints every process's log when the case fails (the logs are
    /// kept on disk either way until the platform is disposed).</summary>
    public static async Task RunCaseAsync(ITestOutputHelper output, string name, Func<FaultPlatform, Task> run)
    {
        await using var platform = await StartAsync(output, name);
        try
        {
            await run(platform);
        }
        catch
        {
            platform.DumpLogs();
            throw;
        }
    }

    /// <summary>Starts Redis, both services and the gateway, and sets up the Medway partnership (three agencies) and a plan.</summary>
    public static async Task<FaultPlatform> StartAsync(ITestOutputHelper output, string name)
    {
        var platform = new FaultPlatform(output, name);
        try
        {
            await platform.Redis.StartAsync();
            // The owner of the partnerships first, so the risk service's first copy of them (over gRPC, at start) succeeds
            // at once instead of retrying a few seconds later, in the middle of a case.
            platform.ActionPlan.Start();
            await platform.WaitReadyAsync(platform.ActionPlan, platform.ActionPlanAddress);
            platform.Risk.Start();
            platform.Gateway.Start();
            await Task.WhenAll(
                platform.WaitReadyAsync(platform.Risk, platform.RiskAddress),
                platform.WaitReadyAsync(platform.Gateway, platform.GatewayAddress));
            await platform.SetUpPartnershipAsync();
            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    private Dictionary<string, string> Common() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["Auth__Audience"] = TestAuth.Audience,
        ["Auth__DevIssuer__Enabled"] = "true",
        ["Auth__DevIssuer__Issuer"] = TestAuth.Issuer,
        ["Auth__DevIssuer__SigningKey"] = TestAuth.SigningKey,
    };

    private Dictionary<string, string> ServiceEnvironment(int http, int grpc) => new(Common())
    {
        ["Ports__Address"] = "127.0.0.1",
        ["Ports__Http"] = http.ToString(CultureInfo.InvariantCulture),
        ["Ports__Grpc"] = grpc.ToString(CultureInfo.InvariantCulture),
        ["Ports__Management"] = FreePort.ForProcess().ToString(CultureInfo.InvariantCulture),
        ["Redis__Configuration"] = Redis.Address,
        ["Redis__Database"] = "0",
        ["EventBus__Transport"] = "redis",
        ["EventBus__Redis__PollInterval"] = "00:00:00.050",
        ["EventBus__Redis__ClaimIdle"] = ClaimIdle.ToString(),
        ["EventBus__Redis__ErrorBackoff"] = "00:00:00.500",
        ["EventBus__OutboxPollInterval"] = "00:00:00.200",
        ["ActionPlan__Overdue__ScanInterval"] = "01:00:00",
        ["Risk__Reviews__ScanInterval"] = "01:00:00",
    };

    private OsProcess Service(string name, string projectDirectory, Dictionary<string, string> environment)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var output = Path.Combine(RepoPaths.Root, projectDirectory, "bin", configuration, "net10.0");
        var dll = Path.Combine(output, Path.GetFileName(projectDirectory) + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built: run `make test-faults` (it builds the solution first)", dll);
        return new OsProcess(name, "dotnet", [dll], output, environment, WorkDirectory);
    }

    /// <summary>Waits (bounded) until the process answers 200 on <c>/healthz/ready</c>.</summary>
    public async Task WaitReadyAsync(OsProcess process, Uri address, TimeSpan? within = null)
    {
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(3) };
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            if (!process.IsRunning) throw new InvalidOperationException($"{process.Name} exited:\n{process.LogTail()}");
            try
            {
                if ((await client.GetAsync("/healthz/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{process.Name} was not ready at {address} within the time allowed:\n{process.LogTail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>kill -9 of a service, then the same command again, waiting until it is ready.</summary>
    public async Task RestartAsync(OsProcess process)
    {
        process.Start();
        await WaitReadyAsync(process, AddressOf(process));
    }

    public Uri AddressOf(OsProcess process) =>
        process == ActionPlan ? ActionPlanAddress : process == Risk ? RiskAddress : process == Gateway ? GatewayAddress
        : throw new ArgumentException("not a service of this platform", nameof(process));

    /// <summary>A client signed in as <paramref name="user"/> (test token from the development issuer), or anonymous.</summary>
    public static HttpClient Client(Uri address, TestUser? user = null, TimeSpan? timeout = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30), MaxConnectionsPerServer = 64 })
        {
            BaseAddress = address,
            Timeout = timeout ?? TimeSpan.FromSeconds(15),
        };
        if (user is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestAuth.Token(user));
        return client;
    }

    public static TestUser Manager => TestUser.Manager(Partnership);
    public static TestUser Police => TestUser.Partner("kent-police", Partnership);

    private async Task SetUpPartnershipAsync()
    {
        using var admin = Client(ActionPlanAddress, TestUser.Admin);
        (await admin.PutAsJsonAsync($"/api/partnerships/{Partnership}", new
        {
            name = "Medway Community Safety Partnership",
            agencies = new object[]
            {
                new { id = "medway-council", name = "Medway Council", responsibleAuthority = true },
                new { id = "kent-police", name = "Kent Police", responsibleAuthority = true },
                new { id = "kent-fire-rescue", name = "Kent Fire and Rescue Service", responsibleAuthority = true },
            },
        })).EnsureSuccessStatusCode();
        using var manager = Client(ActionPlanAddress, Manager);
        (await manager.PutAsJsonAsync($"/api/partnerships/{Partnership}/plans/{PlanId}", new
        {
            title = "Community Safety Plan 2020-2024", startYear = 2020, endYear = 2024,
            priorities = new object[] { new { id = "safeguarding", title = "Safeguarding Adults and Children", areasOfFocus = new object[] { new { id = "medway-task-force", title = "Medway Task Force" } } } },
        })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => await Db.KeyExistsAsync($"risk:{{{Partnership}}}:partnership"),
            "the risk service knows the partnership", TimeSpan.FromSeconds(30));
    }

    /// <summary>A valid new action led by Kent Police.</summary>
    public static JsonObject ActionBody(string title) => new()
    {
        ["planId"] = PlanId,
        ["priorityId"] = "safeguarding",
        ["title"] = title,
        ["strand"] = "prepare",
        ["leadAgencyId"] = "kent-police",
        ["owner"] = "Task Force lead officer",
        ["startDate"] = "2026-01-01",
        ["dueDate"] = "2027-03-31",
    };

    public static object Completion => new { status = "completed", commentary = "Done: closed at the Task Force meeting." };

    /// <summary>A valid new risk owned by Medway Council.</summary>
    public static JsonObject RiskBody(string title) => new()
    {
        ["register"] = "csp",
        ["title"] = title,
        ["summary"] = "Government guidance could change focus for CSP.",
        ["cause"] = "New national guidance or legislation.",
        ["event"] = "The CSP's statutory focus changes mid-plan.",
        ["consequence"] = "Priorities and resources no longer match duties.",
        ["category"] = "legal",
        ["owningAgencyId"] = "medway-council",
        ["owner"] = "Community Safety Manager",
        ["existingControls"] = "Quarterly CSP meetings with a standing policy item.",
        ["mitigatingActions"] = "Horizon scanning.",
        ["treatment"] = "treat",
        ["reviewFrequency"] = "quarterly",
        ["inherent"] = "C2",
        ["current"] = "D3",
        ["target"] = "E3",
        ["rationale"] = "Horizon scanning in place; no bill announced.",
    };

    /// <summary>Stored action ids (the partnership's index).</summary>
    public async Task<HashSet<long>> StoredActionIdsAsync() =>
        (await Db.SortedSetRangeByRankAsync($"actionplan:{{{Partnership}}}:actions")).Select(v => (long)v).ToHashSet();

    /// <summary>The stored status of each action (kebab-case), straight from its document.</summary>
    public async Task<Dictionary<long, string>> StoredStatusesAsync()
    {
        var result = new Dictionary<long, string>();
        foreach (var id in await StoredActionIdsAsync())
        {
            var data = (string?)await Db.HashGetAsync($"actionplan:{{{Partnership}}}:action:{id}", "data");
            if (data is null) continue;
            result[id] = JsonNode.Parse(data)!["status"]!.GetValue<string>();
        }
        return result;
    }

    /// <summary>Action ids whose <c>action.completed</c> the risk service has handled (it records every one it sees).</summary>
    public async Task<HashSet<long>> CompletionsSeenByRiskAsync() =>
        (await Db.HashKeysAsync($"risk:{{{Partnership}}}:completed-actions")).Select(v => (long)v).ToHashSet();

    /// <summary>Every <c>action.completed</c> on the stream: (event id, action id) per entry, duplicates included.</summary>
    public async Task<List<(string EventId, long ActionId)>> CompletedEventsOnStreamAsync()
    {
        var entries = await Db.StreamRangeAsync("events:action.completed");
        return entries.Select(e => JsonNode.Parse((string)e["event"]!)!)
            .Select(n => ((string)n["id"]!, (long)n["data"]!["actionId"]!)).ToList();
    }

    /// <summary>How many times the risk service's dispatcher reports having handled each event id, across every start of the
    /// process (its "Handled event {EventId} on {Topic}" line). A SIGKILL can lose the last lines still buffered.</summary>
    public Dictionary<string, int> RiskHandlerRuns(string topic)
    {
        var runs = new Dictionary<string, int>();
        var pattern = new System.Text.RegularExpressions.Regex($"Handled event ([0-9a-f]+) on {System.Text.RegularExpressions.Regex.Escape(topic)}\"");
        foreach (var line in Risk.LogText().Split('\n'))
        {
            // One JSON line per log entry; the message appears in it more than once (message and state).
            var m = pattern.Match(line);
            if (m.Success) runs[m.Groups[1].Value] = runs.GetValueOrDefault(m.Groups[1].Value) + 1;
        }
        return runs;
    }

    public void Log(string line) => _output.WriteLine(line);

    /// <summary>Tails of each process's log, for a failing test's output; the whole logs are then kept under
    /// <see cref="WorkDirectory"/> (after a pass it is deleted).</summary>
    public void DumpLogs()
    {
        _keepWorkDirectory = true;
        foreach (var process in new[] { ActionPlan, Risk, Gateway })
            _output.WriteLine($"--- {process.Name} (whole log: {process.LogPath}) ---\n{string.Join('\n', process.LogTail(15).Split('\n').Select(l => l.Length > 600 ? l[..600] + "…" : l))}");
        foreach (var line in CrossSlotLines().Take(10)) _output.WriteLine("cross-slot: " + line);
    }

    /// <summary>Lines of the services' logs (every start) that show a multi-key Redis command across hash slots. On a
    /// cluster such a command fails; on one server it would pass unseen, so every case checks this at its end.</summary>
    public List<string> CrossSlotLines() =>
        new[] { ActionPlan, Risk, Gateway }
            .SelectMany(p => p.LogText().Split('\n').Where(IsCrossSlotLine)
                .Select(l => $"{p.Name}: {(l.Length > 600 ? l[..600] + "…" : l)}"))
            .ToList();

    public static bool IsCrossSlotLine(string line) => CrossSlotMarkers.Any(m => line.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>Kills every process. A case that passed is then failed if any service logged a cross-slot command (the
    /// logs are kept); a case that already failed has dumped its logs and keeps its own failure.</summary>
    public ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        Risk.Dispose();
        ActionPlan.Dispose();
        Redis.Dispose();
        var crossSlot = _keepWorkDirectory ? [] : CrossSlotLines();
        if (crossSlot.Count > 0) _keepWorkDirectory = true;
        if (!_keepWorkDirectory)
        {
            try { Directory.Delete(WorkDirectory, recursive: true); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        if (crossSlot.Count > 0)
        {
            foreach (var line in crossSlot.Take(10)) _output.WriteLine("cross-slot: " + line);
            throw new Xunit.Sdk.XunitException($"{crossSlot.Count} log lines show a multi-key Redis command across hash slots (logs kept in {WorkDirectory}); the first: {crossSlot[0]}");
        }
        return ValueTask.CompletedTask;
    }
}
