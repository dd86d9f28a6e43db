using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Api;

/// <summary>Bad input is a 4xx problem naming the field (or the rule), never a 500, and nothing is stored.</summary>
public class BadInputTests(FundingHost host) : IClassFixture<FundingHost>
{
    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    [Theory]
    [InlineData("\"39661.001\"")]
    [InlineData("39661.005")]
    public async Task A_fraction_of_a_penny_is_a_400_naming_the_field(string amount)
    {
        const string programme = "crg-fraction";
        await host.NewProgrammeAsync(programme + amount.Length);
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        var body = JsonNode.Parse($"{{\"programmeId\":\"{programme + amount.Length}\",\"amount\":{amount}}}");
        var problem = await ProblemAsync(await finance.PostAsJsonAsync(FundingHost.Allocations, body), HttpStatusCode.BadRequest);
        Assert.Contains("two decimal places", problem["errors"]!["amount"]![0]!.GetValue<string>());
        Assert.Null(await host.StoredAllocationAsync(FundingHost.Partnership, programme + amount.Length));
    }

    [Fact]
    public async Task Negative_spend_without_a_correction_is_a_400_naming_amount_and_nothing_is_stored()
    {
        var path = await host.ConfirmedWithProjectAsync("crg-negative");
        using var manager = host.App.Client(TestUser.Manager());
        var problem = await ProblemAsync(await manager.PostAsJsonAsync($"{path}/spend", new { projectId = 1, date = "2024-06-01", amount = "-50.00", description = "Refund" }),
            HttpStatusCode.BadRequest);
        Assert.Contains("negative-spend-is-correction", problem["errors"]!["amount"]![0]!.GetValue<string>());
        Assert.Equal(0, await host.SpendCountAsync("crg-negative"));
    }

    [Fact]
    public async Task Tranches_that_do_not_add_up_are_a_400_naming_tranches()
    {
        const string programme = "crg-tranches";
        await host.NewProgrammeAsync(programme);
        await host.AwardAsync(programme: programme);
        var before = await host.StoredAllocationAsync(FundingHost.Partnership, programme);
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        var problem = await ProblemAsync(await finance.PutAsJsonAsync($"{FundingHost.Allocations}/{programme}/schedule", new
        {
            tranches = new object[] { new { label = "Two-thirds", amount = "26440.00" }, new { label = "One-third", amount = "13220.00" } },
        }), HttpStatusCode.BadRequest);
        Assert.Contains("tranches-add-up", problem["errors"]!["tranches"]![0]!.GetValue<string>());
        Assert.Equal(before, await host.StoredAllocationAsync(FundingHost.Partnership, programme));
    }

    [Fact]
    public async Task Release_before_confirmation_is_a_409_naming_the_rule()
    {
        const string programme = "crg-early";
        await host.NewProgrammeAsync(programme);
        await host.AwardAsync(programme: programme);
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        (await finance.PutAsJsonAsync($"{FundingHost.Allocations}/{programme}/schedule", new { template = "single" })).EnsureSuccessStatusCode();
        var before = await host.StoredAllocationAsync(FundingHost.Partnership, programme);
        var problem = await ProblemAsync(await finance.PostAsJsonAsync($"{FundingHost.Allocations}/{programme}/tranches/1/release", new { }), HttpStatusCode.Conflict);
        Assert.Contains("release-before-confirmation", problem["title"]!.GetValue<string>());
        Assert.Equal(before, await host.StoredAllocationAsync(FundingHost.Partnership, programme));
        Assert.Empty(await host.PublishedAsync("funding.tranche-released", programme));
    }

