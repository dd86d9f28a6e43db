using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.Risk.Tests.CrossService;

/// <summary>
/// The action-plan and risk services together: links checked over real gRPC, completions flowing over the real Redis
/// Streams bus from the action plan's outbox to the risk service's handler.
/// </summary>
public class MitigationTests(PlatformHost host) : IClassFixture<PlatformHost>
{
    private const string Risks = PlatformHost.Risks;

    private async Task<HttpResponseMessage> LinkAsync(long riskId, long actionId)
    {
        using var manager = host.Risk.Client(TestUser.Manager());
        return await manager.PostAsJsonAsync($"{Risks}/{riskId}/mitigations", new { actionId });
    }

    private async Task<JsonObject> RiskAsync(long id)
    {
        using var board = host.Risk.Client(TestUser.Board());
        return (await board.GetFromJsonAsync<JsonObject>($"{Risks}/{id}"))!;
    }

    private async Task CompleteAsync(long actionId)
    {
        using var police = host.ActionPlan.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"{PlatformHost.Actions}/{actionId}/updates", new { status = "completed", commentary = "Strategic partners engaged through the Governance Board." }))
            .EnsureSuccessStatusCode();
    }

    private Task<JsonObject> WaitForAsync(long riskId, Func<JsonObject, bool> condition, string what) =>
        Eventually.ValueAsync(() => RiskAsync(riskId), condition, what);

    [Fact]
    public async Task A_mitigation_linked_to_a_real_action_is_stored_with_the_actions_title()
    {
        var actionId = await host.CreateActionAsync();
        var riskId = await host.CreateRiskAsync();
        var response = await LinkAsync(riskId, actionId);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var mitigation = Assert.Single((await response.Content.ReadFromJsonAsync<JsonObject>())!["mitigations"]!.AsArray())!;
        Assert.Equal(actionId, (long)mitigation["actionId"]!);
        Assert.Equal("Engagement of strategic partners within the governance arrangements", (string?)mitigation["title"]);
        Assert.False((bool)mitigation["done"]!);
        Assert.Contains((RedisValue)riskId, await host.Redis.SetMembersAsync($"risk:{{{PlatformHost.Partnership}}}:action-risks:{actionId}"));

        Assert.Equal(HttpStatusCode.Conflict, (await LinkAsync(riskId, actionId)).StatusCode); // linked once only
    }

    [Fact]
    public async Task A_mitigation_to_a_missing_action_is_400_naming_actionId_and_stores_nothing()
    {
        var riskId = await host.CreateRiskAsync();
        var before = await host.StoredRiskAsync(riskId);
        var response = await LinkAsync(riskId, 987_654);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["actionId"]);
        Assert.Equal(before, await host.StoredRiskAsync(riskId));
    }

    [Fact]
    public async Task A_mitigation_to_another_partnerships_action_is_refused()
    {
        await host.CreateActionAsync();
        var medwayAction = await host.CreateActionAsync(); // id 2 or more in medway
        await host.CreateActionAsync("other", "other-plan", "asb");
        var otherActions = (await host.Redis.SortedSetRangeByRankAsync("actionplan:{other}:actions")).Select(v => (long)v).ToList();
        Assert.DoesNotContain(medwayAction, otherActions);

        using var otherManager = host.Risk.Client(TestUser.Manager("other"));
        var created = await otherManager.PostAsJsonAsync("/api/partnerships/other/risks", RiskHost.RiskBody());
        var riskId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
        var response = await otherManager.PostAsJsonAsync($"/api/partnerships/other/risks/{riskId}/mitigations", new { actionId = medwayAction });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["actionId"]);
        Assert.False(await host.Redis.KeyExistsAsync($"risk:{{other}}:action-risks:{medwayAction}"));
    }

    [Fact]
    public async Task Completing_the_action_marks_the_mitigation_done_and_prompts_the_owner_to_review()
    {
        var actionId = await host.CreateActionAsync();
        var riskId = await host.CreateRiskAsync();
        (await LinkAsync(riskId, actionId)).EnsureSuccessStatusCode();
        Assert.Null((await RiskAsync(riskId))["reviewPrompt"]);

        await CompleteAsync(actionId);

        var risk = await WaitForAsync(riskId, r => (bool)r["mitigations"]![0]!["done"]!, "the mitigation shows done");
        Assert.True((bool)risk["mitigationsComplete"]!);
        Assert.Equal("mitigations complete: review the rating", (string?)risk["reviewPrompt"]);

        using var council = host.Risk.Client(TestUser.Partner("medway-council"));
        (await council.PostAsJsonAsync($"{Risks}/{riskId}/assessments", new { current = "E3", rationale = "Governance Board engaged; likelihood down." })).EnsureSuccessStatusCode();
        Assert.Null((await RiskAsync(riskId))["reviewPrompt"]);
    }

    [Fact]
    public async Task Delivering_the_same_completion_twice_changes_nothing()
    {
        var actionId = await host.CreateActionAsync();
        var riskId = await host.CreateRiskAsync();
        (await LinkAsync(riskId, actionId)).EnsureSuccessStatusCode();
        await CompleteAsync(actionId);
        await WaitForAsync(riskId, r => (bool)r["mitigations"]![0]!["done"]!, "the mitigation shows done");
        var state = await host.StoredRiskAsync(riskId);
        var version = await host.StoredRiskVersionAsync(riskId);

        // The same envelope again (same event id), as an at-least-once bus may deliver it...
        var stream = await host.Redis.StreamRangeAsync($"events:{ActionCompleted.Topic}");
        var original = stream.Select(e => (string)e["event"]!).Single(json => CloudEventEnvelope.FromJson(json).Data.GetProperty("actionId").GetInt64() == actionId
            && CloudEventEnvelope.FromJson(json).Partnership == PlatformHost.Partnership);
        await host.Redis.StreamAddAsync($"events:{ActionCompleted.Topic}", "event", original);
        // ...and a fresh envelope with a new id for the same completion, which only the handler's own idempotency stops.
        var copy = CloudEventEnvelope.FromJson(original) with { Id = Guid.NewGuid().ToString("n") };
        await host.Redis.StreamAddAsync($"events:{ActionCompleted.Topic}", "event", copy.ToJson());

        await Drained.ConsumerGroupAsync(host.Redis, ActionCompleted.Topic, RiskApp.ServiceName); // both handled (or skipped)
        Assert.Equal(state, await host.StoredRiskAsync(riskId));
        Assert.Equal(version, await host.StoredRiskVersionAsync(riskId));
    }

    [Fact]
    public async Task With_the_action_plan_service_stopped_a_link_is_503_and_nothing_is_stored()
    {
        // A second risk service pointed at an action-plan service that has been started and then stopped.
        var database = host.Database;
        var stoppedActionPlan = await RunningApp.StartAsync(Csp.ActionPlan.ActionPlanApp.Build, new Dictionary<string, string?>(TestRedis.Configuration(database))
        {
            ["Auth:Audience"] = TestAuth.Audience, ["Auth:DevIssuer:Enabled"] = "true", ["Auth:DevIssuer:Issuer"] = TestAuth.Issuer, ["Auth:DevIssuer:SigningKey"] = TestAuth.SigningKey,
            ["ActionPlan:Overdue:ScanInterval"] = "01:00:00",
        });
        var address = stoppedActionPlan.GrpcAddress;
        await stoppedActionPlan.DisposeAsync();
        await using var risk = await RunningApp.StartAsync(RiskApp.Build, RiskHost.RiskSettings(database, address));

        var actionId = await host.CreateActionAsync();
        var riskId = await host.CreateRiskAsync();
        var before = await host.StoredRiskAsync(riskId);
        using var manager = risk.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync($"{Risks}/{riskId}/mitigations", new { actionId });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(before, await host.StoredRiskAsync(riskId));
        Assert.False(await host.Redis.KeyExistsAsync($"risk:{{{PlatformHost.Partnership}}}:action-risks:{actionId}"));
    }

    [Fact]
    public async Task An_agency_added_to_the_partnership_in_the_action_plan_can_own_risks_within_seconds()
    {
        using var manager = host.Risk.Client(TestUser.Manager());
        var ownedByProbation = RiskHost.RiskBody(b => b["owningAgencyId"] = "probation-kss");
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostAsJsonAsync(Risks, ownedByProbation)).StatusCode);

        using var admin = host.ActionPlan.Client(TestUser.Admin);
        var current = await admin.GetAsync($"/api/partnerships/{PlatformHost.Partnership}");
        var partnership = (await current.Content.ReadFromJsonAsync<JsonObject>())!;
        var agencies = partnership["agencies"]!.AsArray();
        agencies.Add(new JsonObject { ["id"] = "probation-kss", ["name"] = "Probation Service", ["responsibleAuthority"] = true });
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/partnerships/{PlatformHost.Partnership}")
        {
            Content = JsonContent.Create(new JsonObject { ["name"] = (string?)partnership["name"], ["agencies"] = agencies.DeepClone() }),
        };
        put.Headers.IfMatch.Add(current.Headers.ETag!);
        (await admin.SendAsync(put)).EnsureSuccessStatusCode();

        await RiskHost.WaitForKnownPartnershipAsync(host.Redis, PlatformHost.Partnership, 2);
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync(Risks, RiskHost.RiskBody(b => b["owningAgencyId"] = "probation-kss"))).StatusCode);
    }

    [Fact]
    public async Task An_action_completed_event_that_overtakes_the_link_still_leaves_the_mitigation_done()
    {
        // The race: the link's gRPC check saw the action open, and its action.completed reached the risk service before
        // the link was stored. Reproduced by delivering the completion first while the action plan still says "not started".
        var actionId = await host.CreateActionAsync();
        var riskId = await host.CreateRiskAsync();
        var completed = new ActionCompleted(PlatformHost.Partnership, actionId, "safeguarding", "kent-police", "partner.kent-police", DateTimeOffset.UtcNow);
        var envelope = CloudEventEnvelope.Create(completed, "/csp/actionplan", PlatformHost.Partnership, null, DateTimeOffset.UtcNow);
        await host.Redis.StreamAddAsync($"events:{ActionCompleted.Topic}", "event", envelope.ToJson());
        await Eventually.TrueAsync(() => host.Redis.HashExistsAsync($"risk:{{{PlatformHost.Partnership}}}:completed-actions", actionId),
            "the risk service has recorded the completion");

        var link = await LinkAsync(riskId, actionId);

        Assert.Equal(HttpStatusCode.Created, link.StatusCode);
        var mitigation = (await RiskAsync(riskId))["mitigations"]!.AsArray().Single(m => (long)m!["actionId"]! == actionId)!;
        Assert.True((bool)mitigation["done"]!);
    }
}
