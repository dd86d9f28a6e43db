using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>Setting up partnerships and plans: created with 201, changed only with the current ETag; members read them.</summary>
public class PartnershipsApiTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private static object Swale(string name = "Swale CSP") =>
        new { name, agencies = new[] { new { id = "swale-council", name = "Swale Borough Council", responsibleAuthority = true } } };

    private static HttpRequestMessage Put(string path, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.IfMatch.Add(new EntityTagHeaderValue(ifMatch));
        return request;
    }

    [Fact]
    public async Task A_partnership_is_created_once_and_then_changed_only_with_its_current_ETag()
    {
        using var admin = host.App.Client(TestUser.Admin);
        var created = await admin.SendAsync(Put("/api/partnerships/swale", Swale(), null));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await admin.SendAsync(Put("/api/partnerships/swale", Swale("Renamed"), null))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.SendAsync(Put("/api/partnerships/swale", Swale("Renamed"), "\"7\""))).StatusCode);
        var changed = await admin.SendAsync(Put("/api/partnerships/swale", Swale("Swale Community Safety Partnership"), "\"1\""));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"2\"", changed.Headers.ETag?.Tag);

        await Drained.OutboxAsync(host.Redis, ActionPlanApp.ServiceName);
        var published = (await host.Redis.StreamRangeAsync($"events:{PartnershipChanged.Topic}"))
            .Select(e => CloudEventEnvelope.FromJson((string)e["event"]!).GetData<PartnershipChanged>())
            .Where(e => e.PartnershipId == "swale").ToList();
        Assert.Equal([1L, 2L], published.Select(e => e.Version).ToArray());
        Assert.Equal("Swale Community Safety Partnership", published[1].Name);
    }

    [Fact]
    public async Task A_partnership_id_must_be_a_slug()
    {
        using var admin = host.App.Client(TestUser.Admin);
        var response = await admin.SendAsync(Put("/api/partnerships/Not_A_Slug", Swale(), null));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["partnershipId"]);
    }

    [Fact]
    public async Task Members_read_their_partnership_with_its_ETag_and_others_cannot()
    {
        using var board = host.App.Client(TestUser.Board());
        var response = await board.GetAsync($"/api/partnerships/{ActionPlanHost.Partnership}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        Assert.Equal(4, (await response.Content.ReadFromJsonAsync<JsonObject>())!["agencies"]!.AsArray().Count);

        using var outsider = host.App.Client(TestUser.Board("other"));
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/partnerships/{ActionPlanHost.Partnership}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await board.GetAsync("/api/partnerships/atlantis")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await board.GetAsync("/api/partnerships/NOT%20A%20SLUG")).StatusCode);
    }

    [Fact]
    public async Task A_plan_is_changed_only_with_its_current_ETag_and_only_by_the_manager()
    {
        var path = $"/api/partnerships/{ActionPlanHost.Partnership}/plans/csp-2025-2028";
        var plan = new { title = "Community Safety Plan 2025-2028", startYear = 2025, endYear = 2028, priorities = new[] { new { id = "safeguarding", title = "Safeguarding" } } };
        using var manager = host.App.Client(TestUser.Manager());
        using var board = host.App.Client(TestUser.Board());
        Assert.Equal(HttpStatusCode.Forbidden, (await board.SendAsync(Put(path, plan, null))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await manager.SendAsync(Put(path, plan, null))).StatusCode);

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await manager.SendAsync(Put(path, plan, null))).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await manager.SendAsync(Put(path, plan, "\"5\""))).StatusCode);
        var changed = await manager.SendAsync(Put(path, plan, "\"1\""));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"2\"", changed.Headers.ETag?.Tag);
        Assert.Equal("\"2\"", (await board.GetAsync(path)).Headers.ETag?.Tag);
    }
}
