using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.BuildingBlocks.DemoData;
using Csp.Funding.DemoData;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.Funding.Tests.Api;

/// <summary>The action plan with its demo data (`make run`), the funding service beside it.</summary>
public sealed class DemoPlatform : IAsyncLifetime
{
    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Funding { get; private set; } = null!;
    public IDatabase Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var db = RedisServer.Instance.TakeDatabase();
        Redis = RedisServer.Instance.Connection.GetDatabase(db);
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, FundingHost.AllowFunding(TestRedis.DemoSettings(db)));
        Funding = await RunningApp.StartAsync(FundingApp.Build, FundingHost.Settings(db, ActionPlan.GrpcAddress));
        await Eventually.TrueAsync(async () => await Redis.SortedSetLengthAsync("actionplan:{medway}:actions") >= 30, "the action plan's demo data has loaded");
        await FundingHost.WaitForKnownPartnershipAsync(Redis, "medway");
    }

    public async Task DisposeAsync()
    {
        await Funding.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }
}

/// <summary>demo/funding.json loads through the commands, with the seeds' figures; loading twice changes nothing.</summary>
public class DemoDataTests(DemoPlatform platform) : IClassFixture<DemoPlatform>
{
    private async Task<int> LoadAsync()
    {
        using var scope = platform.Funding.Services.CreateScope();
        var options = Options.Create(new DemoDataOptions { Path = RepoPaths.Demo("funding.json") });
        return await ActivatorUtilities.CreateInstance<DemoDataLoader>(scope.ServiceProvider, options).LoadAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_demo_loads_once_with_the_seed_figures()
    {
        Assert.Equal(2 + 4 + 16, await LoadAsync()); // funders, programmes, allocations
        var audit = await platform.Redis.StreamLengthAsync("funding:{medway}:audit");
        var countySpend = await platform.Redis.ListLengthAsync("funding:{kent-county}:allocation:kent-crg-2024-25:spend");
        Assert.Equal(0, await LoadAsync());
        Assert.Equal(audit, await platform.Redis.StreamLengthAsync("funding:{medway}:audit"));
        Assert.Equal(countySpend, await platform.Redis.ListLengthAsync("funding:{kent-county}:allocation:kent-crg-2024-25:spend"));

        using var finance = platform.Funding.Client(FundingHost.FinanceOfficer);
        var medway = (await finance.GetFromJsonAsync<JsonArray>("/api/partnerships/medway/funding/allocations"))!.ToDictionary(a => (string)a!["id"]!);
        Assert.Equal(10_646_000, (long)medway["kent-csp-grant-2019-20"]!["awarded"]!["pence"]!);
        Assert.Equal("closed", (string?)medway["kent-csp-grant-2019-20"]!["status"]);
        Assert.Equal("provisional", (string?)medway["kent-csp-grant-2020-21"]!["status"]);

        var current = medway["kent-crg-2024-25"]!;
        var projects = current["projects"]!.AsArray();
        Assert.Contains(projects, p => (bool)p!["readyToClose"]! && (string?)p["delivery"] == "delivered: ready to close"); // its action was completed
        Assert.Contains(projects, p => (bool)p!["flagged"]!); // its action is off track
        Assert.Contains(projects, p => (string?)p!["status"] == "rejected");
        Assert.Contains(current["returns"]!.AsArray(), r => (bool)r!["late"]!);
        Assert.Single(current["variations"]!.AsArray());
        Assert.Equal(-40_000, (await finance.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/funding/allocations/kent-crg-2024-25/spend"))!["items"]![1]!["amount"]!["pence"]!.GetValue<long>());

        // The county CSP: £39,661, nine projects for £39,505, £156 returned; 2025-26 two-thirds released (£26,440.67).
        var county = await platform.Redis.HashGetAsync("funding:{kent-county}:allocation:kent-crg-2024-25", "data");
        var county2024 = JsonNode.Parse((string)county!)!;
        Assert.Equal(3_966_100, (long)county2024["awarded"]!);
        Assert.Equal(9, county2024["projects"]!.AsArray().Count);
        Assert.Equal(3_950_500, (long)county2024["spent"]!);
        Assert.Equal(15_600, (long)county2024["yearEnd"]!["fundsReturned"]!);
        var county2025 = JsonNode.Parse((string)(await platform.Redis.HashGetAsync("funding:{kent-county}:allocation:kent-crg-2025-26", "data"))!)!;
        Assert.Equal(2_644_067, county2025["tranches"]!.AsArray().Where(t => (string?)t!["status"] == "released").Sum(t => (long)t!["amount"]!));

        // The Crime Reduction Grant 2024-25 across 13 CSPs adds up to £558,385.
        var partnerships = await platform.Redis.SetMembersAsync("funding:{funder.kent-pcc}:programme:kent-crg-2024-25:partnerships");
        Assert.Equal(13, partnerships.Length);
        long total = 0;
        foreach (var p in partnerships)
            total += (long)JsonNode.Parse((string)(await platform.Redis.HashGetAsync($"funding:{{{p}}}:allocation:kent-crg-2024-25", "data"))!)!["awarded"]!;
        Assert.Equal(55_838_500, total);
    }
}
