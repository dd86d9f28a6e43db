using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.Kpi.Tests.CrossService;

/// <summary>The action-plan and KPI services on real Kestrel, sharing one Redis database and the Redis Streams bus.</summary>
public sealed class ActionPlanAndKpiHost : IAsyncLifetime
{
    public const string Partnership = "medway";
    public RunningApp ActionPlan { get; private set; } = null!;
    public RunningApp Kpi { get; private set; } = null!;
    public int Database { get; private set; }
    public IDatabase Redis => RedisServer.Instance.Connection.GetDatabase(Database);

    public async Task InitializeAsync()
    {
        Database = RedisServer.Instance.TakeDatabase();
        var actionSettings = TestRedis.ServiceSettings(Database);
        actionSettings["ActionPlan:Overdue:ScanInterval"] = "01:00:00";
        ActionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, actionSettings);
        Kpi = await RunningApp.StartAsync(KpiApp.Build, KpiHost.KpiSettings(Database, ActionPlan.GrpcAddress));

        using var admin = ActionPlan.Client(TestUser.Admin);
        (await admin.PutAsJsonAsync($"/api/partnerships/{Partnership}", new
        {
            name = "Medway Community Safety Partnership",
            agencies = new object[] { new { id = "medway-council", name = "Medway Council", responsibleAuthority = true }, new { id = "kent-police", name = "Kent Police", responsibleAuthority = true } },
        })).EnsureSuccessStatusCode();
        using var manager = ActionPlan.Client(TestUser.Manager());
        (await manager.PutAsJsonAsync($"/api/partnerships/{Partnership}/plans/csp-2024-2027", new
        {
            title = "Community Safety Plan 2024-2027", startYear = 2024, endYear = 2027,
            priorities = new object[] { new { id = "asb", title = "Anti-social behaviour", areasOfFocus = Array.Empty<object>() } },
        })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await Kpi.DisposeAsync();
        await ActionPlan.DisposeAsync();
    }
}

public class ActionPlanDerivedKpiTests(ActionPlanAndKpiHost host) : IClassFixture<ActionPlanAndKpiHost>
{
    private const string P = ActionPlanAndKpiHost.Partnership;

    private async Task<decimal?> OnTrackAsync()
    {
        using var board = host.Kpi.Client(TestUser.Board());
        var response = await board.GetAsync($"/api/partnerships/{P}/kpis/actions-on-track-asb/measurements/{Csp.Kpi.Domain.Period.Containing(DateOnly.FromDateTime(DateTime.UtcNow), Csp.Kpi.Domain.Frequency.Quarterly)}");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonObject>())!["value"]!.GetValue<decimal>() : null;
    }

    [Fact]
    public async Task An_action_update_in_the_action_plan_changes_the_derived_KPI()
    {
        using var manager = host.ActionPlan.Client(TestUser.Manager());
        var created = await manager.PostAsJsonAsync($"/api/partnerships/{P}/actions", new
        {
            planId = "csp-2024-2027", priorityId = "asb", title = "Multi-agency ASB hotspot patrols", strand = "prevent",
            leadAgencyId = "kent-police", owner = "Community Safety Unit", startDate = "2026-01-01", dueDate = "2027-03-31",
        });
        created.EnsureSuccessStatusCode();
        var actionId = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<long>();
        await Eventually.TrueAsync(async () => await OnTrackAsync() == 0m, "the new action (not started) counts as not on track");

        using var police = host.ActionPlan.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"/api/partnerships/{P}/actions/{actionId}/updates", new { status = "on-track", commentary = "Patrols running in the town centre." }))
            .EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => await OnTrackAsync() == 100m, "the update puts the action on track");
    }
}
