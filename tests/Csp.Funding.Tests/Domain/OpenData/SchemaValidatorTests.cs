using System.Text.Json.Nodes;
using Csp.Funding.Domain.OpenData;

namespace Csp.Funding.Tests.Domain.OpenData;

/// <summary>
/// The .NET validator reads the 2020-12 schemas faithfully: dates are exactly one branch of the schema's date
/// <c>oneOf</c>, the <c>$defs</c> of the grant schema and the package's 1.4.2 reference to it are enforced, and
/// formats are asserted.
/// </summary>
public class SchemaValidatorTests
{
    private static JsonObject Package() => ThreeSixtyGiving.Package(Grants.Prefix, [Grants.Medway()], Grants.Issued);

    [Theory]
    [InlineData("2024-05-01")]                  // the date pattern branch only
    [InlineData("2024-05-01T10:30:00+01:00")]   // the date-time branch only
    [InlineData("2024-05-01T09:30:00.125Z")]
    [InlineData("2024-02-29T00:00:00Z")]
    public async Task A_date_or_a_full_date_time_is_valid(string date)
    {
        var package = Package();
        package["grants"]![0]!["awardDate"] = date;
        package["issued"] = date;

        Assert.Empty(await SchemaValidator.ErrorsAsync(package));
    }

    [Theory]
    [InlineData("06/02/2020")]                  // UK-written
    [InlineData("2024-05-01T10:30")]            // no seconds, no offset
    [InlineData("2024-05-01T10:30:00")]         // no offset
    [InlineData("2024-5-1")]
    [InlineData("2024-13-01")]
    [InlineData("2023-02-29T00:00:00Z")]        // not a leap year
    [InlineData("2024-05-01T24:00:00Z")]
    [InlineData("6 February 2020")]
    public async Task Anything_else_is_not_a_date(string date)
    {
        var package = Package();
        package["grants"]![0]!["awardDate"] = date;
        package["issued"] = date;

        var errors = await SchemaValidator.ErrorsAsync(package);

        Assert.Equal(["/grants/0/awardDate", "/issued"], errors.Select(e => e[..e.IndexOf(':')]));
        Assert.All(errors, e => Assert.Contains("is not valid under any of the given schemas", e));
    }

    [Fact]
    public async Task The_grant_schemas_definitions_are_enforced_through_the_package()
    {
        var package = Package();
        var grant = (JsonObject)package["grants"]![0]!;
        grant["currency"] = "GB";                                         // $defs/currency
        ((JsonObject)grant["fundingOrganization"]![0]!).Remove("name");   // $defs/Organization
        grant["plannedDates"]![0]!["duration"] = -1;                      // minimum 0 inside plannedDates
        grant["grantProgramme"]![0]!["title"] = 7;                         // $defs/GrantProgramme

        var errors = await SchemaValidator.ErrorsAsync(package);

        Assert.Equal(
        [
            "/grants/0/currency: \"GB\" is not one of the values of the enum",
            "/grants/0/fundingOrganization/0: 'name' is a required property",
            "/grants/0/grantProgramme/0/title: 7 is not of type 'null', 'string'",
            "/grants/0/plannedDates/0/duration: -1 is less than the minimum of 0",
        ], errors);
    }

    [Fact]
    public async Task Duplicate_grants_and_relative_urls_are_not_valid()
    {
        var package = Package();
        ((JsonArray)package["grants"]!).Add(package["grants"]![0]!.DeepClone());
        package["publisher"]!["website"] = "/kent-pcc";
        package["license"] = "www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

        var errors = await SchemaValidator.ErrorsAsync(package);

        Assert.Equal(
        [
            "/grants: ",
            "/license: ",
            "/publisher/website: ",
        ], errors.Select(e => e[..(e.IndexOf(':') + 2)]));
        Assert.Contains("non-unique", errors[0]);
        Assert.All(errors.Skip(1), e => Assert.EndsWith("is not a 'uri'", e));
    }

    [Fact]
    public void The_date_time_format_is_RFC_3339_so_a_plain_date_matches_one_branch_only()
    {
        var dateTime = new SchemaValidator.Rfc3339DateTime();

        Assert.False(dateTime.IsValid("2024-05-01", Newtonsoft.Json.Linq.JTokenType.String));
        Assert.True(dateTime.IsValid("2024-05-01T10:30:00+01:00", Newtonsoft.Json.Linq.JTokenType.String));
    }
}
