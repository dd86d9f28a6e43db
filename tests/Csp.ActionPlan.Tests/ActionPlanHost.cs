using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.ActionPlan.Tests;

/// <summary>
/// The action-plan service on real Kestrel against a fresh database of the real test Redis, with the Medway partnership
/// and a small plan set up through the API. One per test class (xunit class fixture).
/// </summary>
public sealed class ActionPlanHost : IAsyncLifetime
{
    public const string Partnership = "medway";
    public const string PlanId = "csp-2020-2024";
    public RunningApp App { get; private set; } = null!;
    public int Database { get; private set; }
    public IDatabase Redis => RedisServer.Instance.Connection.GetDatabase(Database);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task InitializeAsync()
    {
        Database = RedisServer.Instance.TakeDatabase();
        var settings = TestRedis.ServiceSettings(Database);
        settings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        App = await RunningApp.StartAsync(ActionPlanApp.Build, settings);

        using var admin = App.Client(TestUser.Admin);
        (await admin.PutAsJsonAsync($"/api/partnerships/{Partnership}", new
        {
            name = "Medway Community Safety Partnership",
            agencies = new object[]
            {
                new { id = "medway-council", name = "Medway Council", responsibleAuthority = true },
                new { id = "kent-police", name = "Kent Police", responsibleAuthority = true },
                new { id = "kent-fire-rescue", name = "Kent Fire and Rescue Service", responsibleAuthority = true },
                new { id = "probation-kss", name = "Probation Service", responsibleAuthority = true },
            },
        })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/api/partnerships/other", new
        {
            name = "Another CSP", agencies = new object[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } },
        })).EnsureSuccessStatusCode();

        using var manager = App.Client(TestUser.Manager());
        (await manager.PutAsJsonAsync($"/api/partnerships/{Partnership}/plans/{PlanId}", new
        {
            title = "Community Safety Plan 2020-2024", startYear = 2020, endYear = 2024,
            priorities = new object[]
            {
                new { id = "safeguarding", title = "Safeguarding Adults and Children", areasOfFocus = new object[] { new { id = "cuckooing", title = "Cuckooing" }, new { id = "medway-task-force", title = "Medway Task Force" } } },
                new { id = "reducing-vulnerability", title = "Reducing Vulnerability", areasOfFocus = new object[] { new { id = "domestic-abuse", title = "Domestic Abuse" } } },
                new { id = "reducing-reoffending", title = "Reducing Reoffending", areasOfFocus = new object[] { new { id = "iom", title = "Integrated Offender Management (IOM)" } } },
            },
        })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    /// <summary>A valid action body; override fields with <paramref name="change"/>.</summary>
    public static JsonObject ActionBody(Action<JsonObject>? change = null)
    {
        var body = new JsonObject
        {
            ["planId"] = PlanId,
            ["priorityId"] = "safeguarding",
            ["areaOfFocusId"] = "cuckooing",
            ["title"] = "Cuckooing safeguarding visits to vulnerable tenants",
            ["description"] = "Joint police and council visits to addresses flagged as at risk of cuckooing.",
            ["strand"] = "protect",
            ["leadAgencyId"] = "kent-police",
            ["supportingAgencyIds"] = new JsonArray("medway-council"),
            ["owner"] = "Detective Inspector, Medway CSU",
            ["startDate"] = "2026-01-01",
            ["dueDate"] = "2027-03-31",
            ["milestones"] = new JsonArray(new JsonObject { ["title"] = "Referral pathway agreed", ["dueDate"] = "2026-06-30" }),
        };
        change?.Invoke(body);
        return body;
    }

    /// <summary>Creates an action as the manager and returns its id.</summary>
    public async Task<long> CreateActionAsync(Action<JsonObject>? change = null)
    {
        using var manager = App.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync($"/api/partnerships/{Partnership}/actions", ActionBody(change));
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonObject>();
        return created!["id"]!.GetValue<long>();
    }

    public async Task<long> StoredActionCountAsync() => await Redis.SortedSetLengthAsync($"actionplan:{{{Partnership}}}:actions");

    public async Task<long> AuditLengthAsync() => await Redis.StreamLengthAsync($"actionplan:{{{Partnership}}}:audit");
}
