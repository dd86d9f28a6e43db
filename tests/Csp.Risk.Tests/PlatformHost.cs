using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.Risk.Tests;

/// <summary>
/// The action-plan and risk services both running in-process on real Kestrel against the same fresh Redis database and
/// the same Redis Streams bus; the risk service asks the action-plan service's real gRPC port about actions.
/// </summary>
public sealed class PlatformHost : IAsyncLifetime
{
    public const string Partnership = "medway";
    public const string Risks = $"/api/partnerships/{Partnership}/risks";
    public const string Actions = $"/api/partnerships/{Partnership}/actions";
    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Risk { get; private set; } = null!;
    public int Database { get; private set; }
    public IDatabase Redis => RedisServer.Instance.Connection.GetDatabase(Database);

    public async Task InitializeAsync()
    {
        Database = RedisServer.Instance.TakeDatabase();
        var actionSettings = TestRedis.ServiceSettings(Database);
        actionSettings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, actionSettings);
        Risk = await RunningApp.StartAsync(RiskApp.Build, RiskHost.RiskSettings(Database, ActionPlan.GrpcAddress));

        using var admin = ActionPlan.Client(TestUser.Admin);
        (await admin.PutAsJsonAsync($"/api/partnerships/{Partnership}", new
        {
            name = "Medway Community Safety Partnership",
            agencies = new object[]
            {
                new { id = "medway-council", name = "Medway Council", responsibleAuthority = true },
                new { id = "kent-police", name = "Kent Police", responsibleAuthority = true },
                new { id = "kent-fire-rescue", name = "Kent Fire and Rescue Service", responsibleAuthority = true },
            },
        })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/partnerships/other", new
        {
            name = "Another CSP", agencies = new object[] { new { id = "kent-police", name = "Kent Police", responsibleAuthority = true }, new { id = "medway-council", name = "Medway Council", responsibleAuthority = true } },
        })).EnsureSuccessStatusCode();
        using var manager = ActionPlan.Client(TestUser.Manager());
        (await manager.PutAsJsonAsync($"/api/partnerships/{Partnership}/plans/csp-2020-2024", new
        {
            title = "Community Safety Plan 2020-2024", startYear = 2020, endYear = 2024,
            priorities = new object[] { new { id = "safeguarding", title = "Safeguarding Adults and Children", areasOfFocus = new object[] { new { id = "medway-task-force", title = "Medway Task Force" } } } },
        })).EnsureSuccessStatusCode();
        using var otherManager = ActionPlan.Client(TestUser.Manager("other"));
        (await otherManager.PutAsJsonAsync("/api/partnerships/other/plans/other-plan", new
        {
            title = "Other plan", startYear = 2024, endYear = 2027,
            priorities = new object[] { new { id = "asb", title = "Anti-social behaviour", areasOfFocus = Array.Empty<object>() } },
        })).EnsureSuccessStatusCode();
        // The partnerships reach the risk service as partnership.changed events over the bus.
        await RiskHost.WaitForKnownPartnershipAsync(Redis, Partnership, 1);
        await RiskHost.WaitForKnownPartnershipAsync(Redis, "other", 1);
    }

    public async Task DisposeAsync()
    {
        await Risk.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }

    /// <summary>Creates an action led by Kent Police in the action plan; returns its id.</summary>
    public async Task<long> CreateActionAsync(string partnership = Partnership, string planId = "csp-2020-2024", string priorityId = "safeguarding")
    {
        using var manager = ActionPlan.Client(TestUser.Manager(partnership));
        var response = await manager.PostAsJsonAsync($"/api/partnerships/{partnership}/actions", new
        {
            planId, priorityId, title = "Engagement of strategic partners within the governance arrangements", strand = "prepare",
            leadAgencyId = "kent-police", owner = "Task Force lead officer", startDate = "2026-01-01", dueDate = "2027-03-31",
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }

    public async Task<long> CreateRiskAsync()
    {
        using var manager = Risk.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync(Risks, RiskHost.RiskBody(b => { b["title"] = "Competing demands on agency staff within the Task Force"; b["register"] = "medway-task-force"; }));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
    }

    public Task<string> StoredRiskAsync(long id) => Redis.HashGetAsync($"risk:{{{Partnership}}}:risk:{id}", "data").ContinueWith(t => (string)t.Result!);

    public async Task<long> StoredRiskVersionAsync(long id) => (long)await Redis.HashGetAsync($"risk:{{{Partnership}}}:risk:{id}", "version");
}
