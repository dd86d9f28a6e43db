using System.Text.Json.Nodes;
using Csp.Funding.Domain.OpenData;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>What each grant field in the 360Giving package says (docs/360giving.md, field by field).</summary>
public class ThreeSixtyGivingPackageTests
{
    private static JsonObject GrantOf(GrantForExport grant, string prefix = Grants.Prefix) =>
        (JsonObject)ThreeSixtyGiving.Package(prefix, [grant], Grants.Issued)["grants"]![0]!;

    [Theory]
    [InlineData("example-kentpcc")]
    [InlineData("360G-example-kentpcc")]
    [InlineData("360g-example-kentpcc")]
    public void Grant_id_is_360G_then_the_publisher_prefix_then_the_allocation_id(string prefix)
    {
        var grant = GrantOf(Grants.Medway(), prefix);

        Assert.Equal("360G-example-kentpcc-alloc-medway-2019-20", (string?)grant["id"]);
    }

    [Fact]
    public void Spaces_and_slashes_in_an_allocation_id_become_underscores()
    {
        var grant = GrantOf(Grants.Medway(allocationId: "CRG/2019 20"));

        Assert.Equal("360G-example-kentpcc-CRG_2019_20", (string?)grant["id"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("360G-")]
    [InlineData("kent pcc")]
    [InlineData("kent/pcc")]
    public void A_prefix_that_is_not_a_360Giving_prefix_is_refused(string prefix)
    {
        Assert.ThrowsAny<ArgumentException>(() => ThreeSixtyGiving.Package(prefix, [Grants.Medway()], Grants.Issued));
    }

    [Fact]
    public void Two_grants_for_one_allocation_are_refused_as_their_ids_would_clash()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            ThreeSixtyGiving.Package(Grants.Prefix, [Grants.Medway(), Grants.Medway()], Grants.Issued));
        Assert.Contains("alloc-medway-2019-20", error.Message);
    }

    [Fact]
    public void Title_and_description_name_the_programme_year_partnership_purpose_and_confirmation()
    {
        var grant = GrantOf(Grants.Medway());

        Assert.Equal("PCC Crime Reduction Grant 2019-20: Medway Community Safety Partnership", (string?)grant["title"]);
        Assert.Equal(
            "PCC Crime Reduction Grant 2019-20: grant from Office of the Kent Police and Crime Commissioner to Medway Community Safety Partnership. "
            + "Purpose: Activities to tackle crime, disorder, drugs and reoffending. Confirmed on 6 February 2020 (reference PCP-2020-02-06).",
            (string?)grant["description"]);
        Assert.Equal("GBP", (string?)grant["currency"]);
        Assert.Equal("2020-02-06", (string?)grant["awardDate"]);
    }

    [Fact]
    public void A_long_title_is_cut_to_140_characters()
    {
        var grant = GrantOf(Grants.Medway(programmeTitle: new string('x', 200)));

        var title = (string)grant["title"]!;
        Assert.Equal(ThreeSixtyGiving.MaxTitleLength, title.Length);
        Assert.EndsWith("…", title);
    }

    [Fact]
    public void Recipient_is_the_local_authority_when_its_org_id_is_known()
    {
        var recipient = GrantOf(Grants.Medway())["recipientOrganization"]!.AsArray().Single()!;

        Assert.Equal("GB-LAE-MDW", (string?)recipient["id"]);
        Assert.Equal("Medway Community Safety Partnership", (string?)recipient["name"]);
    }

    [Fact]
    public void Without_org_ids_recipient_and_funder_get_ids_under_the_publisher_prefix()
    {
        var grant = GrantOf(Grants.Medway(recipientOrgId: null, funderOrgId: " "));

        Assert.Equal("360G-example-kentpcc-CSP-medway", (string?)grant["recipientOrganization"]![0]!["id"]);
        Assert.Equal("360G-example-kentpcc-FUNDER-kent-pcc", (string?)grant["fundingOrganization"]![0]!["id"]);
        Assert.Equal("Office of the Kent Police and Crime Commissioner", (string?)grant["fundingOrganization"]![0]!["name"]);
    }

    [Fact]
    public void Funder_org_id_is_used_when_known()
    {
        var grant = GrantOf(Grants.Medway(funderOrgId: "GB-GOV-EXAMPLE"));

        Assert.Equal("GB-GOV-EXAMPLE", (string?)grant["fundingOrganization"]![0]!["id"]);
    }

    [Fact]
    public void Beneficiary_location_is_the_CSP_area_for_an_E22_code()
    {
        var location = GrantOf(Grants.Medway(onsCode: "E22000001"))["beneficiaryLocation"]!.AsArray().Single()!;

        Assert.Equal("E22000001", (string?)location["geoCode"]);
        Assert.Equal("CSP", (string?)location["geoCodeType"]);
        Assert.Equal("GB", (string?)location["countryCode"]);
        Assert.Equal("Medway Community Safety Partnership", (string?)location["name"]);
    }

