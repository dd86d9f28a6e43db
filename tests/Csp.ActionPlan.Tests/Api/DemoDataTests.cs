using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan.DemoData;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>The action plan as `make run` starts it: demo/actionplan.json loaded at start-up through the commands.</summary>
public sealed class DemoHost : IAsyncLifetime
{
    public RunningApp App { get; private set; } = null!;
    public IDatabase Redis { get; private set; } = null!;
    public int ActionsInFile { get; private set; }

    public async Task InitializeAsync()
    {
        var db = RedisServer.Instance.TakeDatabase();
        Redis = RedisServer.Instance.Connection.GetDatabase(db);
        using (var file = JsonDocument.Parse(await File.ReadAllTextAsync(RepoPaths.Demo("actionplan.json"))))
            ActionsInFile = file.RootElement.GetProperty("partnerships").EnumerateArray().Sum(p => p.GetProperty("actions").GetArrayLength());
        var settings = TestRedis.DemoSettings(db);
        settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        App = await RunningApp.StartAsync(ActionPlanApp.Build, settings);
        // The round is the loader's last write.
        await Eventually.TrueAsync(async () => await Redis.SetLengthAsync("actionplan:{medway}:rounds") == 1, "the demo data has loaded");
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>The demo data passes the domain's rules (including milestones within their action's dates, at both ends), keeps
/// its history, and loading it twice changes nothing.</summary>
public class DemoDataTests(DemoHost host) : IClassFixture<DemoHost>
{
    [Fact]
    public async Task Every_demo_action_loads_and_loading_again_changes_nothing()
    {
        Assert.Equal(host.ActionsInFile, await host.Redis.SortedSetLengthAsync("actionplan:{medway}:actions"));
        var audit = await host.Redis.StreamLengthAsync("actionplan:{medway}:audit");

        using var scope = host.App.Services.CreateScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<DemoDataLoader>().LoadAsync(CancellationToken.None));

        Assert.Equal(host.ActionsInFile, await host.Redis.SortedSetLengthAsync("actionplan:{medway}:actions"));
        Assert.Equal(audit, await host.Redis.StreamLengthAsync("actionplan:{medway}:audit"));
        Assert.Equal(1, await host.Redis.SetLengthAsync("actionplan:{medway}:plans"));
        Assert.Equal(1, await host.Redis.SetLengthAsync("actionplan:{medway}:rounds"));
    }

    [Fact]
    public async Task A_completed_demo_action_keeps_its_dated_history_and_publishes_only_its_creation()
    {
        var id = (long)await host.Redis.HashGetAsync("actionplan:{medway}:seed-refs", "RV-07");
        using var board = host.App.Client(TestUser.Board());
        var action = await board.GetFromJsonAsync<JsonObject>($"/api/partnerships/medway/actions/{id}");
        Assert.Equal("completed", (string?)action!["status"]);
        Assert.Equal(3, (int)action["updateCount"]!);
        Assert.Equal("system", (string?)action["createdBy"]);
        Assert.Equal((string?)action["dueDate"], (string?)action["milestones"]![1]!["completedOn"]);
        var updates = (await board.GetFromJsonAsync<JsonArray>($"/api/partnerships/medway/actions/{id}/updates"))!;
        Assert.Equal(["on-track", "on-track", "completed"], updates.Select(u => (string)u!["status"]!).ToArray());
        Assert.Equal("Daniel Okafor", (string?)updates[2]!["byName"]);

        await Drained.OutboxAsync(host.Redis, ActionPlanApp.ServiceName);
        Assert.Contains(await EventsAsync(ActionCreated.Topic), e => e.GetProperty("actionId").GetInt64() == id);
        Assert.Empty(await EventsAsync(ActionStatusChanged.Topic));
        Assert.Empty(await EventsAsync(ActionCompleted.Topic));
    }

    private async Task<List<JsonElement>> EventsAsync(string topic) =>
        (await host.Redis.StreamRangeAsync($"events:{topic}")).Select(e => JsonDocument.Parse((string)e["event"]!).RootElement.GetProperty("data").Clone()).ToList();
}
