using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Redis;
using Csp.Funding.Domain;
using Csp.TestSupport;

namespace Csp.Funding.Tests.Storage;

/// <summary>Documents stored by this version of the service (format 1: allocation-v1.json, summary-v1.json) still load, and
/// are stored again under the same property names with the same values: a later change to the records must keep them
/// readable (or migrate them) and this test says so.</summary>
public class StoredDocumentTests
{
    private static string Stored(string file) => RepoPaths.ReadText("tests", "Csp.Funding.Tests", "Storage", "StoredDocuments", file);

    [Fact]
    public void A_stored_allocation_loads_with_its_projects_tranches_returns_variations_and_totals()
    {
        var a = StorageJson.Deserialize<Allocation>(Stored("allocation-v1.json"));
        Assert.Equal(("crg-2024-25", "kent-county", "kent-pcc", AllocationStatus.Confirmed), (a.Id, a.PartnershipId, a.FunderId, a.Status));
        Assert.Equal(Money.Pounds(39_661), a.Awarded);
        Assert.Equal(9, a.Projects.Count);
        Assert.Equal([new Money(2_644_067), new Money(1_322_033)], a.Tranches.Select(t => t.Amount));
        Assert.Equal(TrancheStatus.Released, a.Tranches[0].Status);
        Assert.Equal(4, a.Returns.Count);
        Assert.Single(a.Variations);
        Assert.Equal(9, a.SpendEntries);
        Assert.True(a.Projects[2].Flagged);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Stored("allocation-v1.json")), JsonNode.Parse(StorageJson.Serialize(a))));
    }

    [Fact]
    public void A_stored_summary_loads_and_is_stored_again_the_same()
    {
        var s = StorageJson.Deserialize<AllocationSummary>(Stored("summary-v1.json"));
        Assert.Equal((Money.Pounds(39_661), new Money(2_644_067), 4), (s.Awarded, s.Released, s.Returns.Count));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Stored("summary-v1.json")), JsonNode.Parse(StorageJson.Serialize(s))));
    }
}
