using System.Net;
using System.Net.Http.Json;
using Csp.Risk.Tests.Domain;
using Csp.TestSupport;
using Csp.BuildingBlocks.Http;

namespace Csp.Risk.Tests.Api;

/// <summary>Each rule, both sides: the allowed caller succeeds and the others fail.</summary>
public class AuthorisationTests(RiskHost host) : IClassFixture<RiskHost>
{
    private const string Risks = RiskHost.Risks;
    private static readonly object Reassessment = new { current = "D3", rationale = "Reviewed at the quarterly meeting." };

    [Theory]
    [InlineData("GET", Risks)]
    [InlineData("POST", Risks)]
    [InlineData("GET", $"{Risks}/1")]
    [InlineData("POST", $"{Risks}/1/assessments")]
    [InlineData("GET", $"{Risks}/heat-map")]
    [InlineData("GET", $"/api/partnerships/{RiskHost.Partnership}/risk-matrix")]
    [InlineData("PUT", $"/api/partnerships/{RiskHost.Partnership}/risk-matrix")]
    public async Task Unauthenticated_callers_get_401(string method, string path)
    {
        using var anonymous = host.App.Client();
        var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Manager_in_one_partnership_and_board_in_another_manages_only_the_first_and_reads_both()
    {
        // One token: manager of medway, board member of other. A flat role set would let it manage both.
        using var priya = host.App.Client(TestUser.With("priya.shah", "medway-council", $"{RiskHost.Partnership}:manager", "other:board"));

        Assert.Equal(HttpStatusCode.Created, (await priya.PostAsJsonAsync(Risks, RiskHost.RiskBody())).StatusCode);
        var otherRisks = await host.Redis.SortedSetLengthAsync("risk:{other}:risks");
        var inOther = await priya.PostAsJsonAsync("/api/partnerships/other/risks", RiskHost.RiskBody());
        Assert.Equal(HttpStatusCode.Forbidden, inOther.StatusCode);
        Assert.Equal(otherRisks, await host.Redis.SortedSetLengthAsync("risk:{other}:risks"));
        Assert.Equal(HttpStatusCode.OK, (await priya.GetAsync("/api/partnerships/other/risks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await priya.GetAsync(Risks)).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_creates_risks()
    {
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync(Risks, RiskHost.RiskBody())).StatusCode);
        var count = await host.StoredRiskCountAsync();
        foreach (var user in new[] { TestUser.Board(), TestUser.Partner("medway-council"), TestUser.Manager("other") })
        {
            using var client = host.App.Client(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync(Risks, RiskHost.RiskBody())).StatusCode);
        }
        Assert.Equal(count, await host.StoredRiskCountAsync());
    }

    [Fact]
    public async Task Partner_of_the_owning_agency_reassesses_its_risk()
    {
        var id = await host.CreateRiskAsync(b => b["owningAgencyId"] = "kent-police");
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        Assert.Equal(HttpStatusCode.Created, (await police.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment)).StatusCode);
    }

    [Fact]
    public async Task Partner_of_another_agency_cannot_reassess_and_nothing_is_recorded()
    {
        var id = await host.CreateRiskAsync(b => b["owningAgencyId"] = "kent-police");
        var before = await host.StoredRiskAsync(id);
        using var fire = host.App.Client(TestUser.Partner("kent-fire-rescue"));
        var response = await fire.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await host.StoredRiskAsync(id));
    }

    [Fact]
    public async Task Partner_of_the_owning_agency_in_another_partnership_cannot_reassess_or_read()
    {
        var id = await host.CreateRiskAsync(b => b["owningAgencyId"] = "kent-police");
        using var outsider = host.App.Client(TestUser.Partner("kent-police", partnership: "other"));
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"{Risks}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"{Risks}/heat-map")).StatusCode);
    }

    [Fact]
    public async Task Manager_reassesses_any_risk_of_the_partnership()
    {
        var id = await host.CreateRiskAsync(b => b["owningAgencyId"] = "kent-police");
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment)).StatusCode);
    }

    [Fact]
    public async Task Board_reads_the_register_heat_map_and_history_but_cannot_change_anything()
    {
        var id = await host.CreateRiskAsync();
        using var board = host.App.Client(TestUser.Board());
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync($"{Risks}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync(Risks)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync($"{Risks}/heat-map")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync($"{Risks}/{id}/assessments")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.PostAsJsonAsync($"{Risks}/{id}/assessments", Reassessment)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.PostAsJsonAsync($"{Risks}/{id}/close", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.PostAsJsonAsync($"{Risks}/{id}/mitigations", new { actionId = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await board.GetAsync($"{Risks}/{id}/audit")).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_closes_a_risk()
    {
        var id = await host.CreateRiskAsync();
        using var council = host.App.Client(TestUser.Partner("medway-council"));
        Assert.Equal(HttpStatusCode.Forbidden, (await council.PostAsJsonAsync($"{Risks}/{id}/close", new { reason = "Done." })).StatusCode);
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.OK, (await manager.PostAsJsonAsync($"{Risks}/{id}/close", new { reason = "Done." })).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_edits_the_matrix()
    {
        const string p = "matrix-auth";
        await host.AnnouncePartnershipAsync(p, 1, "medway-council");
        foreach (var user in new[] { TestUser.Board(p), TestUser.Partner("medway-council", p), TestUser.Manager() })
        {
            using var client = host.App.Client(user);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsJsonAsync($"/api/partnerships/{p}/risk-matrix", Matrices.FiveByFive(), ApiJson.Options)).StatusCode);
        }
        using var manager = host.App.Client(TestUser.Manager(p));
        Assert.True((bool)(await manager.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/partnerships/{p}/risk-matrix"))!["isDefault"]!);
        Assert.Equal(HttpStatusCode.OK, (await manager.PutAsJsonAsync($"/api/partnerships/{p}/risk-matrix", Matrices.FiveByFive(), ApiJson.Options)).StatusCode);
    }

    [Fact]
    public async Task Manager_reads_the_audit_trail_of_a_risk()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var audit = (await manager.GetFromJsonAsync<System.Text.Json.Nodes.JsonArray>($"{Risks}/{id}/audit"))!;
        Assert.Contains(audit, e => (string?)e!["action"] == "risk.created" && (string?)e["actor"] == "mgr.medway");
    }
}
