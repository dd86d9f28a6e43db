using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.ActionPlan.Tests.Api;

/// <summary>Taking a priority or an area of focus out of a plan: refused (400, the field named) while an action refers to
/// it, whatever the action's status; allowed otherwise. Through the real API on real Redis.</summary>
public class PlanRemovalTests(ActionPlanHost host) : IClassFixture<ActionPlanHost>
{
    private const string Base = $"/api/partnerships/{ActionPlanHost.Partnership}";

    internal static object Plan(params (string Id, string[] Areas)[] priorities) => new
    {
        title = "Removal plan", startYear = 2031, endYear = 2034,
        priorities = priorities.Select(p => new { id = p.Id, title = "Priority " + p.Id, areasOfFocus = p.Areas.Select(a => new { id = a, title = "Area " + a }).ToArray() }).ToArray(),
    };

    internal static async Task<HttpResponseMessage> PutAsync(HttpClient client, string path, object body)
    {
        using var read = await client.GetAsync(path);
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) };
        if (read.Headers.ETag is { } etag) request.Headers.IfMatch.Add(etag);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_priority_or_area_of_focus_an_action_refers_to_is_not_taken_out_and_the_field_is_named()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var planId = "removal-" + Guid.NewGuid().ToString("N")[..8];
        var path = $"{Base}/plans/{planId}";
        (await PutAsync(manager, path, Plan(("violence", ["knife-crime", "nte"]), ("asb", [])))).EnsureSuccessStatusCode();
        var actionId = await host.CreateActionAsync(b => { b["planId"] = planId; b["priorityId"] = "violence"; b["areaOfFocusId"] = "knife-crime"; });
        var version = (await manager.GetAsync(path)).Headers.ETag!.Tag;

        var withoutPriority = await PutAsync(manager, path, Plan(("asb", [])));
        Assert.Equal(HttpStatusCode.BadRequest, withoutPriority.StatusCode);
        var problem = (await withoutPriority.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"cannot lose 'Priority violence' while an action refers to it (action {actionId}): move or remove it first", (string?)problem["errors"]!["priorities"]![0]);

        var withoutArea = await PutAsync(manager, path, Plan(("asb", []), ("violence", ["nte"])));
        Assert.Equal(HttpStatusCode.BadRequest, withoutArea.StatusCode);
        var areaProblem = (await withoutArea.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal($"cannot lose 'Area knife-crime' while an action refers to it (action {actionId}): move it first", (string?)areaProblem["errors"]!["priorities[1].areasOfFocus"]![0]);
        Assert.Equal(version, (await manager.GetAsync(path)).Headers.ETag!.Tag); // nothing stored

        // A cancelled action still refers to its priority (it reports under it).
        using (var cancel = new HttpRequestMessage(HttpMethod.Post, $"{Base}/actions/{actionId}/updates") { Content = JsonContent.Create(new { status = "cancelled", commentary = "No longer funded." }) })
        {
            cancel.Headers.TryAddWithoutValidation("If-Match", (await manager.GetAsync($"{Base}/actions/{actionId}")).Headers.ETag!.ToString());
            (await manager.SendAsync(cancel)).EnsureSuccessStatusCode();
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync(manager, path, Plan(("asb", [])))).StatusCode);

        // What no action refers to is taken out: the unused area and the unused priority.
        var allowed = await PutAsync(manager, path, Plan(("violence", ["knife-crime"])));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        var plan = (await manager.GetFromJsonAsync<JsonObject>(path))!;
        Assert.Equal(["violence"], plan["priorities"]!.AsArray().Select(p => (string)p!["id"]!).ToArray());
        Assert.Equal(["knife-crime"], plan["priorities"]![0]!["areasOfFocus"]!.AsArray().Select(a => (string)a!["id"]!).ToArray());
    }

    [Fact]
    public async Task Once_its_action_moves_to_another_priority_the_priority_is_taken_out_and_other_plans_actions_do_not_count()
    {
        using var manager = host.App.Client(TestUser.Manager());
        var planId = "removal-" + Guid.NewGuid().ToString("N")[..8];
        var path = $"{Base}/plans/{planId}";
        (await PutAsync(manager, path, Plan(("safeguarding", ["cuckooing"]), ("asb", [])))).EnsureSuccessStatusCode();
        // An action of the host's plan under a priority and area with the same ids does not hold this plan's.
        await host.CreateActionAsync();
        var actionId = await host.CreateActionAsync(b => { b["planId"] = planId; b["priorityId"] = "asb"; b["areaOfFocusId"] = null; });
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(manager, path, Plan(("asb", [])))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutAsync(manager, path, Plan(("other", [])))).StatusCode);

        (await PutAsync(manager, path, Plan(("asb", []), ("other", [])))).EnsureSuccessStatusCode();
        var moved = await PutAsync(manager, $"{Base}/actions/{actionId}", ActionPlanHost.ActionBody(b => { b["planId"] = planId; b["priorityId"] = "other"; b["areaOfFocusId"] = null; }));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(manager, path, Plan(("other", [])))).StatusCode);
    }

    [Fact]
    public async Task Only_the_manager_changes_the_plan()
    {
        using var manager = host.App.Client(TestUser.Manager());
        using var partner = host.App.Client(TestUser.Partner("kent-police"));
        var planId = "removal-" + Guid.NewGuid().ToString("N")[..8];
        var path = $"{Base}/plans/{planId}";
        (await PutAsync(manager, path, Plan(("violence", []), ("asb", [])))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(partner, path, Plan(("violence", [])))).StatusCode);
        Assert.Equal(2, (await manager.GetFromJsonAsync<JsonObject>(path))!["priorities"]!.AsArray().Count);
    }
}

