using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

public class UpdateRoundsApiTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Rounds = $"/api/partnerships/{ActionPlanHost.Partnership}/update-rounds";

    [Fact]
    public async Task The_manager_sees_which_open_actions_still_owe_an_update_this_round()
    {
        var notUpdated = await host.CreateActionAsync(b => b["leadAgencyId"] = "kent-fire-rescue");
        var updated = await host.CreateActionAsync(b => b["leadAgencyId"] = "kent-police");
        using var manager = host.App.Client(TestUser.Manager());
        var open = await manager.PostAsJsonAsync(Rounds, new { period = "2026-Q3", deadline = "2026-12-31" });
        Assert.Equal(HttpStatusCode.Created, open.StatusCode);
        Assert.Equal("2026-Q3", (string?)(await open.Content.ReadFromJsonAsync<JsonObject>())!["period"]);

        using var police = host.App.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"/api/partnerships/{ActionPlanHost.Partnership}/actions/{updated}/updates", new { status = "on-track", commentary = "Q3 update." })).EnsureSuccessStatusCode();

        var outstanding = await manager.GetFromJsonAsync<JsonArray>($"{Rounds}/2026-q3/outstanding");
        var ids = outstanding!.Select(a => (long)a!["actionId"]!).ToArray();
        Assert.Contains(notUpdated, ids);
        Assert.DoesNotContain(updated, ids);

        var fireOnly = await manager.GetFromJsonAsync<JsonArray>($"{Rounds}/2026-q3/outstanding?agency=kent-fire-rescue");
        Assert.All(fireOnly!, a => Assert.Equal("kent-fire-rescue", (string?)a!["leadAgencyId"]));
    }

    [Fact]
    public async Task Opening_the_same_quarter_twice_is_409()
    {
        using var manager = host.App.Client(TestUser.Manager());
        (await manager.PostAsJsonAsync(Rounds, new { period = "2026-Q1", deadline = "2026-07-15", opensOn = "2026-07-01" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync(Rounds, new { period = "2026-Q1", deadline = "2026-07-20", opensOn = "2026-07-01" })).StatusCode);
    }
}
