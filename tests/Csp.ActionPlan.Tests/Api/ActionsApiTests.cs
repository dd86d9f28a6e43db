using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

public class ActionsApiTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Actions = $"/api/partnerships/{ActionPlanHost.Partnership}/actions";

    [Fact]
    public async Task Manager_creates_an_action_and_members_read_it_with_RAG_and_ETag()
    {
        var id = await host.CreateActionAsync();
        using var board = host.App.Client(TestUser.Board());
        var response = await board.GetAsync($"{Actions}/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        var action = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("Cuckooing safeguarding visits to vulnerable tenants", (string?)action!["title"]);
        Assert.Equal("protect", (string?)action["strand"]);
        Assert.Equal("not-started", (string?)action["status"]);
        Assert.Equal("amber", (string?)action["rag"]); // started in January, no progress reported
        Assert.False((bool)action["overdue"]!);
    }

    [Fact]
    public async Task Lead_partner_posts_updates_that_are_kept_as_dated_history()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var first = await police.PostAsJsonAsync($"{Actions}/{id}/updates", new { status = "on-track", progressPercent = 30, commentary = "Twelve visits made." });
        var second = await police.PostAsJsonAsync($"{Actions}/{id}/updates", new { status = "at-risk", progressPercent = 35, commentary = "Staff redeployed to Task Force." });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var updates = await police.GetFromJsonAsync<JsonArray>($"{Actions}/{id}/updates");
        Assert.Equal(2, updates!.Count);
        Assert.Equal("on-track", (string?)updates[0]!["status"]);
        Assert.Equal("at-risk", (string?)updates[1]!["status"]);
        Assert.Equal("partner.kent-police", (string?)updates[1]!["by"]);
        var action = await police.GetFromJsonAsync<JsonObject>($"{Actions}/{id}");
        Assert.Equal("amber", (string?)action!["rag"]);
        Assert.Equal(35, (int)action["progressPercent"]!);
    }

    [Fact]
    public async Task Revising_with_a_stale_ETag_is_412_and_the_stored_action_is_unchanged()
    {
        var id = await host.CreateActionAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var read = await manager.GetAsync($"{Actions}/{id}");
        var etag = read.Headers.ETag!;

        // Someone else's change lands first.
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"{Actions}/{id}/updates", new { status = "on-track", commentary = "Started." })).EnsureSuccessStatusCode();
        var before = await manager.GetStringAsync($"{Actions}/{id}");
        var auditBefore = await host.AuditLengthAsync();

        var revise = new HttpRequestMessage(HttpMethod.Put, $"{Actions}/{id}") { Content = JsonContent.Create(ActionPlanHost.ActionBody(b => b["title"] = "Renamed")) };
        revise.Headers.IfMatch.Add(etag);
        var response = await manager.SendAsync(revise);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await manager.GetStringAsync($"{Actions}/{id}"));
        Assert.Equal(auditBefore, await host.AuditLengthAsync());
    }

    [Fact]
    public async Task Revising_with_the_current_ETag_succeeds_and_without_one_is_428()
    {
        var id = await host.CreateActionAsync();
        using var manager = host.App.Client(TestUser.Manager());
        var noEtag = await manager.PutAsJsonAsync($"{Actions}/{id}", ActionPlanHost.ActionBody(b => b["title"] = "Renamed"));
        Assert.Equal(HttpStatusCode.PreconditionRequired, noEtag.StatusCode);

        var read = await manager.GetAsync($"{Actions}/{id}");
        var revise = new HttpRequestMessage(HttpMethod.Put, $"{Actions}/{id}") { Content = JsonContent.Create(ActionPlanHost.ActionBody(b => b["title"] = "Renamed")) };
        revise.Headers.IfMatch.Add(read.Headers.ETag!);
        var response = await manager.SendAsync(revise);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        Assert.Equal("Renamed", (string?)(await manager.GetFromJsonAsync<JsonObject>($"{Actions}/{id}"))!["title"]);
    }

    [Fact]
    public async Task An_update_with_a_stale_If_Match_is_refused_and_not_recorded()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var stale = new HttpRequestMessage(HttpMethod.Post, $"{Actions}/{id}/updates") { Content = JsonContent.Create(new { commentary = "late" }) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await police.SendAsync(stale)).StatusCode);
        Assert.Empty((await police.GetFromJsonAsync<JsonArray>($"{Actions}/{id}/updates"))!);
    }

    [Fact]
    public async Task Actions_filter_by_priority_strand_agency_status_and_overdue_and_page()
    {
        var pursue = await host.CreateActionAsync(b => { b["strand"] = "pursue"; b["priorityId"] = "reducing-reoffending"; b["areaOfFocusId"] = "iom"; b["leadAgencyId"] = "probation-kss"; });
        var overdue = await host.CreateActionAsync(b => { b["strand"] = "prepare"; b["startDate"] = "2024-01-01"; b["dueDate"] = "2025-01-31"; b["milestones"] = new JsonArray(); });
        using var board = host.App.Client(TestUser.Board());

        async Task<long[]> Ids(string query) => (await board.GetFromJsonAsync<JsonObject>($"{Actions}?{query}&pageSize=200"))!["items"]!.AsArray().Select(i => (long)i!["id"]!).ToArray();

        Assert.Contains(pursue, await Ids("strand=pursue"));
        Assert.DoesNotContain(overdue, await Ids("strand=pursue"));
        Assert.Contains(pursue, await Ids("priority=reducing-reoffending"));
        Assert.Contains(pursue, await Ids("agency=probation-kss"));
        Assert.DoesNotContain(pursue, await Ids("agency=kent-fire-rescue"));
        Assert.Contains(overdue, await Ids("overdue=true"));
        Assert.DoesNotContain(pursue, await Ids("overdue=true"));
        Assert.Contains(pursue, await Ids("status=not-started"));
        Assert.DoesNotContain(pursue, await Ids("status=completed"));

        var page = await board.GetFromJsonAsync<JsonObject>($"{Actions}?page=1&pageSize=1");
        Assert.Single(page!["items"]!.AsArray());
        Assert.True((int)page["total"]! >= 2);
    }

    [Theory]
    [InlineData("strand=prevention", "strand")]
    [InlineData("status=done", "status")]
    [InlineData("overdue=maybe", "overdue")]
    [InlineData("pageSize=1000", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=-5", "pageSize")]
    public async Task Bad_filters_are_400_naming_the_parameter(string query, string field)
    {
        using var board = host.App.Client(TestUser.Board());
        var response = await board.GetAsync($"{Actions}?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]![field]);
    }

    [Fact]
    public async Task Summary_counts_by_priority_strand_and_status()
    {
        await host.CreateActionAsync(b => b["strand"] = "prevent");
        using var board = host.App.Client(TestUser.Board());
        var summary = await board.GetFromJsonAsync<JsonObject>($"{Actions}/summary");
        var cells = summary!["counts"]!.AsArray();
        Assert.Contains(cells, c => (string?)c!["priorityId"] == "safeguarding" && (string?)c["strand"] == "prevent" && (string?)c["status"] == "not-started" && (int)c["count"]! >= 1);
        Assert.Equal(await host.StoredActionCountAsync(), (long)(int)summary["total"]!);
    }

    [Fact]
    public async Task Every_write_is_audited_with_who_before_and_after()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"{Actions}/{id}/updates", new { status = "on-track", commentary = "Started." })).EnsureSuccessStatusCode();
        using var manager = host.App.Client(TestUser.Manager());
        var audit = await manager.GetFromJsonAsync<JsonArray>($"{Actions}/{id}/audit");
        Assert.Equal(2, audit!.Count);
        var update = audit.First(e => (string?)e!["action"] == "action.updated")!;
        Assert.Equal("partner.kent-police", (string?)update["actor"]);
        Assert.Contains("not-started", (string?)update["before"]);
        Assert.Contains("on-track", (string?)update["after"]);
        Assert.Equal(HttpStatusCode.Forbidden, (await police.GetAsync($"{Actions}/{id}/audit")).StatusCode);
    }

    [Fact]
    public async Task Health_and_metrics_are_served()
    {
        await host.CreateActionAsync();
        using var anonymous = host.App.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz/ready")).StatusCode);
        using var prometheus = host.App.Management();
        var metrics = await prometheus.GetStringAsync("/metrics");
        Assert.Contains("csp_actions{partnership=\"medway\",priority=\"safeguarding\",strand=\"protect\",status=\"not-started\"}", metrics);
        Assert.Contains("csp_actions_overdue{partnership=\"medway\"", metrics);
        Assert.Contains("http_requests_received_total", metrics);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_actions_api()
    {
        using var anonymous = host.App.Client();
        var doc = await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        Assert.NotNull(doc!["paths"]!["/api/partnerships/{partnershipId}/actions"]);
        Assert.NotNull(doc["paths"]!["/api/partnerships/{partnershipId}/actions/{actionId}/updates"]);
    }
}
