using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Domain;
using Csp.TestSupport;

namespace Csp.Risk.Tests.Storage;

/// <summary>Documents stored by an earlier version of the service (before the risk's setters became private) still load,
/// and are stored again under the same property names, with the same values.</summary>
public class StoredDocumentTests
{
    private static string Stored(string file) => RepoPaths.ReadText("tests", "Csp.Risk.Tests", "Storage", "StoredDocuments", file);

    [Fact]
    public void A_stored_risk_loads_with_its_details_history_and_mitigations()
    {
        var risk = StorageJson.Deserialize<RiskEntry>(Stored("risk.json"));

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

        Assert.Equal(3, risk.Assessments.Count);
        Assert.Equal(["D2", "D2", "E2"], risk.Assessments.Select(a => a.Current.Rating).ToArray());
        Assert.Equal(("E", "2", "green", 6), (risk.Current.Likelihood, risk.Current.Impact, risk.Current.Band, risk.Current.Score));
        Assert.Equal("C2", risk.Inherent!.Rating);
        Assert.Equal("E2", risk.Target!.Rating);
        Assert.Equal("Chloe Bennett", risk.Latest.ByName);
        Assert.Equal(new DateTimeOffset(2026, 7, 26, 10, 0, 0, TimeSpan.FromHours(1)), risk.Assessments[1].At);
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
    [InlineData("risk.json")]
    [InlineData("known-partnership.json")]
    public void A_loaded_document_is_stored_again_under_the_same_property_names(string file)
    {
        var stored = JsonNode.Parse(Stored(file))!;
        var again = JsonNode.Parse(file == "risk.json"
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
