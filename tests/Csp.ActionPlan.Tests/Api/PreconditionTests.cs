using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>If-Match as RFC 9110 13.1.1 reads it, and slugs that end where they seem to.</summary>
public class PreconditionTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Plans = $"/api/partnerships/{ActionPlanHost.Partnership}/plans";

    private static object PlanBody(string title = "Plan") => new
    {
        title, startYear = 2025, endYear = 2028,
        priorities = new[] { new { id = "safeguarding", title = "Safeguarding", areasOfFocus = Array.Empty<object>() } },
    };

    private static HttpRequestMessage Put(string path, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Theory]
    [InlineData("*")]
    [InlineData("\"1\"")]
    public async Task If_Match_on_a_plan_that_does_not_exist_yet_is_412_and_creates_nothing(string ifMatch)
    {
        using var manager = host.App.Client(TestUser.Manager());
        var planId = $"absent-{(ifMatch == "*" ? "star" : "one")}";

        var response = await manager.SendAsync(Put($"{Plans}/{planId}", PlanBody(), ifMatch));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.False(await host.Redis.KeyExistsAsync($"actionplan:{{medway}}:plan:{planId}"));
    }

    [Fact]
    public async Task If_Match_on_a_partnership_that_does_not_exist_yet_is_412()
    {
        using var admin = host.App.Client(TestUser.Admin);
        var body = new { name = "Dartford CSP", agencies = new[] { new { id = "dartford-council", name = "Dartford Council", responsibleAuthority = true } } };

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await admin.SendAsync(Put("/api/partnerships/dartford", body, "*"))).StatusCode);
        Assert.False(await host.Redis.KeyExistsAsync("actionplan:{dartford}:partnership"));
    }

    [Theory]
    [InlineData("*", HttpStatusCode.OK)]                 // any current representation
    [InlineData("\"9\", \"1\"", HttpStatusCode.OK)]      // a list matches if any tag matches
    [InlineData("\"9\",\"8\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("W/\"1\"", HttpStatusCode.PreconditionFailed)] // strong comparison: a weak tag never matches
    [InlineData("W/\"1\", \"7\"", HttpStatusCode.PreconditionFailed)]
    [InlineData("not-an-etag", HttpStatusCode.PreconditionFailed)]
    public async Task If_Match_on_an_existing_plan_follows_RFC_9110(string ifMatch, HttpStatusCode expected)
    {
        using var manager = host.App.Client(TestUser.Manager());
        var planId = $"plan-{Guid.NewGuid():N}"[..20];
        (await manager.SendAsync(Put($"{Plans}/{planId}", PlanBody(), null))).EnsureSuccessStatusCode();

        var response = await manager.SendAsync(Put($"{Plans}/{planId}", PlanBody("Renamed"), ifMatch));

        Assert.Equal(expected, response.StatusCode);
        var stored = await manager.GetFromJsonAsync<JsonObject>($"{Plans}/{planId}");
        Assert.Equal(expected == HttpStatusCode.OK ? "Renamed" : "Plan", (string?)stored!["title"]);
    }

    [Fact]
    public async Task A_slug_with_a_trailing_newline_is_refused()
    {
        using var admin = host.App.Client(TestUser.Admin);
        var body = new { name = "Newline CSP", agencies = new[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } } };

        var response = await admin.PutAsJsonAsync("/api/partnerships/medway%0A", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["partnershipId"]);
        Assert.False(await host.Redis.KeyExistsAsync("actionplan:{medway\n}:partnership"));
        Assert.False(Csp.BuildingBlocks.Validation.Slug.IsValid("medway\n"));
    }

    [Fact]
    public async Task A_partnership_listed_before_its_first_write_committed_is_not_shown()
    {
        // The list of partnerships is written before a partnership's first transaction (another Redis Cluster slot);
        // if that transaction never commits, the member has no document and is skipped.
        await host.Redis.SetAddAsync("actionplan:partnerships", "ghost");
        using var admin = host.App.Client(TestUser.Admin);

        var listed = await admin.GetFromJsonAsync<JsonArray>("/api/partnerships");

        Assert.DoesNotContain(listed!, p => (string?)p!["id"] == "ghost");
        Assert.Contains(listed!, p => (string?)p!["id"] == "medway");
    }
}