/// <summary>An action defined under the plan between the removal's reads and its commit (a hook on the real store, through
/// the real API) makes the removal fail (412): the action is never left referring to what was taken out.</summary>
public class PlanRemovalRaceTests : IAsyncLifetime
{
    private readonly ChangeBeforeCommit _hook = new();
    private RunningApp _app = null!;

    private sealed class ChangeBeforeCommit : IBeforeCommit
    {
        public Func<Task>? Once;

        public async Task BeforeCommitAsync(string key)
        {
            if (!key.Contains(":plan:", StringComparison.Ordinal) || Interlocked.Exchange(ref Once, null) is not { } change) return;
            await change();
        }
    }

    public async Task InitializeAsync()
    {
        var settings = TestRedis.ServiceSettings(RedisServer.Instance.TakeDatabase());
        settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        _app = await RunningApp.StartAsync((args, configure) => ActionPlanApp.Build(args, b =>
        {
            configure(b);
            b.Services.AddSingleton<IBeforeCommit>(_hook);
        }), settings);
        using var admin = _app.Client(TestUser.Admin);
        (await admin.PutAsJsonAsync("/api/partnerships/racecheck", new
        {
            name = "Race CSP", agencies = new[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } },
        })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task An_action_added_under_the_area_while_it_is_taken_out_makes_the_removal_fail()
    {
        using var manager = _app.Client(TestUser.Manager("racecheck"));
        const string path = "/api/partnerships/racecheck/plans/race-plan";
        (await PlanRemovalTests.PutAsync(manager, path, PlanRemovalTests.Plan(("violence", ["knife-crime", "nte"])))).EnsureSuccessStatusCode();
        _hook.Once = async () => (await manager.PostAsJsonAsync("/api/partnerships/racecheck/actions", ActionPlanHost.ActionBody(b =>
        {
            b["planId"] = "race-plan"; b["priorityId"] = "violence"; b["areaOfFocusId"] = "nte"; b["supportingAgencyIds"] = new JsonArray();
        }))).EnsureSuccessStatusCode();

        var removal = await PlanRemovalTests.PutAsync(manager, path, PlanRemovalTests.Plan(("violence", ["knife-crime"])));

        Assert.Null(_hook.Once); // the action was added between the removal's reads and its commit
        Assert.Equal(HttpStatusCode.PreconditionFailed, removal.StatusCode);
        var plan = (await manager.GetFromJsonAsync<JsonObject>(path))!;
        Assert.Equal(["knife-crime", "nte"], plan["priorities"]![0]!["areasOfFocus"]!.AsArray().Select(a => (string)a!["id"]!).ToArray());
        // Sent again, the removal now sees the action and names the field.
        var again = await PlanRemovalTests.PutAsync(manager, path, PlanRemovalTests.Plan(("violence", ["knife-crime"])));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.NotNull((await again.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["priorities[0].areasOfFocus"]);
    }
}
