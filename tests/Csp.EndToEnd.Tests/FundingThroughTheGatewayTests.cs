using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.Funding;
using Csp.Gateway;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using StackExchange.Redis;

namespace Csp.EndToEnd.Tests;

/// <summary>
/// The action-plan and funding services with their demo data and the gateway in front (development issuer on), as
/// `make run` starts them, on a keyspace of the real test Redis (a Redis Cluster with <c>CSP_TEST_REDIS=cluster</c>). Its
/// own platform, so the shared one keeps its funding cluster down for the tests that need a service down. Every test
/// fails if a host met a cross-slot command or answered a 5xx.
/// </summary>
public sealed class FundingPlatform : IAsyncLifetime
{
    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Funding { get; private set; } = null!;
    public WebApplication Gateway { get; private set; } = null!;
    public Uri GatewayAddress { get; private set; } = null!;
    public PlatformFaults Faults { get; } = new();
    public IDatabase Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var keyspace = RedisServer.Instance.TakeKeyspace();
        Redis = keyspace.Redis;
        var settings = TestRedis.DemoSettings(keyspace);
        var actionPlanSettings = new Dictionary<string, string?>(settings) { [$"Auth:AllowedServiceCallers:{TestAuth.AllowedServiceCallers.Length}"] = "funding" };
        ActionPlan = await RunningApp.StartAsync(Faults.Watch("actionplan", ActionPlanApp.Build, status => status >= 500), actionPlanSettings);
        var fundingSettings = new Dictionary<string, string?>(settings)
        {
            ["DemoData:Path"] = RepoPaths.Demo("funding.json"),
            ["Funding:ActionPlanGrpc"] = ActionPlan.GrpcAddress.ToString(),
        };
        Funding = await RunningApp.StartAsync(Faults.Watch("funding", FundingApp.Build, status => status >= 500), fundingSettings);
        await Eventually.TrueAsync(async () => await Redis.SetLengthAsync("funding:{medway}:allocations") >= 3 && await Redis.KeyExistsAsync("funding:{medway}:partnership"),
            "the funding demo data has loaded", TimeSpan.FromSeconds(60));

        GatewayAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        Gateway = GatewayApp.Build(["--environment=Testing"], builder =>
        {
            Faults.Watch("gateway", builder, status => status is 500 or 502);
            builder.WebHost.UseUrls(GatewayAddress.ToString().TrimEnd('/'));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(TestAuth.Configuration)
            {
                ["Auth:DevIssuer:UsersFile"] = RepoPaths.Demo("users.json"),
                ["Ports:Management"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["ReverseProxy:Clusters:actionplan:Destinations:primary:Address"] = ActionPlan.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:risk:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["ReverseProxy:Clusters:funding:Destinations:primary:Address"] = Funding.BaseAddress.ToString(),
                ["ReverseProxy:Clusters:kpi:Destinations:primary:Address"] = $"http://127.0.0.1:{FreePort.Next()}",
                ["Logging:LogLevel:Default"] = "Warning",
            });
        });
        await Gateway.StartAsync();
    }

    public HttpClient Anonymous() => new() { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Signs in as a demo user through the gateway's development token endpoint.</summary>
    public async Task<HttpClient> SignInAsync(string userId)
    {
        using var anonymous = Anonymous();
        var response = await anonymous.PostAsJsonAsync("/dev/token", new { user = userId });
        response.EnsureSuccessStatusCode();
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!);
        return client;
    }

    public async Task DisposeAsync()
    {
        await Gateway.StopAsync();
        await Gateway.DisposeAsync();
        await Funding.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }
}

/// <summary>A finance officer of the Kent PCC signs in through the gateway, confirms Medway's provisional allocation,
/// releases a tranche and accepts a return that Medway's manager submitted and its finance contact signed off.</summary>
public class FundingThroughTheGatewayTests(FundingPlatform platform) : IClassFixture<FundingPlatform>, IDisposable
{
    private const string Allocation = "/api/partnerships/medway/funding/allocations/kent-csp-grant-2020-21";

