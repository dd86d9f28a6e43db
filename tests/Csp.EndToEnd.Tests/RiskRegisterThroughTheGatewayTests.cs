using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.EndToEnd.Tests;

/// <summary>The risk register through the gateway, and an action completed in the plan showing up as a done mitigation.</summary>
public class RiskRegisterThroughTheGatewayTests(Platform platform) : PlatformTest(platform)
{
    private const string Risks = "/api/partnerships/medway/risks";

    [Fact]
    public async Task The_board_reads_the_seed_risks_in_the_councils_notation_and_the_heat_map()
    {
        using var board = await Platform.SignInAsync("olivia.grant");
        var register = (await board.GetFromJsonAsync<JsonObject>($"{Risks}?register=csp"))!["items"]!.AsArray();
        var ratings = register!.ToDictionary(r => (string)r!["title"]!, r => (string)r!["current"]!["rating"]!);
        Assert.Equal("E2", ratings["Decreased agency buy-in"]);
        Assert.Equal("D3", ratings["Legislation"]);

        var heatMap = await board.GetFromJsonAsync<JsonObject>($"{Risks}/heat-map");
        Assert.NotNull(heatMap);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.PostAsJsonAsync(Risks, new { title = "x" })).StatusCode);
    }

    [Fact]
    public async Task Completing_a_linked_action_marks_the_mitigation_done_on_the_risk()
    {
        using var manager = await Platform.SignInAsync("sam.patel");
        var actions = await manager.GetFromJsonAsync<JsonObject>("/api/partnerships/medway/actions?agency=kent-police&status=on-track&pageSize=200");
        var action = actions!["items"]!.AsArray().First(a => (string?)a!["leadAgencyId"] == "kent-police")!;
        var risk = (await manager.GetFromJsonAsync<JsonObject>(Risks))!["items"]!.AsArray().First()!;

        var link = await manager.PostAsJsonAsync($"{Risks}/{risk["id"]}/mitigations", new { actionId = (long)action["id"]! });
        Assert.Equal(HttpStatusCode.Created, link.StatusCode);

        using var police = await Platform.SignInAsync("daniel.okafor");
        (await police.PostAsJsonAsync($"/api/partnerships/medway/actions/{action["id"]}/updates", new { status = "completed", commentary = "Operation closed." })).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(async () =>
        {
            var current = await manager.GetFromJsonAsync<JsonObject>($"{Risks}/{risk["id"]}");
            var mitigation = current!["mitigations"]!.AsArray().Single(m => (long)m!["actionId"]! == (long)action["id"]!);
            return (bool)mitigation!["done"]!;
        }, "the action.completed event marks the mitigation done");
    }
}
