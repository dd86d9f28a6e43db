using System.Text.Json.Nodes;
using Csp.ActionPlan;
using Csp.TestSupport;
using Microsoft.Extensions.Configuration;

namespace Csp.Risk.Tests.Hosting;

/// <summary>
/// This test project references the risk AND the action-plan service, so its output folder holds ONE appsettings.json
/// (both are copied there; the action plan's is the one left). Each host a test starts must still read its own service's
/// file (RunningApp swaps it in: <see cref="OwnSettingsFile"/>), as it does when deployed. Both hosts are started here, so
/// whichever file the output folder holds, one of them would read the other's without the swap.
/// </summary>
public sealed class OwnSettingsFileTests
{
    private static JsonNode SourceFile(params string[] path) => JsonNode.Parse(RepoPaths.ReadText(path))!;

    [Fact]
    public async Task A_risk_host_reads_the_risk_services_own_appsettings_and_not_the_action_plans()
    {
        var riskFile = SourceFile("services", "Risk", "Csp.Risk", "appsettings.json");
        var settings = TestRedis.ServiceSettings(RedisServer.Instance.TakeDatabase());
        settings["Risk:ActionPlanGrpc"] = $"http://127.0.0.1:{FreePort.Next()}"; // nothing listens: not needed here
        await using var risk = await RunningApp.StartAsync(RiskApp.Build, settings);

        var configuration = risk.App.Configuration;
        // Values only the risk service's file has (not set by the test, not in the action plan's file).
        Assert.Equal((string)riskFile["Risk"]!["Reviews"]!["ScanInterval"]!, configuration["Risk:Reviews:ScanInterval"]);
        Assert.Equal((string)riskFile["Risk"]!["ActionPlanDeadline"]!, configuration["Risk:ActionPlanDeadline"]);
        // Nothing of the action plan's file (its own section; its gRPC callers are the tests' own, TestAuth's, so not checked).
        Assert.False(configuration.GetSection("ActionPlan").Exists());
    }

    [Fact]
    public async Task An_action_plan_host_in_the_same_test_project_reads_the_action_plans_own_appsettings()
    {
        var actionPlanFile = SourceFile("services", "ActionPlan", "Csp.ActionPlan", "appsettings.json");
        await using var actionPlan = await RunningApp.StartAsync(ActionPlanApp.Build, TestRedis.ServiceSettings(RedisServer.Instance.TakeDatabase()));

        var configuration = actionPlan.App.Configuration;
        Assert.Equal((string)actionPlanFile["ActionPlan"]!["Overdue"]!["ScanInterval"]!, configuration["ActionPlan:Overdue:ScanInterval"]);
        Assert.False(configuration.GetSection("Risk").Exists());
    }

    [Fact]
    public void The_settings_file_is_chosen_by_the_service_whose_Build_is_running()
    {
        // Outside any service's Build (here: a test method) there is nothing to swap in.
        Assert.Null(OwnSettingsFile.ProjectOfCaller());
    }
}
