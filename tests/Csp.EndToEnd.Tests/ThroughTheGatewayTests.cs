using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Csp.EndToEnd.Tests;

/// <summary>What partners, the manager and the board see through the one door, against the demo partnership.</summary>
public class ThroughTheGatewayTests(Platform platform) : PlatformTest(platform)
{
    private const string Actions = "/api/partnerships/medway/actions";

    private static async Task<JsonObject> FirstOpenActionLedBy(HttpClient client, string agency)
    {
        var page = await client.GetFromJsonAsync<JsonObject>($"{Actions}?agency={agency}&pageSize=200");
        return page!["items"]!.AsArray().Select(a => a!.AsObject())
            .First(a => (string?)a["leadAgencyId"] == agency && (string?)a["status"] is not ("completed" or "cancelled"));
    }

    [Fact]
    public async Task Without_a_token_the_gateway_answers_401_problem_details()
    {
        using var anonymous = Platform.Anonymous();
        var response = await anonymous.GetAsync(Actions);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_police_partner_updates_a_police_led_action_but_not_a_council_led_one()
    {
        using var police = await Platform.SignInAsync("daniel.okafor");   // Kent Police partner officer
        var ours = await FirstOpenActionLedBy(police, "kent-police");
        var theirs = await FirstOpenActionLedBy(police, "medway-council");

        var allowed = await police.PostAsJsonAsync($"{Actions}/{ours["id"]}/updates", new { status = "on-track", progressPercent = 60, commentary = "Operation continuing; two closures this month." });
        var denied = await police.PostAsJsonAsync($"{Actions}/{theirs["id"]}/updates", new { status = "on-track", commentary = "Not ours to update." });

        Assert.Equal(HttpStatusCode.Created, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("application/problem+json", denied.Content.Headers.ContentType?.MediaType);
        var stored = await police.GetFromJsonAsync<JsonObject>($"{Actions}/{ours["id"]}");
        Assert.Equal(60, (int)stored!["progressPercent"]!);
    }

    [Fact]
    public async Task The_board_reads_the_plan_but_cannot_change_it()
    {
        using var board = await Platform.SignInAsync("olivia.grant");
        var summary = await board.GetFromJsonAsync<JsonObject>($"{Actions}/summary");
        Assert.Equal(30, (int)summary!["total"]!);
        Assert.True((int)summary["overdue"]! >= 5);
        var any = await FirstOpenActionLedBy(board, "kent-police");
        Assert.Equal(HttpStatusCode.Forbidden, (await board.PostAsJsonAsync($"{Actions}/{any["id"]}/updates", new { commentary = "Board note" })).StatusCode);
    }

    [Fact]
    public async Task The_manager_sees_who_still_owes_an_update_this_round()
    {
        using var manager = await Platform.SignInAsync("sam.patel");
        var rounds = await manager.GetFromJsonAsync<JsonArray>("/api/partnerships/medway/update-rounds");
        var round = Assert.Single(rounds!);
        var outstanding = await manager.GetFromJsonAsync<JsonArray>($"/api/partnerships/medway/update-rounds/{round!["id"]}/outstanding");
        Assert.NotEmpty(outstanding!);
        Assert.Equal((int)round["outstanding"]!, outstanding!.Count);
    }

    [Fact]
    public async Task A_service_that_is_not_running_is_503_problem_details_not_a_hang()
    {
        using var manager = await Platform.SignInAsync("sam.patel");
        var started = DateTime.UtcNow;
        var response = await manager.GetAsync("/api/partnerships/medway/funding/allocations");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_gRPC_is_not_routed()
    {
        using var board = await Platform.SignInAsync("olivia.grant");
        var response = await board.GetAsync(Actions);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.False(response.Headers.Contains("Server"));

        var grpc = await board.PostAsync("/actionplan.v1.ActionPlanQueries/GetAction", new ByteArrayContent([0, 0, 0, 0, 0]));
        Assert.Equal(HttpStatusCode.NotFound, grpc.StatusCode);
    }

    [Fact]
    public async Task Unknown_demo_users_get_no_token()
    {
        using var anonymous = Platform.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsJsonAsync("/dev/token", new { user = "mallory" })).StatusCode);
    }
}
