using System.Net;
using System.Net.Http.Json;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Api;

/// <summary>A project cannot be linked to actions while the action-plan service is down: 503, nothing stored.</summary>
public class ActionPlanDownTests(FundingHost host) : IClassFixture<FundingHost>
{
    [Fact]
    public async Task With_the_action_plan_down_a_project_is_refused_with_503_and_nothing_is_stored()
    {
        var path = await host.ConfirmedWithProjectAsync("crg-down");
        var before = await host.StoredAllocationAsync(FundingHost.Partnership, "crg-down");
        // A funding service whose action-plan address has nothing listening, against the same data.
        await using var cutOff = await RunningApp.StartAsync(FundingApp.Build, FundingHost.Settings(host.Database, new Uri($"http://127.0.0.1:{FreePort.Next()}")));
        using var manager = cutOff.Client(TestUser.Manager());
        var response = await manager.PostAsJsonAsync($"{path}/projects", host.ProjectBody());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await host.StoredAllocationAsync(FundingHost.Partnership, "crg-down"));
        // A project with no actions needs no call.
        Assert.Equal(HttpStatusCode.Created, (await manager.PostAsJsonAsync($"{path}/projects", new { title = "Training", leadAgencyId = "medway-council", amount = "100.00" })).StatusCode);
    }
}
