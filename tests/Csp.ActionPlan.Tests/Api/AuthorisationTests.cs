using System.Net;
using System.Net.Http.Json;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>Each rule, both sides: the allowed caller succeeds and the others fail.</summary>
public class AuthorisationTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Actions = $"/api/partnerships/{ActionPlanHost.Partnership}/actions";
    private static readonly object Update = new { status = "on-track", progressPercent = 20, commentary = "Progressing." };

    [Theory]
    [InlineData("GET", Actions)]
    [InlineData("POST", Actions)]
    [InlineData("GET", "/api/partnerships")]
    [InlineData("GET", $"/api/partnerships/{ActionPlanHost.Partnership}/plans")]
    [InlineData("GET", $"/api/partnerships/{ActionPlanHost.Partnership}/update-rounds")]
    public async Task Unauthenticated_callers_get_401(string method, string path)
    {
        using var anonymous = host.App.Client();
        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_401()
    {
        using var client = host.App.Client();
        client.DefaultRequestHeaders.Authorization = new("Bearer", TestAuth.IssuerWith(key: TestAuth.OtherKey).IssueFor(TestUser.Manager().AsDemoUser()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Actions)).StatusCode);
    }

    [Fact]
    public async Task Manager_in_one_partnership_and_board_in_another_manages_only_the_first_and_reads_both()
    {
        // One token: manager of medway, board member of other. A flat role set would let it manage both.
        using var priya = host.App.Client(TestUser.With("priya.shah", "medway-council", $"{ActionPlanHost.Partnership}:manager", "other:board"));

        Assert.Equal(HttpStatusCode.Created, (await priya.PostAsJsonAsync(Actions, ActionPlanHost.ActionBody())).StatusCode);
        var otherActions = await host.Redis.SortedSetLengthAsync("actionplan:{other}:actions");
        var inOther = await priya.PostAsJsonAsync("/api/partnerships/other/actions", ActionPlanHost.ActionBody(b => b["leadAgencyId"] = "kent-police"));
        Assert.Equal(HttpStatusCode.Forbidden, inOther.StatusCode);
        Assert.Equal(otherActions, await host.Redis.SortedSetLengthAsync("actionplan:{other}:actions"));
        var plan = await priya.PutAsJsonAsync("/api/partnerships/other/plans/other-plan", new
        {
            title = "Other plan", startYear = 2024, endYear = 2027,
            priorities = new object[] { new { id = "asb", title = "Anti-social behaviour", areasOfFocus = Array.Empty<object>() } },
        });
        Assert.Equal(HttpStatusCode.Forbidden, plan.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await priya.GetAsync("/api/partnerships/other/actions")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await priya.GetAsync("/api/partnerships/other")).StatusCode);
        var listed = await priya.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/partnerships");
        Assert.Equal(["medway", "other"], listed.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).Order().ToArray());
    }

    [Fact]
    public async Task Partner_updates_an_action_their_agency_leads()
    {
        var id = await host.CreateActionAsync(b => b["leadAgencyId"] = "kent-police");
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        Assert.Equal(HttpStatusCode.Created, (await police.PostAsJsonAsync($"{Actions}/{id}/updates", Update)).StatusCode);
    }

    [Fact]
    public async Task Partner_cannot_update_an_action_another_agency_leads()
    {
        var id = await host.CreateActionAsync(b => b["leadAgencyId"] = "kent-police");
        using var fire = host.App.Client(TestUser.Partner("kent-fire-rescue"));
        var response = await fire.PostAsJsonAsync($"{Actions}/{id}/updates", Update);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Supporting_agency_partner_cannot_update_an_action_they_only_support()
    {
        var id = await host.CreateActionAsync(b => b["leadAgencyId"] = "kent-police");
        using var council = host.App.Client(TestUser.Partner("medway-council"));
        Assert.Equal(HttpStatusCode.Forbidden, (await council.PostAsJsonAsync($"{Actions}/{id}/updates", Update)).StatusCode);
    }

    [Fact]
    public async Task Partner_of_the_lead_agency_in_another_partnership_cannot_update_or_read()
    {
        var id = await host.CreateActionAsync(b => b["leadAgencyId"] = "kent-police");
        using var outsider = host.App.Client(TestUser.Partner("kent-police", partnership: "other"));
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsJsonAsync($"{Actions}/{id}/updates", Update)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"{Actions}/{id}")).StatusCode);
    }

    [Fact]
    public async Task Partner_cannot_cancel_an_action_but_the_manager_can()
    {
        var id = await host.CreateActionAsync(b => b["leadAgencyId"] = "kent-police");
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        Assert.Equal(HttpStatusCode.Forbidden, (await police.PostAsJsonAsync($"{Actions}/{id}/updates", new { status = "cancelled", commentary = "No longer needed." })).StatusCode);
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{Actions}/{id}/updates", new { status = "cancelled", commentary = "Superseded by the Task Force plan." })).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_creates_actions()
    {
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync(Actions, ActionPlanHost.ActionBody())).StatusCode);
        foreach (var user in new[] { TestUser.Board(), TestUser.Partner("kent-police"), TestUser.Manager("other") })
        {
            using var client = host.App.Client(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync(Actions, ActionPlanHost.ActionBody())).StatusCode);
        }
    }

    [Fact]
    public async Task Board_reads_but_cannot_update()
    {
        var id = await host.CreateActionAsync();
        using var board = host.App.Client(TestUser.Board());
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync($"{Actions}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync($"{Actions}/summary")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.PostAsJsonAsync($"{Actions}/{id}/updates", Update)).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_opens_an_update_round()
    {
        var body = new { period = "2026-Q4", deadline = "2027-01-15" };
        using var board = host.App.Client(TestUser.Board());
        Assert.Equal(HttpStatusCode.Forbidden, (await board.PostAsJsonAsync($"/api/partnerships/{ActionPlanHost.Partnership}/update-rounds", body)).StatusCode);
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"/api/partnerships/{ActionPlanHost.Partnership}/update-rounds", body)).StatusCode);
    }

    [Fact]
    public async Task Only_an_admin_sets_up_a_partnership()
    {
        var body = new { name = "Swale CSP", agencies = new[] { new { id = "swale-council", name = "Swale Borough Council", responsibleAuthority = true } } };
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PutAsJsonAsync("/api/partnerships/swale", body)).StatusCode);
        using var admin = host.App.Client(TestUser.Admin);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/api/partnerships/swale", body)).StatusCode);
    }

    [Fact]
    public async Task Callers_see_only_the_partnerships_they_belong_to()
    {
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var list = await police.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>("/api/partnerships");
        Assert.Equal(["medway"], list!.Select(p => (string)p!["id"]!).ToArray());
    }
}
