using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.Gateway;
using Csp.Risk;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Csp.EndToEnd.Tests;

/// <summary>
/// The platform as `make run` starts it: the action-plan and risk services with the demo data, the gateway in front with
/// the development issuer on (same signing key), on a keyspace of the real test Redis (a database and a key prefix; with
/// <c>CSP_TEST_REDIS=cluster</c> a three-master Redis Cluster, as `make run REDIS=cluster`) and its Streams bus. The
/// funding and KPI clusters point at ports where nothing listens, as when a service is down. Started once for all the
/// end-to-end tests (one xunit collection); the log lines of each host are kept for the tests to read, and every test
/// fails if any host met a cross-slot command or answered a 5xx (<see cref="PlatformFaults"/>).
/// </summary>
public sealed class Platform : IAsyncLifetime
{
    public const string Collection = "platform";

    public CapturedLogs ActionPlanLogs { get; } = new();
    public CapturedLogs RiskLogs { get; } = new();

    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Risk { get; private set; } = null!;
    public WebApplication Gateway { get; private set; } = null!;
    public Uri GatewayAddress { get; private set; } = null!;
    public PlatformFaults Faults { get; } = new();
    public int GatewayManagementPort { get; } = FreePort.Next();

    /// <summary>The platform's keyspace (its keys, under its prefix); <see cref="Redis"/> reads it as the services do.</summary>
    public TestKeyspace Keyspace { get; private set; } = null!;
    public IDatabase Redis { get; private set; } = null!;

    private static bool ServiceFault(int status) => status >= 500;

    private static bool GatewayFault(int status) => status is 500 or 502;

    public async Task InitializeAsync()
    {
        Keyspace = RedisServer.Instance.TakeKeyspace();
        Redis = Keyspace.Redis;
        var settings = TestRedis.DemoSettings(Keyspace);
        ActionPlan = await RunningApp.StartAsync(Faults.Watch("actionplan", ActionPlanApp.Build, ServiceFault), settings, logs: ActionPlanLogs);
        await WaitForAsync("actionplan:{medway}:actions", 30);
        var riskSettings = new Dictionary<string, string?>(settings)
        {
            ["DemoData:Path"] = RepoPaths.Demo("risks.json"),
            ["Risk:ActionPlanGrpc"] = ActionPlan.GrpcAddress.ToString(),
        };
        Risk = await RunningApp.StartAsync(Faults.Watch("risk", RiskApp.Build, ServiceFault), riskSettings, logs: RiskLogs);
        await WaitForAsync("risk:{medway}:risks", 6);

        var port = FreePort.Next();
        GatewayAddress = new Uri($"http://127.0.0.1:{port}");
        Gateway = GatewayApp.Build(["--environment=Testing"], builder => // the development issuer is refused in Production
        {
            Faults.Watch("gateway", builder, GatewayFault);
            builder.WebHost.UseUrls(GatewayAddress.ToString().TrimEnd('/'));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["Ports:Management"] = GatewayManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = ActionPlan.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:risk:Destinations:primary:Address"] = Risk.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:funding:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await Gateway.StartAsync();
    }

    private async Task WaitForAsync(string index, int count)
    {
        try
        {
            await Eventually.TrueAsync(async () => await Redis.SortedSetLengthAsync(index) >= count, $"{index} holds {count} demo records");
        }
        catch (TimeoutException) when (Faults.Faults.Count > 0)
        {
            AssertNoFaults();
            throw;
        }
    }

    /// <summary>A client of the gateway, anonymous.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Signs in as a demo user through the gateway's development token endpoint, as a developer would.</summary>
    public async Task<HttpClient> SignInAsync(string userId)
    {
        using var anonymous = Anonymous();
        var response = await anonymous.PostAsJsonAsync("/dev/token", new { user = userId });
        response.EnsureSuccessStatusCode();
        var token = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!;
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Fails the calling test if anything in <see cref="PlatformFaults"/> happened so far.</summary>
    public void AssertNoFaults()
    {
        var faults = Faults.Faults;
        Assert.True(faults.Count == 0, "The platform met cross-slot commands or answered 5xx:\n" + string.Join("\n", faults.Take(20)));
    }

    public async Task DisposeAsync()
    {
        await Gateway.StopAsync();
        await Gateway.DisposeAsync();
        await Risk.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }
}

/// <summary>The end-to-end tests share one platform: it is started once, and its tests run one after another.</summary>
[CollectionDefinition(Platform.Collection)]
public sealed class PlatformCollection : ICollectionFixture<Platform>;

/// <summary>An end-to-end test: after each one, nothing in the platform crossed slots or answered 5xx.</summary>
[Collection(Platform.Collection)]
public abstract class PlatformTest(Platform platform) : IDisposable
{
    protected Platform Platform { get; } = platform;

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        Platform.AssertNoFaults();
    }
}