/// <summary>
/// An action's plan and lead agency are part of its save condition: a change to either between the command's reads and
/// its commit (made here by a hook on the real store, at exactly that moment, through the real API) refuses the save.
/// </summary>
public class ActionReferenceTests : IAsyncLifetime
{
    // Its own partnership id: the business gauges are process-wide, and another host's "medway" would replace this one's.
    private readonly ChangeBeforeCommit _hook = new();
    private RunningApp _app = null!;
    private int _database;

    private sealed class ChangeBeforeCommit : IBeforeCommit
    {
        public Func<Task>? Once;

        public async Task BeforeCommitAsync(string key)
        {
            if (!key.Contains(":action:", StringComparison.Ordinal) || Interlocked.Exchange(ref Once, null) is not { } change) return;
            await change();
        }
    }

    public async Task InitializeAsync()
    {
        _database = RedisServer.Instance.TakeDatabase();
        var settings = TestRedis.ServiceSettings(_database);
        settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        _app = await RunningApp.StartAsync((args, configure) => ActionPlanApp.Build(args, b =>
        {
            configure(b);
            b.Services.AddSingleton<IBeforeCommit>(_hook);
        }), settings);
        using var admin = _app.Client(TestUser.Admin);
        (await admin.PutAsJsonAsync("/api/partnerships/refcheck", Partnership("kent-police", "medway-council"))).EnsureSuccessStatusCode();
        using var manager = _app.Client(TestUser.Manager("refcheck"));
        (await manager.PutAsJsonAsync("/api/partnerships/refcheck/plans/csp-2020-2024", Plan("cuckooing"))).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static object Partnership(params string[] agencies) =>
        new { name = "Medway CSP", agencies = agencies.Select(a => new { id = a, name = a, responsibleAuthority = true }).ToArray() };

    private static object Plan(params string[] areas) => new
    {
        title = "Plan", startYear = 2020, endYear = 2024,
        priorities = new[] { new { id = "safeguarding", title = "Safeguarding", areasOfFocus = areas.Select(a => new { id = a, title = a }).ToArray() } },
    };

    private async Task<HttpResponseMessage> PutWithCurrentETagAsync(HttpClient client, string path, object body)
    {
        var etag = (await client.GetAsync(path)).Headers.ETag!;
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(etag);
        return await client.SendAsync(request);
    }

    private Task<long> StoredActionsAsync() => RedisServer.Instance.Connection.GetDatabase(_database).SortedSetLengthAsync("actionplan:{refcheck}:actions");

    [Fact]
    public async Task The_lead_agency_removed_before_the_commit_refuses_the_new_action()
    {
        using var manager = _app.Client(TestUser.Manager("refcheck"));
        using var admin = _app.Client(TestUser.Admin);
        var before = await StoredActionsAsync();
        _hook.Once = async () => (await PutWithCurrentETagAsync(admin, "/api/partnerships/refcheck", Partnership("medway-council"))).EnsureSuccessStatusCode();

        var response = await manager.PostAsJsonAsync("/api/partnerships/refcheck/actions", ActionPlanHost.ActionBody(b => b["supportingAgencyIds"] = new JsonArray()));

        Assert.Null(_hook.Once); // the change was made between the reads and the commit
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(before, await StoredActionsAsync());
    }

    [Fact]
    public async Task The_plan_changed_before_the_commit_refuses_the_revision()
    {
        using var manager = _app.Client(TestUser.Manager("refcheck"));
        var created = await manager.PostAsJsonAsync("/api/partnerships/refcheck/actions", ActionPlanHost.ActionBody(b => b["supportingAgencyIds"] = new JsonArray()));
        created.EnsureSuccessStatusCode();
        var path = created.Headers.Location!.OriginalString;
        // The plan changes (it gains an area of focus) between the revision's reads and its commit. (It cannot lose the area
        // the action names: that is refused while an action refers to it, PlanRemovalTests.)
        _hook.Once = async () => (await PutWithCurrentETagAsync(manager, "/api/partnerships/refcheck/plans/csp-2020-2024", Plan("cuckooing", "county-lines"))).EnsureSuccessStatusCode();

        var revised = await PutWithCurrentETagAsync(manager, path,
            ActionPlanHost.ActionBody(b => { b["supportingAgencyIds"] = new JsonArray(); b["title"] = "Revised while the plan changed"; }));

        Assert.Null(_hook.Once);
        Assert.Equal(HttpStatusCode.PreconditionFailed, revised.StatusCode);
        Assert.NotEqual("Revised while the plan changed", (string?)(await manager.GetFromJsonAsync<JsonObject>(path))!["title"]);
    }
}
