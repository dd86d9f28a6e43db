using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.Risk.Commands;
using Csp.Risk.Domain;
using Csp.Risk.Tests.Domain;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.Risk.Tests.Api;

public class RisksApiTests(RiskHost host) : IClassFixture<RiskHost>
{
    private const string Risks = RiskHost.Risks;

    [Fact]
    public async Task Manager_adds_a_risk_and_the_board_reads_it_in_the_councils_notation_with_an_ETag()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var created = await manager.PostAsJsonAsync(Risks, RiskHost.RiskBody());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
        Assert.Equal($"{Risks}/{id}", created.Headers.Location?.ToString());

        using var board = host.App.Client(TestUser.Board());
        var response = await board.GetAsync($"{Risks}/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var risk = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Legislation", (string?)risk["title"]);
        Assert.Equal("csp", (string?)risk["register"]);
        Assert.Equal("D3", (string?)risk["current"]!["rating"]);
        Assert.Equal("green", (string?)risk["current"]!["band"]);
        Assert.Equal("C2", (string?)risk["inherent"]!["rating"]);
        Assert.Equal("E3", (string?)risk["target"]!["rating"]);
        Assert.Equal("treat", (string?)risk["treatment"]);
        Assert.Equal("quarterly", (string?)risk["reviewFrequency"]);
        Assert.Equal("open", (string?)risk["status"]);
        Assert.False((bool)risk["aboveTolerance"]!);
        Assert.Null(risk["directionOfTravel"]);
        Assert.Null(risk["reviewPrompt"]);
    }

    [Fact]
    public async Task Reassessments_are_kept_as_history_with_who_when_why_and_a_direction_of_travel()
    {
        var id = await host.CreateRiskAsync(b => b["current"] = "C2");
        using var council = host.App.Client(TestUser.Partner("medway-council"));
        var first = await council.PostAsJsonAsync($"{Risks}/{id}/assessments", new { current = "D2", rationale = "Horizon scanning log started." });
        var second = await council.PostAsJsonAsync($"{Risks}/{id}/assessments", new { current = "D3", rationale = "Guidance published; little change for the CSP." });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("improving", (string?)(await second.Content.ReadFromJsonAsync<JsonObject>())!["directionOfTravel"]);

        using var board = host.App.Client(TestUser.Board());
        var history = (await board.GetFromJsonAsync<JsonObject>($"{Risks}/{id}/assessments"))!;
        Assert.Equal("improving", (string?)history["directionOfTravel"]);
        var assessments = history["assessments"]!.AsArray();
        Assert.Equal(["C2", "D2", "D3"], assessments.Select(a => (string)a!["current"]!["rating"]!).ToArray());
        Assert.Equal("partner.medway-council", (string?)assessments[2]!["by"]);
        Assert.Equal("Guidance published; little change for the CSP.", (string?)assessments[2]!["rationale"]);
        Assert.Equal("C2", (string?)assessments[2]!["inherent"]!["rating"]); // carried forward

        var worse = await council.PostAsJsonAsync($"{Risks}/{id}/assessments", new { current = "B2", rationale = "Bill announced in the King's Speech." });
        var view = (await worse.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("worsening", (string?)view["directionOfTravel"]);
        Assert.True((bool)view["aboveTolerance"]!);
    }

    [Fact]
    public async Task The_heat_map_counts_open_risks_per_cell_beside_the_previous_quarters_position()
    {
        const string p = "heat";
        await host.AnnouncePartnershipAsync(p, 1, "medway-council", "kent-police");
        var clock = host.App.Services.GetRequiredService<TimeProvider>();
        var longAgo = clock.GetUtcNow().AddDays(-200);
        using (var scope = host.App.Services.CreateScope())
        {
            var commands = scope.ServiceProvider.GetRequiredService<RiskCommands>();
            var partnership = await scope.ServiceProvider.GetRequiredService<IPartnershipLookup<KnownPartnership>>().FindAsync(p);
            var caller = Caller.With("mgr.heat", "Pat", "medway-council", $"{p}:manager");
            var manager = new Member<KnownPartnership>(caller, p, partnership!);
            RiskDraft Draft(string title, string current) => new("csp", title, null, null, null, null, null, "medway-council", "CSM", null, null,
                Treatment.Treat, ReviewFrequency.Quarterly, null, null, current, null, "initial");
            var buyIn = (await commands.CreateAsync(manager, Draft("Decreased agency buy-in", "C2"), at: longAgo)).Value!.Value.Id;
            await commands.ReassessAsync(manager, buyIn, new AssessmentDraft(null, "E2", null, "Agencies re-engaged.", null), null);
            await commands.CreateAsync(manager, Draft("A wide range of CSP objectives", "E2"), at: longAgo);
            await commands.CreateAsync(manager, Draft("Police and Crime Commissioner plans", "D3"));
        }

        using var board = host.App.Client(TestUser.Board(p));
        var map = (await board.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/risks/heat-map"))!;
        var cells = map["cells"]!.AsArray().ToDictionary(c => (string)c!["rating"]!, c => ((int)c!["count"]!, (int)c["previousCount"]!));
        Assert.Equal(24, cells.Count);
        Assert.Equal((2, 1), cells["E2"]);
        Assert.Equal((0, 1), cells["C2"]);
        Assert.Equal((1, 0), cells["D3"]);
        Assert.Equal(3, (int)map["total"]!);
        Assert.Equal(2, (int)map["previousTotal"]!);
        var moves = map["movements"]!.AsArray().ToDictionary(m => (string)m!["title"]!);
        Assert.Equal("improving", (string?)moves["Decreased agency buy-in"]!["direction"]);
        Assert.Equal("stable", (string?)moves["A wide range of CSP objectives"]!["direction"]);
        Assert.Null(moves["Police and Crime Commissioner plans"]!["previousRating"]);
        Assert.Matches(@"^\d{4}-Q[1-4]$", (string?)map["previousQuarter"]);
    }

    [Fact]
    public async Task Revising_with_a_stale_ETag_is_412_and_the_stored_risk_is_unchanged()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var etag = (await manager.GetAsync($"{Risks}/{id}")).Headers.ETag!;
        using var council = host.App.Client(TestUser.Partner("medway-council"));
        (await council.PostAsJsonAsync($"{Risks}/{id}/assessments", new { current = "D3", rationale = "No change." })).EnsureSuccessStatusCode();
        var before = await host.StoredRiskAsync(id);
        var audit = await host.AuditLengthAsync();

        var revise = new HttpRequestMessage(HttpMethod.Put, $"{Risks}/{id}") { Content = JsonContent.Create(Details(b => b["title"] = "Renamed")) };
        revise.Headers.IfMatch.Add(etag);
        var response = await manager.SendAsync(revise);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await host.StoredRiskAsync(id));
        Assert.Equal(audit, await host.AuditLengthAsync());
    }

    [Fact]
    public async Task Revising_with_the_current_ETag_succeeds_and_without_one_is_428()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await manager.PutAsJsonAsync($"{Risks}/{id}", Details(b => b["title"] = "Renamed"))).StatusCode);
        var revise = new HttpRequestMessage(HttpMethod.Put, $"{Risks}/{id}") { Content = JsonContent.Create(Details(b => b["title"] = "Legislation and guidance")) };
        revise.Headers.IfMatch.Add((await manager.GetAsync($"{Risks}/{id}")).Headers.ETag!);
        var response = await manager.SendAsync(revise);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal("Legislation and guidance", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
    }

    [Fact]
    public async Task A_reassessment_with_a_stale_If_Match_is_412_and_not_recorded()
    {
        var id = await host.CreateRiskAsync();
        using var council = host.App.Client(TestUser.Partner("medway-council"));
        var stale = new HttpRequestMessage(HttpMethod.Post, $"{Risks}/{id}/assessments") { Content = JsonContent.Create(new { current = "A1", rationale = "late" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await council.SendAsync(stale)).StatusCode);
        Assert.Single((await council.GetFromJsonAsync<JsonObject>($"{Risks}/{id}/assessments"))!["assessments"]!.AsArray());
    }

    [Fact]
    public async Task A_partnership_loads_a_5x5_matrix_and_rates_in_its_notation_without_code_changes()
    {
        const string p = "kent";
        await host.AnnouncePartnershipAsync(p, 1, "medway-council", "kent-police");
        using var manager = host.App.Client(TestUser.Manager(p));
        var before = (await manager.GetFromJsonAsync<JsonObject>($"/api/partnerships/{p}/risk-matrix"))!;
        Assert.True((bool)before["isDefault"]!);

        var put = await manager.PutAsJsonAsync($"/api/partnerships/{p}/risk-matrix", Matrices.FiveByFive(), ApiJson.Options);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("\"1\"", put.Headers.ETag?.Tag);

        var created = await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", RiskHost.RiskBody(b => { b["inherent"] = "5x4"; b["current"] = "4x3"; b["target"] = "2x3"; }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var risk = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("4x3", (string?)risk["current"]!["rating"]);
        Assert.Equal("amber", (string?)risk["current"]!["band"]);
        Assert.Equal(12, (int)risk["current"]!["score"]!);

        var councilNotation = await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", RiskHost.RiskBody());
        Assert.Equal(HttpStatusCode.BadRequest, councilNotation.StatusCode);
        Assert.NotNull((await councilNotation.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["current"]);

        // Changing it again needs the ETag; a stale one is refused.
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await manager.PutAsJsonAsync($"/api/partnerships/{p}/risk-matrix", Matrices.FiveByFive(), ApiJson.Options)).StatusCode);
        var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{p}/risk-matrix") { Content = JsonContent.Create(Matrices.FiveByFive(), options: ApiJson.Options) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"9\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await manager.SendAsync(stale)).StatusCode);
    }

    [Fact]
    public async Task Manager_closes_a_risk_which_then_takes_no_assessments_and_leaves_the_open_list()
    {
        var id = await host.CreateRiskAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var closed = await manager.PostAsJsonAsync($"{Risks}/{id}/close", new { reason = "Legislation enacted; risk realised and managed." });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("closed", (string?)(await closed.Content.ReadFromJsonAsync<JsonObject>())!["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync($"{Risks}/{id}/assessments", new { current = "D3", rationale = "x" })).StatusCode);
        var open = (await manager.GetFromJsonAsync<JsonObject>(Risks))!["items"]!.AsArray();
        Assert.DoesNotContain(open, r => (long)r!["id"]! == id);
        var all = (await manager.GetFromJsonAsync<JsonObject>($"{Risks}?status=all"))!["items"]!.AsArray();
        Assert.Contains(all, r => (long)r!["id"]! == id);
    }

    [Fact]
    public async Task The_register_filters_by_sub_register_and_band()
    {
        var taskForce = await host.CreateRiskAsync(b => { b["register"] = "medway-task-force"; b["title"] = "Too many objectives across a wide geographical area"; });
        var red = await host.CreateRiskAsync(b => b["current"] = "A1");
        using var board = host.App.Client(TestUser.Board());
        var tf = (await board.GetFromJsonAsync<JsonObject>($"{Risks}?register=medway-task-force"))!["items"]!.AsArray();
        Assert.Contains(tf, r => (long)r!["id"]! == taskForce);
        Assert.All(tf, r => Assert.Equal("medway-task-force", (string?)r!["register"]));
        var reds = (await board.GetFromJsonAsync<JsonObject>($"{Risks}?band=red"))!["items"]!.AsArray();
        Assert.Contains(reds, r => (long)r!["id"]! == red);
        Assert.DoesNotContain(reds, r => (long)r!["id"]! == taskForce);
        Assert.Equal(HttpStatusCode.BadRequest, (await board.GetAsync($"{Risks}?band=purple")).StatusCode);
    }

    [Fact]
    public async Task Business_gauges_show_risks_by_band_above_tolerance_and_reviews_overdue()
    {
        const string p = "gauges"; // a partnership only this test uses: other hosts in the process report their own
        await host.AnnouncePartnershipAsync(p, 1, "medway-council", "kent-police");
        using var manager = host.App.Client(TestUser.Manager(p));
        (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", RiskHost.RiskBody(b => b["current"] = "A2"))).EnsureSuccessStatusCode();
        (await manager.PostAsJsonAsync($"/api/partnerships/{p}/risks", RiskHost.RiskBody(b => { b["current"] = "E4"; b["nextReviewDate"] = "2020-01-01"; }))).EnsureSuccessStatusCode();
        using var anonymous = host.App.Client();
        using var prometheus = host.App.Management();
        var metrics = await prometheus.GetStringAsync("/metrics");
        Assert.Contains("csp_risks{partnership=\"gauges\",band=\"red\"} 1", metrics);
        Assert.Contains("csp_risks{partnership=\"gauges\",band=\"green\"} 1", metrics);
        Assert.Contains("csp_risks{partnership=\"gauges\",band=\"amber\"} 0", metrics);
        Assert.Contains("csp_risks_above_tolerance{partnership=\"gauges\"} 1", metrics);
        Assert.Contains("csp_risk_reviews_overdue{partnership=\"gauges\"} 1", metrics);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_risk_and_matrix_endpoints()
    {
        using var anonymous = host.App.Client();
        var doc = (await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/partnerships/{partnershipId}/risks", paths);
        Assert.Contains("/api/partnerships/{partnershipId}/risks/heat-map", paths);
        Assert.Contains("/api/partnerships/{partnershipId}/risks/{riskId}/assessments", paths);
        Assert.Contains("/api/partnerships/{partnershipId}/risks/{riskId}/mitigations", paths);
        Assert.Contains("/api/partnerships/{partnershipId}/risk-matrix", paths);
    }

    private static JsonObject Details(Action<JsonObject>? change = null)
    {
        var body = RiskHost.RiskBody(change);
        foreach (var rating in new[] { "inherent", "current", "target", "rationale" }) body.Remove(rating);
        return body;
    }
}
