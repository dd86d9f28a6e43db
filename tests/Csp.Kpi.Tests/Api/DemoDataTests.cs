using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.BuildingBlocks.DemoData;
using Csp.Kpi.DemoData;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.Kpi.Tests.Api;

/// <summary>The action plan with its demo data and the KPI service with demo/kpis.json, as `make run` starts them.</summary>
public sealed class KpiDemoPlatform : IAsyncLifetime
{
    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Kpi { get; private set; } = null!;
    public IDatabase Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var db = RedisServer.Instance.TakeDatabase();
        Redis = RedisServer.Instance.Connection.GetDatabase(db);
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, TestRedis.DemoSettings(db));
        var settings = KpiHost.KpiSettings(db, ActionPlan.GrpcAddress);
        settings["DemoData:Path"] = RepoPaths.Demo("kpis.json");
        Kpi = await RunningApp.StartAsync(KpiApp.Build, settings);
        // Loaded once every KPI of the file has at least its file's measurements (the loader goes through them in order).
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("kpis.json")))!["partnerships"]![0]!["kpis"]!.AsArray()
            .Select(k => (Code: k!["definition"]!["code"]!.GetValue<string>(), Count: k["measurements"]?.AsArray().Count ?? 0)).ToList();
        await Eventually.TrueAsync(async () =>
        {
            foreach (var (code, count) in expected)
                if (await Redis.ListLengthAsync($"kpi:{{medway}}:m:{code}:log") < count) return false;
            return true;
        }, "the KPI demo data has loaded");
        await Eventually.TrueAsync(async () => await Redis.KeyExistsAsync("kpi:{medway}:partnership"), "the KPI service knows medway");
    }

    public async Task DisposeAsync()
    {
        await Kpi.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }
}

public class DemoDataTests(KpiDemoPlatform platform) : IClassFixture<KpiDemoPlatform>
{
    private async Task<int> LoadAsync()
    {
        using var scope = platform.Kpi.Services.CreateScope();
        var options = Options.Create(new DemoDataOptions { Path = RepoPaths.Demo("kpis.json") });
        return await ActivatorUtilities.CreateInstance<DemoDataLoader>(scope.ServiceProvider, options).LoadAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Loading_twice_changes_nothing()
    {
        // (The derived KPIs may be written meanwhile from the action plan's events: only the demo file's KPIs are compared.)
        var codes = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("kpis.json")))!["partnerships"]![0]!["kpis"]!.AsArray()
            .Select(k => k!["definition"]!["code"]!.GetValue<string>()).ToList();
        async Task<List<(long, long)>> StateAsync() =>
            [.. await Task.WhenAll(codes.Select(async c => (await platform.Redis.ListLengthAsync($"kpi:{{medway}}:m:{c}:log"), (long)await platform.Redis.HashGetAsync($"kpi:{{medway}}:def:{c}", "version"))))];
        var before = await StateAsync();
        Assert.Equal(9, before.Count);
        Assert.Equal(0, await LoadAsync());
        Assert.Equal(before, await StateAsync());
    }

    [Fact]
    public async Task The_seed_figures_are_there_with_the_trajectory_and_the_scorecard_groups_them_by_priority()
    {
        using var board = platform.Kpi.Client(TestUser.Board());
        var referrals = (await board.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/kpis/cfo-hub-referrals/measurements?pageSize=50"))!;
        Assert.Equal(652m, referrals["items"]!.AsArray().Sum(i => i!["value"]!.GetValue<decimal>())); // seed 003: 652 to date

        var beat = (await board.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/kpis/beat-officer-team-strength/measurements/2023-Q3"))!;
        Assert.Equal(70.09m, beat["target"]!.GetValue<decimal>()); // the 50% → 100% trajectory at 31 December 2023

        var scorecard = (await board.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/kpis/scorecard"))!;
        var priorities = scorecard["priorities"]!.AsArray().Select(p => p!["priorityId"]!.GetValue<string>()).ToList();
        Assert.Contains("reducing-reoffending", priorities);
        Assert.Contains("safeguarding-adults-and-children", priorities);
        var da = scorecard["priorities"]!.AsArray().SelectMany(p => p!["kpis"]!.AsArray()).Single(k => k!["code"]!.GetValue<string>() == "domestic-abuse-incidents")!;
        Assert.Equal("none", da["rag"]!.GetValue<string>()); // contextual
    }

    [Fact]
    public async Task A_few_KPIs_are_on_the_public_page_and_the_others_are_not()
    {
        using var anonymous = platform.Kpi.Client();
        var text = await anonymous.GetStringAsync("/public/partnerships/medway/scorecard");
        Assert.Contains("beat-officer-team-strength", text);
        Assert.Contains("asb-incidents", text);
        Assert.DoesNotContain("public-place-serious-violence", text);
        Assert.DoesNotContain("prevent-referrals", text);
    }

    [Fact]
    public async Task The_derived_KPIs_follow_from_the_action_plans_demo_events()
    {
        using var board = platform.Kpi.Client(TestUser.Board());
        await Eventually.TrueAsync(async () => (await board.GetAsync("/api/partnerships/medway/kpis/actions-on-track")).IsSuccessStatusCode,
            "the derived KPI is defined from the action plan's events");
        var kpi = (await board.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/kpis/actions-on-track"))!;
        Assert.True(kpi["derived"]!.GetValue<bool>());
    }
}
