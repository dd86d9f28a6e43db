using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Http;
using Csp.Funding.Api;
using Csp.Funding.Storage;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.Funding.Tests.Api;

/// <summary>The 360Giving endpoints: anyone may read them; they publish the funder's confirmed grants of the year, built
/// from the domain as <c>GrantForExport</c>s (the package and CSV themselves are the open-data code's, tested beside it).</summary>
public class OpenDataTests(FundingHost host) : IClassFixture<FundingHost>
{
    [Fact]
    public async Task The_public_reads_the_package_and_the_csv_without_signing_in()
    {
        using var anonymous = host.App.Client();
        var package = await anonymous.GetAsync($"/api/funders/{FundingHost.Funder}/360giving?year=2024-25");
        Assert.Equal(HttpStatusCode.OK, package.StatusCode);
        Assert.Equal("application/json", package.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await package.Content.ReadAsStringAsync())!["grants"]);
        var csv = await anonymous.GetAsync($"/api/funders/{FundingHost.Funder}/360giving.csv?year=2024-25");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData($"/api/funders/{FundingHost.Funder}/360giving", HttpStatusCode.BadRequest)]
    [InlineData($"/api/funders/{FundingHost.Funder}/360giving?year=2024", HttpStatusCode.BadRequest)]
    [InlineData("/api/funders/nobody/360giving?year=2024-25", HttpStatusCode.NotFound)]
    [InlineData("/api/funders/nobody/360giving.csv?year=2024-25", HttpStatusCode.NotFound)]
    public async Task A_bad_year_is_400_and_an_unknown_funder_404(string path, HttpStatusCode status)
    {
        using var anonymous = host.App.Client();
        var response = await anonymous.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Only_confirmed_grants_of_the_year_are_published_with_their_releases()
    {
        const string programme = "crg-open";
        await host.ConfirmedWithProjectAsync(programme);
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        var path = $"{FundingHost.Allocations}/{programme}";
        (await finance.PutAsJsonAsync($"{path}/schedule", new { template = "two-thirds-then-one-third" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync($"{path}/tranches/1/release", new { releasedOn = "2024-05-01" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync("/api/partnerships/other/funding/allocations", new { programmeId = programme, amount = "100.00" })).EnsureSuccessStatusCode(); // provisional

        var (grants, refusal) = await OpenDataApi.GrantsAsync(FundingHost.Funder, "2024-25", host.App.Services.GetRequiredService<FundingStore>(),
            host.App.Services.GetRequiredService<IPartnershipLookup<KnownPartnership>>());
        Assert.Null(refusal);
        var grant = Assert.Single(grants!, g => g.ProgrammeId == programme);
        Assert.Equal($"{programme}-medway", grant.AllocationId);
        Assert.Equal(("kent-pcc", "Office of the Kent Police and Crime Commissioner", "GB-GOR-PC000224"), (grant.FunderId, grant.FunderName, grant.FunderOrgId));
        Assert.Equal("Medway Community Safety Partnership", grant.PartnershipName);
        Assert.Equal(("2024-25", 3_966_100L), (grant.FinancialYear, grant.AmountAwardedPence));
        Assert.Equal((new DateOnly(2024, 4, 1), new DateOnly(2025, 3, 31)), (grant.PlannedStart, grant.PlannedEnd));
        Assert.Equal("PCP 6 Feb 2024, item 5", grant.ConfirmationReference);
        var release = Assert.Single(grant.Releases);
        Assert.Equal((2_644_067L, new DateOnly(2024, 5, 1)), (release.AmountPence, release.ReleasedOn));
        Assert.DoesNotContain(grants!, g => g.PartnershipId == "other" && g.ProgrammeId == programme);
        Assert.DoesNotContain(grants!, g => g.FinancialYear != "2024-25");
    }

    [Fact]
    public async Task The_partnerships_ons_code_and_recipient_org_id_come_from_the_action_plan_through_partnership_changed()
    {
        using var admin = host.ActionPlan.Client(TestUser.Admin);
        (await admin.PutAsJsonAsync("/api/partnerships/gravesham", new
        {
            name = "Dartford and Gravesham CSP", onsCode = "E22000123", recipientOrgId = "GB-LAE-GRA",
            agencies = new object[] { new { id = "gravesham-council", name = "Gravesham Borough Council", responsibleAuthority = true } },
        })).EnsureSuccessStatusCode();
        var bad = await admin.PutAsJsonAsync("/api/partnerships/badcodes", new { name = "x", onsCode = "W22000001", recipientOrgId = "medway", agencies = new object[] { new { id = "a", name = "A" } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("onsCode") && errors.ContainsKey("recipientOrgId"));
        await FundingHost.WaitForKnownPartnershipAsync(host.Redis, "gravesham");

        await host.NewProgrammeAsync("crg-codes");
        using var finance = host.App.Client(FundingHost.FinanceOfficer);
        (await finance.PostAsJsonAsync("/api/partnerships/gravesham/funding/allocations", new { programmeId = "crg-codes", amount = "500.00" })).EnsureSuccessStatusCode();
        (await finance.PostAsJsonAsync("/api/partnerships/gravesham/funding/allocations/crg-codes/confirm", new { panelDate = "2024-02-06", panelReference = "PCP" })).EnsureSuccessStatusCode();
        var (grants, _) = await OpenDataApi.GrantsAsync(FundingHost.Funder, "2024-25", host.App.Services.GetRequiredService<FundingStore>(),
            host.App.Services.GetRequiredService<IPartnershipLookup<KnownPartnership>>());
        var grant = Assert.Single(grants!, g => g.PartnershipId == "gravesham");
        Assert.Equal(("E22000123", "GB-LAE-GRA", "Dartford and Gravesham CSP"), (grant.OnsCode, grant.RecipientOrgId, grant.PartnershipName));
    }

    [Fact]
    public async Task The_package_the_endpoint_serves_is_valid_360Giving_and_a_year_with_nothing_confirmed_is_404()
    {
        const string programme = "crg-served";
        await host.ConfirmedWithProjectAsync(programme);
        using var anonymous = host.App.Client();

        var served = JsonNode.Parse(await anonymous.GetStringAsync($"/api/funders/{FundingHost.Funder}/360giving?year=2024-25"))!;

        Assert.Empty(await Csp.Funding.Tests.Domain.OpenData.SchemaValidator.ErrorsAsync(served));
        Assert.Contains(served["grants"]!.AsArray(), g => ((string)g!["id"]!).EndsWith($"{programme}-medway", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/funders/{FundingHost.Funder}/360giving?year=2031-32")).StatusCode);
    }
}