    [Fact]
    public async Task Spend_on_a_rejected_project_is_a_409_naming_the_rule()
    {
        var path = await host.ConfirmedWithProjectAsync("crg-rejected");
        using var manager = host.App.Client(TestUser.Manager());
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        (await manager.PostAsJsonAsync($"{path}/projects", host.ProjectBody("500.00"))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.BadRequest, (await finance.PostAsJsonAsync($"{path}/projects/2/decision", new { approve = false })).StatusCode); // a rejection needs a reason
        (await finance.PostAsJsonAsync($"{path}/projects/2/decision", new { approve = false, reason = "Not eligible" })).EnsureSuccessStatusCode();
        var problem = await ProblemAsync(await manager.PostAsJsonAsync($"{path}/spend", new { projectId = 2, date = "2024-06-01", amount = "10.00", description = "x" }), HttpStatusCode.Conflict);
        Assert.Contains("no-spend-on-rejected-project", problem["title"]!.GetValue<string>());
        Assert.Equal(0, await host.SpendCountAsync("crg-rejected"));
    }

    [Fact]
    public async Task A_project_linked_to_a_missing_action_or_another_partnerships_action_is_a_400_naming_actionIds()
    {
        var path = await host.ConfirmedWithProjectAsync("crg-links");
        var before = await host.StoredAllocationAsync(FundingHost.Partnership, "crg-links");
        using var manager = host.App.Client(TestUser.Manager());
        foreach (var action in new[] { 999_999L, host.OtherAction })
        {
            if (action == host.OtherAction && action == host.MedwayAction) continue; // ids are per partnership: the same id can exist in both
            var problem = await ProblemAsync(await manager.PostAsJsonAsync($"{path}/projects", host.ProjectBody(action: action)), HttpStatusCode.BadRequest);
            Assert.NotNull(problem["errors"]!["actionIds"]);
        }
        Assert.Equal(before, await host.StoredAllocationAsync(FundingHost.Partnership, "crg-links"));
    }

    [Theory]
    [InlineData("{\"title\":\"\",\"leadAgencyId\":\"kent-police\",\"amount\":\"10\"}", "title")]
    [InlineData("{\"title\":\"T\",\"leadAgencyId\":\"unknown-agency\",\"amount\":\"10\"}", "leadAgencyId")]
    [InlineData("{\"title\":\"T\",\"leadAgencyId\":\"kent-police\",\"amount\":\"ten\"}", "amount")]
    [InlineData("{\"title\":\"T\",\"leadAgencyId\":\"kent-police\",\"amount\":\"10\",\"measures\":[\"a\",\"b\",\"c\",\"d\"]}", "measures")]
    [InlineData("{\"title\":\"T\",\"leadAgencyId\":\"kent-police\",\"amount\":{}}", "amount")]
    public async Task A_bad_project_is_a_400_naming_the_field(string json, string field)
    {
        var path = await host.ConfirmedWithProjectAsync("crg-bad-" + field.ToLowerInvariant() + json.Length);
        using var manager = host.App.Client(TestUser.Manager());
        var problem = await ProblemAsync(await manager.PostAsync($"{path}/projects", new StringContent(json, System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Allocations_cannot_exceed_the_programmes_pot()
    {
        await host.NewProgrammeAsync("crg-pot", pot: "1000.00");
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        Assert.Equal(HttpStatusCode.Created, (await finance.PostAsJsonAsync(FundingHost.Allocations, new { programmeId = "crg-pot", amount = "800.00" })).StatusCode);
        var problem = await ProblemAsync(await finance.PostAsJsonAsync("/api/partnerships/other/funding/allocations", new { programmeId = "crg-pot", amount = "200.01" }), HttpStatusCode.Conflict);
        Assert.Contains("allocations-within-pot", problem["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_allocation_is_404_and_an_unknown_programme_400()
    {
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        Assert.Equal(HttpStatusCode.NotFound, (await finance.PostAsJsonAsync($"{FundingHost.Allocations}/nope/confirm", new { panelDate = "2024-02-06", panelReference = "x" })).StatusCode);
        var problem = await ProblemAsync(await finance.PostAsJsonAsync(FundingHost.Allocations, new { programmeId = "nope", amount = "1" }), HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["programmeId"]);
    }
}
