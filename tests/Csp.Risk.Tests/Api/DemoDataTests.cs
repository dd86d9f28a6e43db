using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.BuildingBlocks.DemoData;
using Csp.Risk.DemoData;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.Risk.Tests.Api;

/// <summary>Both services as `make run` starts them: the action plan with its demo data, the risk service beside it.</summary>
public sealed class DemoPlatform : IAsyncLifetime
{
    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Risk { get; private set; } = null!;
    public IDatabase Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var db = RedisServer.Instance.TakeDatabase();
        Redis = RedisServer.Instance.Connection.GetDatabase(db);
        var settings = TestRedis.DemoSettings(db);
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, settings);
        Risk = await RunningApp.StartAsync(RiskApp.Build, RiskHost.RiskSettings(db, ActionPlan.GrpcAddress));
        await Eventually.TrueAsync(async () => await Redis.SortedSetLengthAsync("actionplan:{medway}:actions") >= 30, "the action plan's demo data has loaded");
        // Mitigations are linked as the partnership's members: the risk service must have heard of the partnership.
        await RiskHost.WaitForKnownPartnershipAsync(Redis, "medway", 1);
    }

    public async Task DisposeAsync()
    {
        await Risk.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }
}

/// <summary>The demo risks of the seed reports load from demo/risks.json, with history and mitigations linked to demo
/// actions; loading twice changes nothing.</summary>
public class DemoDataTests(DemoPlatform platform) : IClassFixture<DemoPlatform>
{
    private async Task<int> LoadAsync()
    {
        using var scope = platform.Risk.Services.CreateScope();
        var options = Options.Create(new DemoDataOptions { Path = RepoPaths.Demo("risks.json"), UsersPath = RepoPaths.Demo("users.json") });
        return await ActivatorUtilities.CreateInstance<DemoDataLoader>(scope.ServiceProvider, options).LoadAsync(CancellationToken.None);
    }

    [Fact]
    public async Task The_seed_risks_load_once_with_their_ratings_direction_of_travel_and_linked_mitigations()
    {
        Assert.Equal(6, await LoadAsync());
        var before = await platform.Redis.StreamLengthAsync("risk:{medway}:audit");
        Assert.Equal(0, await LoadAsync());
        Assert.Equal(before, await platform.Redis.StreamLengthAsync("risk:{medway}:audit"));

        using var board = platform.Risk.Client(TestUser.Board());
        var risks = (await board.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/risks"))!["items"]!.AsArray().ToDictionary(r => (string)r!["title"]!);
        Assert.Equal("E2", (string?)risks["Decreased agency buy-in"]!["current"]!["rating"]);
        Assert.Equal("improving", (string?)risks["Decreased agency buy-in"]!["directionOfTravel"]);
        Assert.Equal("E2", (string?)risks["A wide range of CSP objectives"]!["current"]!["rating"]);
        Assert.Equal("D3", (string?)risks["Legislation"]!["current"]!["rating"]);
        Assert.Equal("worsening", (string?)risks["Legislation"]!["directionOfTravel"]);
        Assert.True((bool)risks["Legislation"]!["reviewOverdue"]!);
        Assert.Equal("D3", (string?)risks["Police and Crime Commissioner plans"]!["current"]!["rating"]);
        Assert.Equal("medway-task-force", (string?)risks["Competing demands on agency staff within the Task Force"]!["register"]);
        Assert.Equal("D3", (string?)risks["Too many objectives across a wide geographical area"]!["current"]!["rating"]);
        Assert.All(risks.Values, r => Assert.Equal("medway-council", (string?)r!["owningAgencyId"]));

        // Mitigations are real links to the demo actions (checked with the action-plan service as they were made).
        var taskForce = risks["Competing demands on agency staff within the Task Force"]!["mitigations"]!.AsArray();
        Assert.Equal(2, taskForce.Count);
        Assert.Contains(taskForce, m => (bool)m!["done"]! && ((string)m["title"]!).StartsWith("Produce Medway Task Force problem profiles", StringComparison.Ordinal));
        Assert.Contains(taskForce, m => !(bool)m!["done"]!);
        var objectives = risks["A wide range of CSP objectives"]!;
        Assert.True((bool)objectives["mitigationsComplete"]!);
        Assert.Equal("mitigations complete: review the rating", (string?)objectives["reviewPrompt"]);
    }
}
