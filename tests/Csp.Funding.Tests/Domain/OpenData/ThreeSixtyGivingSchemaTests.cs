using System.Text.Json.Nodes;
using Csp.Funding.Domain.OpenData;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>The export validates against the 360Giving 1.4.3 package schema, and the validator does reject bad packages.</summary>
public class ThreeSixtyGivingSchemaTests
{
    private static JsonObject PackageOf(params GrantForExport[] grants) => ThreeSixtyGiving.Package(Grants.Prefix, grants, Grants.Issued);

    [Fact]
    public async Task Export_of_every_kind_of_grant_is_valid_360Giving()
    {
        var cases = new (string Name, JsonObject Package)[]
        {
            ("full grant", PackageOf(Grants.Medway(funderOrgId: "GB-GOV-EXAMPLE"))),
            ("no recipient or funder org id", PackageOf(Grants.Medway(recipientOrgId: null, funderOrgId: null))),
            ("no ONS code", PackageOf(Grants.Medway(onsCode: null))),
            ("Welsh CSP code", PackageOf(Grants.Medway(onsCode: "W14000001"))),
            ("no releases", PackageOf(Grants.Medway(releases: []))),
            ("no purpose", PackageOf(Grants.Medway(purpose: null))),
            ("many grants", ThreeSixtyGiving.Package(Grants.Prefix, Grants.KentRound(), Grants.Issued)),
            ("largest amount", PackageOf(Grants.Medway(pence: long.MaxValue, releases: [new("all", long.MaxValue, new DateOnly(2019, 5, 1))]))),
            ("with licence and website", ThreeSixtyGiving.Package(Grants.Prefix, [Grants.KentCounty()], Grants.Issued,
                new PackageMetadata(PackageMetadata.OpenGovernmentLicence, new Uri("https://www.kent-pcc.gov.uk/")))),
            ("issued in GMT", ThreeSixtyGiving.Package(Grants.Prefix, [Grants.KentCounty()], new DateTimeOffset(2025, 1, 15, 12, 0, 0, TimeSpan.Zero))),
        };

        var errors = await SchemaValidator.ErrorsAsync(cases.Select(c => (JsonNode)c.Package).ToArray());

        Assert.All(cases.Zip(errors), c => Assert.True(c.Second.Count == 0, $"{c.First.Name}: {string.Join("; ", c.Second)}"));
    }

    [Fact]
    public async Task Validator_rejects_a_grant_without_an_id()
    {
        var package = PackageOf(Grants.Medway());
        ((JsonObject)package["grants"]![0]!).Remove("id");

        var errors = await SchemaValidator.ErrorsAsync(package);

        Assert.Single(errors);
        Assert.StartsWith("/grants/0:", errors[0]); // the grant fails both oneOf branches: each requires id
    }

    [Fact]
    public async Task Validator_rejects_wrong_types_formats_and_codes()
    {
        var package = PackageOf(Grants.Medway());
        var grant = (JsonObject)package["grants"]![0]!;
        grant["amountAwarded"] = "106460.00";
        grant["awardDate"] = "06/02/2020"; // a UK-written date is not ISO 8601
        grant["currency"] = "GB";
        ((JsonObject)grant["recipientOrganization"]![0]!).Remove("id");
        package["version"] = "1.4.3"; // the package's version is major.minor

        var errors = await SchemaValidator.ErrorsAsync(package);

        Assert.Contains(errors, e => e.StartsWith("/grants/0/amountAwarded:"));
        Assert.Contains(errors, e => e.StartsWith("/grants/0/awardDate:"));
        Assert.Contains(errors, e => e.StartsWith("/grants/0/currency:"));
        Assert.Contains(errors, e => e.StartsWith("/grants/0/recipientOrganization/0:") && e.Contains("'id' is a required property"));
        Assert.Contains(errors, e => e.StartsWith("/version:"));
    }

    [Fact]
    public async Task A_package_without_grants_is_not_valid_360Giving()
    {
        var package = ThreeSixtyGiving.Package(Grants.Prefix, [], Grants.Issued);

        var errors = await SchemaValidator.ErrorsAsync(package);

        Assert.False(ThreeSixtyGiving.HasGrants([]));
        Assert.Contains(errors, e => e.StartsWith("/grants:") && e.Contains("non-empty"));
    }

    [Fact]
    public void Copied_schema_is_the_1_4_3_package_and_grant_schema()
    {
        var grant = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemaValidator.SchemaDirectory, "360-giving-schema.json")))!;
        var package = JsonNode.Parse(File.ReadAllText(Path.Combine(SchemaValidator.SchemaDirectory, "360-giving-package-schema.json")))!;

        Assert.Equal("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-schema.json", (string?)grant["$id"]);
        Assert.Equal("https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.3/schema/360-giving-package-schema.json", (string?)package["$id"]);
        Assert.True(File.Exists(Path.Combine(SchemaValidator.SchemaDirectory, "LICENSE.md")));
        Assert.Contains("CSP,Community Safety Partnerships", File.ReadAllText(Path.Combine(SchemaValidator.SchemaDirectory, "geoCodeType.csv")));
    }
}