    [Fact]
    public void A_Welsh_CSP_code_has_the_codelists_CDRP_type()
    {
        var location = GrantOf(Grants.Medway(onsCode: "W14000001"))["beneficiaryLocation"]![0]!;

        Assert.Equal("CDRP", (string?)location["geoCodeType"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("E06000035")] // a unitary authority's code, not a CSP's
    [InlineData("E2200001")]
    public void Without_a_CSP_code_no_beneficiary_location_is_guessed(string? onsCode)
    {
        Assert.False(GrantOf(Grants.Medway(onsCode: onsCode)).ContainsKey("beneficiaryLocation"));
    }

    [Fact]
    public void Planned_dates_carry_start_end_and_the_duration_in_months()
    {
        var planned = GrantOf(Grants.Medway())["plannedDates"]!.AsArray().Single()!;

        Assert.Equal("2019-04-01", (string?)planned["startDate"]);
        Assert.Equal("2020-03-31", (string?)planned["endDate"]);
        Assert.Equal(12, (int?)planned["duration"]);
    }

    [Fact]
    public void A_period_that_is_not_whole_months_has_no_rounded_duration()
    {
        var grant = Grants.Medway() with { PlannedStart = new DateOnly(2019, 4, 15), PlannedEnd = new DateOnly(2020, 3, 31) };

        var planned = GrantOf(grant)["plannedDates"]![0]!.AsObject();

        Assert.Equal("2019-04-15", (string?)planned["startDate"]);
        Assert.False(planned.ContainsKey("duration"));
    }

    [Fact]
    public void Releases_are_disbursement_transactions_in_date_order()
    {
        var grant = GrantOf(Grants.KentCounty(releases:
        [
            new("last-third", 1_322_033, new DateOnly(2024, 11, 1)),
            new("first-two-thirds", 2_644_067, new DateOnly(2024, 5, 1)),
        ]));

        var transactions = grant["disbursementTransaction"]!.AsArray();
        Assert.Equal(2, transactions.Count);
        var first = transactions[0]!;
        Assert.Equal("360G-example-kentpcc-alloc-kent-2024-25-first-two-thirds", (string?)first["id"]);
        Assert.Equal("2024-05-01", (string?)first["transactionDate"]);
        Assert.Equal(26440.67m, (decimal)first["value"]!);
        Assert.Equal("GBP", (string?)first["currency"]);
        Assert.Equal("GB-LAE-KEN", (string?)first["recipient"]);
        Assert.Equal("360G-example-kentpcc-FUNDER-kent-pcc", (string?)first["provider"]);
        Assert.Equal("2024-11-01", (string?)transactions[1]!["transactionDate"]);
        Assert.Equal(39661m, (decimal)grant["amountDisbursed"]!);
    }

    [Fact]
    public void A_grant_with_nothing_released_has_no_transactions_and_nothing_disbursed()
    {
        var grant = GrantOf(Grants.Medway(releases: []));

        Assert.False(grant.ContainsKey("disbursementTransaction"));
        Assert.Equal(0m, (decimal)grant["amountDisbursed"]!);
    }

    [Fact]
    public void Grant_programme_has_the_programme_code_and_title()
    {
        var programme = GrantOf(Grants.KentCounty())["grantProgramme"]!.AsArray().Single()!;

        Assert.Equal("crg-2024-25", (string?)programme["code"]);
        Assert.Equal("Kent Crime Reduction Grant", (string?)programme["title"]);
    }

    [Fact]
    public void Package_names_its_version_publisher_years_and_issue_time_in_UK_time()
    {
        var package = ThreeSixtyGiving.Package(Grants.Prefix, Grants.KentRound(), Grants.Issued);

        Assert.Equal("1.4", (string?)package["version"]);
        Assert.Equal("360G-example-kentpcc-2024-25", (string?)package["identifier"]);
        Assert.Equal("Office of the Kent Police and Crime Commissioner", (string?)package["publisher"]!["name"]);
        Assert.Contains("2024-25", (string?)package["title"]);
        Assert.Equal("2025-06-02T10:30:00+01:00", (string?)package["issued"]); // 09:30 UTC in BST
        Assert.Equal(13, package["grants"]!.AsArray().Count);
        Assert.False(package.ContainsKey("license"));
    }

    [Fact]
    public void Issued_in_winter_is_written_in_GMT()
    {
        var package = ThreeSixtyGiving.Package(Grants.Prefix, [Grants.Medway()], new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.FromHours(-5)));

        Assert.Equal("2025-01-15T17:00:00+00:00", (string?)package["issued"]);
    }

    [Fact]
    public void Licence_and_website_come_from_the_publishers_metadata()
    {
        var package = ThreeSixtyGiving.Package(Grants.Prefix, [Grants.Medway(funderOrgId: "GB-GOV-EXAMPLE")], Grants.Issued,
            new PackageMetadata(PackageMetadata.OpenGovernmentLicence, new Uri("https://www.kent-pcc.gov.uk/")));

        Assert.Equal("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", (string?)package["license"]);
        Assert.Equal("https://www.kent-pcc.gov.uk/", (string?)package["publisher"]!["website"]);
        Assert.Equal("GB-GOV-EXAMPLE", (string?)package["publisher"]!["identifier"]);
    }

    [Fact]
    public void Grants_are_ordered_by_id_whatever_order_they_come_in()
    {
        var grants = Grants.KentRound().Reverse().ToList();

        var ids = ThreeSixtyGiving.Package(Grants.Prefix, grants, Grants.Issued)["grants"]!.AsArray().Select(g => (string)g!["id"]!).ToList();

        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
    }
}
