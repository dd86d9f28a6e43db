using Csp.BuildingBlocks.Redis;
using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Storage;

/// <summary>Documents as this first version of the service stores them still load: the stored format is fixed here, so a
/// change to a domain type that would make stored records unreadable fails a test instead of production.</summary>
public class StoredDocumentTests
{
    private const string Definition = """
        {"code":"beat-officer-team-strength","partnershipId":"medway","spec":{"title":"Beat Officer Team strength","counting":"Officers in post.",
         "priorityId":"listening","owningAgencyId":"kent-police","dataSource":"Kent Police","publicationLagDays":14,"unit":"percentage",
         "denominatorSource":"Establishment","polarity":"higher-is-better","frequency":"quarterly","baseline":{"value":50,"period":"2023-Q1"},
         "target":{"value":null,"trajectory":[{"date":"2023-06-30","value":50},{"date":"2024-09-30","value":100}]},
         "tolerance":{"kind":"absolute","amount":5,"bothSides":false},"activityIndicator":false,"published":true},
         "version":2,"derived":false,"changedBy":"mgr.medway","changedAt":"2026-01-02T10:00:00+00:00","createdAt":"2026-01-01T10:00:00+00:00"}
        """;

    private const string Measurement = """
        {"kpiCode":"beat-officer-team-strength","period":"2023-Q2","revision":2,"value":56.8,"numerator":25,"denominator":44,"source":"Kent Police",
         "note":"Corrected","provenance":"manual","submittedBy":"partner.kent-police","submittedByName":"Daniel","recordedAt":"2026-01-03T10:00:00+00:00",
         "judgement":{"rag":"amber","reason":"amber: 56.8% against a target of 60.0%, within the tolerance of 5.0 percentage points","target":60.04,"definitionVersion":2}}
        """;

    private const string Series = """{"code":"asb","latestPeriod":"2003-Q1","measurementCount":3,"currentRag":"red","currentValue":1234}""";

    [Fact]
    public void A_stored_definition_loads_with_its_trajectory_and_version()
    {
        var kpi = StorageJson.Deserialize<KpiDefinition>(Definition);
        Assert.Equal((2, Frequency.Quarterly, true), (kpi.Version, kpi.Spec.Frequency, kpi.Spec.Target!.IsTrajectory));
        Assert.Equal(60.04m, kpi.TargetFor(Period.Parse("2023-Q2", Frequency.Quarterly)));
        Assert.Equal(Period.Parse("2023-Q1", Frequency.Quarterly), kpi.Spec.Baseline!.Period);
    }

    [Fact]
    public void A_stored_measurement_loads_with_the_RAG_it_was_judged_with()
    {
        var m = StorageJson.Deserialize<Measurement>(Measurement);
        Assert.Equal((2, 56.8m, Rag.Amber, 2), (m.Revision, m.Value, m.Judgement.Rag, m.Judgement.DefinitionVersion));
    }

    [Fact]
    public void A_stored_series_loads_and_an_ambiguous_period_keeps_its_frequency()
    {
        var s = StorageJson.Deserialize<KpiSeries>(Series);
        Assert.Equal((Rag.Red, 3), (s.CurrentRag, s.MeasurementCount));
        var annual = Period.Parse("2003-04", Frequency.Annual);
        Assert.Equal("\"a:2003-04\"", StorageJson.Serialize(annual));
        Assert.Equal(annual, StorageJson.Deserialize<Period>("\"a:2003-04\""));
    }
}
