using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>Retries are safe: a write sent again with the same Idempotency-Key returns the first response and stores nothing more.</summary>
public class IdempotencyTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Actions = $"/api/partnerships/{ActionPlanHost.Partnership}/actions";

    private static HttpRequestMessage Post(string path, JsonNode body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private async Task<long> ActionsTitledAsync(string title)
    {
        using var manager = host.App.Client(TestUser.Manager());
        var page = await manager.GetFromJsonAsync<JsonObject>($"{Actions}?pageSize=200");
        return page!["items"]!.AsArray().Count(a => (string?)a!["title"] == title);
    }

    [Fact]
    public async Task The_same_key_and_body_twice_creates_one_action_and_answers_the_same_both_times()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var body = ActionPlanHost.ActionBody(b => b["title"] = "Retried action");

        var first = await manager.SendAsync(Post(Actions, body, "create-retried-action-1"));
        var again = await manager.SendAsync(Post(Actions, body, "create-retried-action-1"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await ActionsTitledAsync("Retried action"));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_stores_nothing()
    {
        using var manager = host.App.Client(TestUser.Manager());
        (await manager.SendAsync(Post(Actions, ActionPlanHost.ActionBody(b => b["title"] = "Keyed once"), "reused-key"))).EnsureSuccessStatusCode();
        var count = await host.StoredActionCountAsync();

        var other = await manager.SendAsync(Post(Actions, ActionPlanHost.ActionBody(b => b["title"] = "Keyed twice"), "reused-key"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", (string?)(await other.Content.ReadFromJsonAsync<JsonObject>())!["title"]);
        Assert.Equal(count, await host.StoredActionCountAsync());
        Assert.Equal(0, await ActionsTitledAsync("Keyed twice"));
    }

    [Fact]
    public async Task Without_a_key_the_same_request_twice_creates_two_actions()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var body = ActionPlanHost.ActionBody(b => b["title"] = "Sent twice without a key");

        (await manager.SendAsync(Post(Actions, body, null))).EnsureSuccessStatusCode();
        (await manager.SendAsync(Post(Actions, body, null))).EnsureSuccessStatusCode();

        Assert.Equal(2, await ActionsTitledAsync("Sent twice without a key"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("tab\tinside")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789x")] // 101
    public async Task A_malformed_key_is_400_naming_the_header_and_stores_nothing(string key)
    {
        using var manager = host.App.Client(TestUser.Manager());
        var count = await host.StoredActionCountAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, Actions) { Content = JsonContent.Create(ActionPlanHost.ActionBody()) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        var response = await manager.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(problem!["errors"]!["Idempotency-Key"]);
        Assert.Equal(count, await host.StoredActionCountAsync());
    }

    [Fact]
    public async Task Keys_belong_to_one_caller_so_another_callers_same_key_is_a_new_request()
    {
        using var one = host.App.Client(TestUser.Manager());
        using var other = host.App.Client(new TestUser("mgr.other", "Another Manager", ["medway:manager"], "medway-council"));

        (await one.SendAsync(Post(Actions, ActionPlanHost.ActionBody(b => b["title"] = "Mine"), "shared-key"))).EnsureSuccessStatusCode();
        var theirs = await other.SendAsync(Post(Actions, ActionPlanHost.ActionBody(b => b["title"] = "Theirs"), "shared-key"));

        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.Equal(1, await ActionsTitledAsync("Theirs"));
    }

    [Fact]
    public async Task An_update_retried_with_its_key_is_recorded_once()
    {
        var id = await host.CreateActionAsync();
        using var police = host.App.Client(TestUser.Partner("kent-police"));
        var update = JsonNode.Parse("""{"status":"on-track","progressPercent":10,"commentary":"First visits made."}""")!;

        var first = await police.SendAsync(Post($"{Actions}/{id}/updates", update, "update-1"));
        var again = await police.SendAsync(Post($"{Actions}/{id}/updates", update, "update-1"));

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Single((await police.GetFromJsonAsync<JsonArray>($"{Actions}/{id}/updates"))!);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_store_one_action_and_all_get_its_response()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var body = ActionPlanHost.ActionBody(b => b["title"] = "Raced with one key");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => manager.SendAsync(Post(Actions, body, "raced-key"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        Assert.Single(responses.Select(r => r.Headers.Location).Distinct());
        Assert.Equal(1, await ActionsTitledAsync("Raced with one key"));
    }
}

/// <summary>
/// The lost reply: Redis commits the write, but its reply is held back past the service's time-out (a real proxy on the
/// wire, real Redis), so the caller gets 503 "outcome unknown". The retry with the same key finds the committed write and
/// returns its response: exactly one action, the same id.
/// </summary>
public class LostReplyTests
{
    // Its own partnership id: the business gauges are process-wide, and another host's "medway" would replace this one's.
    [Fact]
    public async Task A_commit_whose_reply_times_out_then_a_retry_with_the_same_key_leaves_exactly_one_action()
    {
        await using var hold = new RedisReplyHold(RedisServer.Instance.Port);
        var database = RedisServer.Instance.TakeDatabase();
        var settings = TestRedis.ServiceSettings(database);
        settings["Redis:Configuration"] = $"127.0.0.1:{hold.Port},asyncTimeout=1000,syncTimeout=1000";
        settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        await using var app = await RunningApp.StartAsync(ActionPlanApp.Build, settings);
        using (var admin = app.Client(TestUser.Admin))
            (await admin.PutAsJsonAsync("/api/partnerships/lostreply", new { name = "Medway CSP", agencies = new[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } } }))
                .EnsureSuccessStatusCode();
        using var manager = app.Client(TestUser.Manager("lostreply"));
        (await manager.PutAsJsonAsync("/api/partnerships/lostreply/plans/csp-2020-2024", new
        {
            title = "Plan", startYear = 2020, endYear = 2024,
            priorities = new[] { new { id = "safeguarding", title = "Safeguarding", areasOfFocus = new[] { new { id = "cuckooing", title = "Cuckooing" } } } },
        })).EnsureSuccessStatusCode();
        var body = ActionPlanHost.ActionBody(b => { b["title"] = "Committed but unacknowledged"; b["supportingAgencyIds"] = new JsonArray(); });

        hold.HoldRepliesAfter("Committed but unacknowledged"); // only the write's transaction carries the title
        var lost = await manager.SendAsync(Post(body, "lost-reply-key"));
        Assert.True(hold.Holding.Task.IsCompleted, "the write's transaction reached Redis");
        hold.Release();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        var problem = (await lost.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("unknown", (string?)problem["title"]);
        Assert.Contains("Idempotency-Key", (string?)problem["detail"]);
        var redis = RedisServer.Instance.Connection.GetDatabase(database);
        Assert.Equal(1, await redis.SortedSetLengthAsync("actionplan:{lostreply}:actions")); // it was saved after all

        var retry = await manager.SendAsync(Post(body, "lost-reply-key"));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var created = (await retry.Content.ReadFromJsonAsync<JsonObject>())!;
        var stored = await redis.SortedSetRangeByRankAsync("actionplan:{lostreply}:actions");
        Assert.Equal((long)Assert.Single(stored), (long)created["id"]!);
        Assert.Equal($"/api/partnerships/lostreply/actions/{created["id"]}", retry.Headers.Location?.OriginalString);
    }

    private static HttpRequestMessage Post(JsonNode body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/partnerships/lostreply/actions") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }
}
