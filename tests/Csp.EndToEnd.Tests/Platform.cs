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
/// the development issuer on (same signing key), on a fresh database of the real test Redis and its Streams bus. The
/// funding and KPI clusters point at ports where nothing listens, as when a service is down. Started once for all the
/// end-to-end tests (one xunit collection); the log lines of each host are kept for the tests to read.
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
    public IDatabase Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var db = RedisServer.Instance.TakeDatabase();
        Redis = RedisServer.Instance.Connection.GetDatabase(db);
        var settings = TestRedis.DemoSettings(db);
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, settings, logs: ActionPlanLogs);
        await WaitForAsync("actionplan:{medway}:actions", 30);
        var riskSettings = new Dictionary<string, string?>(settings)
        {
            ["DemoData:Path"] = RepoPaths.Demo("risks.json"),
            ["Risk:ActionPlanGrpc"] = ActionPlan.GrpcAddress.ToString(),
        };
        Risk = await RunningApp.StartAsync(RiskApp.Build, riskSettings, logs: RiskLogs);
        await WaitForAsync("risk:{medway}:risks", 6);

        var port = FreePort.Next();
        GatewayAddress = new Uri($"http://127.0.0.1:{port}");
        Gateway = GatewayApp.Build(["--environment=Testing"], builder => // the development issuer is refused in Production
        {
            builder.WebHost.UseUrls(GatewayAddress.ToString().TrimEnd('/'));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = ActionPlan.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:risk:Destinations:primary:Address"] = Risk.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:funding:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await Gateway.StartAsync();
    }

    private Task WaitForAsync(string index, int count) =>
        Eventually.TrueAsync(async () => await Redis.SortedSetLengthAsync(index) >= count, $"{index} holds {count} demo records");

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
