using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Domain;
using Csp.Risk.Storage;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Storage;

/// <summary>Documents stored by earlier versions of the service still load, and are stored again under the same property
/// names, with the same values. A risk is in format 2 (its latest assessment inside, its history beside it: risk-v2.json);
/// a risk stored in format 1 (every assessment inside: risk-v1.json) is upgraded to format 2 with its history on first
/// read (see <see cref="StoredRisk"/>; the store's migration is tested against real Redis in RiskMigrationTests).</summary>
public class StoredDocumentTests
{
    private static string Stored(string file) => RepoPaths.ReadText("tests", "Csp.Risk.Tests", "Storage", "StoredDocuments", file);

    [Fact]
    public void A_stored_risk_loads_with_its_details_latest_assessment_and_mitigations()
    {
        var risk = StorageJson.Deserialize<RiskEntry>(Stored("risk-v2.json"));

        AssertTheStoredRisk(risk);
        Assert.Null(StoredRisk.Upgrade(Stored("risk-v2.json"))); // already current: nothing to migrate
    }

    [Fact]
    public void A_risk_stored_with_its_history_inside_is_upgraded_to_the_latest_assessment_and_a_numbered_history()
    {
        var upgraded = StoredRisk.Upgrade(Stored("risk-v1.json"))!;

        Assert.Equal(["D2", "D2", "E2"], upgraded.History.Select(a => a.Current.Rating).ToArray());
        Assert.Equal([1, 2, 3], upgraded.History.Select(a => a.Number).ToArray());
        Assert.Equal(new DateTimeOffset(2026, 7, 26, 10, 0, 0, TimeSpan.FromHours(1)), upgraded.History[1].At);
        Assert.Null(JsonNode.Parse(upgraded.Json)!["assessments"]);
        AssertTheStoredRisk(StorageJson.Deserialize<RiskEntry>(upgraded.Json));
        // The upgrade gives exactly the format-2 document of the same risk.
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Stored("risk-v2.json")), JsonNode.Parse(upgraded.Json)), upgraded.Json);
    }

    private static void AssertTheStoredRisk(RiskEntry risk)
    {
        Assert.Equal(1, risk.Id);
        Assert.Equal("medway", risk.PartnershipId);
        Assert.Equal("csp", risk.Register);
        Assert.Equal("Decreased agency buy-in", risk.Details.Title);
        Assert.Equal("medway-council", risk.Details.OwningAgencyId);
        Assert.Equal(Treatment.Treat, risk.Details.Treatment);
        Assert.Equal(ReviewFrequency.Quarterly, risk.Details.ReviewFrequency);
        Assert.Equal(RiskStatus.Open, risk.Status);
        Assert.True(risk.IsOpen);
        Assert.Equal(new DateOnly(2027, 2, 3), risk.NextReviewDate);
        Assert.Equal(new DateTimeOffset(2026, 1, 27, 10, 0, 0, TimeSpan.Zero), risk.CreatedAt);
        Assert.Equal("sam.patel", risk.CreatedBy);
        Assert.Null(risk.ClosedAt);
        Assert.Null(risk.ReviewOverdueRaisedFor);

        Assert.Equal(3, risk.AssessmentCount);
        Assert.Equal(3, risk.Latest.Number);
        Assert.Equal("D2", risk.PreviousRating!.Rating);
        Assert.Equal(("E", "2", "green", 6), (risk.Current.Likelihood, risk.Current.Impact, risk.Current.Band, risk.Current.Score));
        Assert.Equal("C2", risk.Inherent!.Rating);
        Assert.Equal("E2", risk.Target!.Rating);
        Assert.Equal("Chloe Bennett", risk.Latest.ByName);
        Assert.Equal(Direction.Improving, risk.DirectionOfTravel);

        var mitigation = Assert.Single(risk.Mitigations);
        Assert.Equal(25, mitigation.ActionId);
        Assert.Equal("Run a programme of CSP community engagement events in priority wards", mitigation.Title);
        Assert.Equal("system", mitigation.LinkedBy);
        Assert.False(mitigation.Done);
        Assert.Null(mitigation.DoneAt);
        Assert.True(risk.IsLinkedTo(25));
    }

    [Fact]
    public void A_stored_partnership_copy_loads_with_its_agencies_and_source_version()
    {
        var partnership = StorageJson.Deserialize<KnownPartnership>(Stored("known-partnership.json"));

        Assert.Equal("medway", partnership.Id);
        Assert.Equal("Medway Community Safety Partnership", partnership.Name);
        Assert.Equal(1, partnership.SourceVersion);
        Assert.Equal(10, partnership.Agencies.Count);
        Assert.Equal(new KnownAgency("kent-police", "Kent Police"), partnership.Agencies[1]);
        Assert.True(partnership.HasAgency("probation-kss"));
    }

    [Theory]
    [InlineData("risk-v2.json")]
    [InlineData("known-partnership.json")]
    public void A_loaded_document_is_stored_again_under_the_same_property_names(string file)
    {
        var stored = JsonNode.Parse(Stored(file))!;
        var again = JsonNode.Parse(file == "risk-v2.json"
            ? StorageJson.Serialize(StorageJson.Deserialize<RiskEntry>(Stored(file)))
            : StorageJson.Serialize(StorageJson.Deserialize<KnownPartnership>(Stored(file))))!;
        Assert.Equal(PropertyPaths(stored), PropertyPaths(again));
        Assert.True(JsonNode.DeepEquals(stored, again), $"{file} changed when stored again:\n{again.ToJsonString()}");
    }

    /// <summary>Every property path in the document, e.g. <c>details.title</c>, <c>assessments[].current.band</c>.</summary>
    private static SortedSet<string> PropertyPaths(JsonNode node, string prefix = "")
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
                    paths.Add(path);
                    if (value is not null) paths.UnionWith(PropertyPaths(value, path));
                }
                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>()) paths.UnionWith(PropertyPaths(item, prefix + "[]"));
                break;
        }
        return paths;
    }
}
