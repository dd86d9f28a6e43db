using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Funding.Tests.CrossService;

/// <summary>
/// The action plan's events reach the funding projects over the real bus: an off-track action flags its project, and a
/// project whose actions have all completed shows "delivered: ready to close".
/// </summary>
public class ActionProgressTests(FundingHost host) : IClassFixture<FundingHost>
{
    private async Task<JsonObject> ProjectAsync(string path) => (await host.GetAsync(path))["projects"]!.AsArray().Single(p => (int)p!["id"]! == 2)!.AsObject();

    [Fact]
    public async Task An_off_track_action_flags_its_project_and_completing_every_action_makes_it_ready_to_close()
    {
        var path = await host.ConfirmedWithProjectAsync("crg-progress");
        var first = await host.CreateActionAsync(FundingHost.Partnership, "Run joint cuckooing safeguarding visits");
        var second = await host.CreateActionAsync(FundingHost.Partnership, "Deliver Safe and Well visits");
        using var manager = host.App.Client(TestUser.Manager());
        (await manager.PostAsJsonAsync($"{path}/projects", new { title = "Cuckooing visits", leadAgencyId = "kent-police", amount = "1000.00", actionIds = new[] { first, second } }))
            .EnsureSuccessStatusCode();
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        (await finance.PostAsJsonAsync($"{path}/projects/2/decision", new { approve = true })).EnsureSuccessStatusCode();

        using var police = host.ActionPlan.Client(TestUser.Partner("kent-police"));
        (await police.PostAsJsonAsync($"/api/partnerships/medway/actions/{second}/updates", new { status = "off-track", commentary = "Referrals stopped." })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (bool)(await ProjectAsync(path))["flagged"]!, "the project is flagged");

        (await police.PostAsJsonAsync($"/api/partnerships/medway/actions/{first}/updates", new { status = "completed", commentary = "All visits done." })).EnsureSuccessStatusCode();
        (await police.PostAsJsonAsync($"/api/partnerships/medway/actions/{second}/updates", new { status = "completed", commentary = "Caught up." })).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (string?)(await ProjectAsync(path))["delivery"] == "delivered: ready to close", "the project is ready to close");
        var project = await ProjectAsync(path);
        Assert.False((bool)project["flagged"]!);
        Assert.True((bool)project["readyToClose"]!);
        // The other project's action is untouched.
        Assert.Null((await host.GetAsync(path))["projects"]![0]!["delivery"]);
    }
}