    [Fact]
    public async Task The_finance_officer_confirms_releases_and_accepts_a_return()
    {
        using var tom = await platform.SignInAsync("tom.fletcher");      // *:finance, acting for kent-pcc
        using var sam = await platform.SignInAsync("sam.patel");         // medway:manager
        using var fiona = await platform.SignInAsync("fiona.grant");     // medway:finance (the partnership's finance contact)

        var provisional = await tom.GetAsync(Allocation);
        Assert.Equal(HttpStatusCode.OK, provisional.StatusCode);
        Assert.Equal("provisional", (string?)(await provisional.Content.ReadFromJsonAsync<JsonObject>())!["status"]);

        // The manager cannot confirm; the finance officer can, with the Panel's date and reference, and If-Match.
        Assert.Equal(HttpStatusCode.Forbidden, (await sam.PostAsJsonAsync($"{Allocation}/confirm", new { panelDate = "2020-02-06", panelReference = "PCP" })).StatusCode);
        using (var confirm = new HttpRequestMessage(HttpMethod.Post, $"{Allocation}/confirm")
               { Content = JsonContent.Create(new { panelDate = "2020-02-06", panelReference = "Kent and Medway Police and Crime Panel, 6 February 2020" }) })
        {
            confirm.Headers.IfMatch.Add(provisional.Headers.ETag!);
            Assert.Equal(HttpStatusCode.OK, (await tom.SendAsync(confirm)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await tom.PutAsJsonAsync($"{Allocation}/schedule", new { template = "single" })).StatusCode);
        var released = await tom.PostAsJsonAsync($"{Allocation}/tranches/1/release", new { releasedOn = "2020-04-15" });
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(10_646_000, (long)(await released.Content.ReadFromJsonAsync<JsonObject>())!["totals"]!["released"]!["pence"]!);

        // The return: submitted by the manager, signed off by the finance contact, accepted by the finance officer.
        Assert.Equal(HttpStatusCode.Created, (await sam.PostAsJsonAsync($"{Allocation}/returns", new { quarter = "2020-Q1", narrative = "Projects mobilised.", forecastOutturn = "106460.00" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tom.PostAsJsonAsync($"{Allocation}/returns/2020-Q1/sign-off", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fiona.PostAsJsonAsync($"{Allocation}/returns/2020-Q1/sign-off", new { note = "Checked against the ledger." })).StatusCode);
        var accepted = await tom.PostAsJsonAsync($"{Allocation}/returns/2020-Q1/decision", new { approve = true });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("accepted", (string?)(await accepted.Content.ReadFromJsonAsync<JsonObject>())!["returns"]![0]!["status"]);

        // The PCC's view across partnerships, and the public's 360Giving export, through the gateway.
        var view = (await tom.GetFromJsonAsync<JsonObject>("/api/funders/kent-pcc/overview?year=2024-25&sort=partnership"))!;
        Assert.Equal(13, (int)view["partnerships"]!);
        using var anonymous = platform.Anonymous();
        // The gateway keeps /api for signed-in callers: the public export is under /public, rewritten to the service's path.
        var package = await anonymous.GetAsync("/public/funders/kent-pcc/360giving?year=2024-25");
        Assert.Equal(HttpStatusCode.OK, package.StatusCode);
        Assert.Equal("application/json", package.Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/csv", (await anonymous.GetAsync("/public/funders/kent-pcc/360giving.csv?year=2024-25")).Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync("/public/funders/kent-pcc/360giving")).StatusCode); // the year is required: the query reaches the service
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/funders/kent-pcc/360giving?year=2024-25")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/funders/kent-pcc/overview?year=2024-25")).StatusCode);
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        Assert.True(platform.Faults.Faults.Count == 0, "The platform met cross-slot commands or answered 5xx:\n" + string.Join("\n", platform.Faults.Faults.Take(20)));
    }
}
