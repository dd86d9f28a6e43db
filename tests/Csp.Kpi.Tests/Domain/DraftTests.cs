using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

public class DraftTests
{
    private static readonly KpiDefinition Quarterly = Kpis.Definition(Unit.Count);

    private static ValidationErrors Measure(KpiDefinition kpi, MeasurementDraft draft)
    {
        var errors = new ValidationErrors();
        draft.Validate(kpi, errors);
        return errors;
    }

    [Fact]
    public void A_period_of_the_wrong_frequency_is_named()
    {
        var errors = Measure(Quarterly, new MeasurementDraft("2023-04", 10m));
        Assert.Equal(["period"], errors.Fields);
        Assert.Contains("'2023-04' is a monthly period, but a-kpi is measured quarterly", errors.ToDictionary()["period"][0]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2.5)]
    public void A_count_is_a_whole_number_not_negative(decimal value) => Assert.Equal(["value"], Measure(Quarterly, new MeasurementDraft("2023-Q1", value)).Fields);

    [Fact]
    public void A_percentage_of_140_is_refused() =>
        Assert.Equal(["value"], Measure(Kpis.Definition(Unit.Percentage, Polarity.HigherIsBetter), new MeasurementDraft("2023-Q1", 140m)).Fields);

    [Fact]
    public void A_rate_needs_its_denominator_and_it_must_agree_with_the_numerator()
    {
        var rate = Kpis.Definition(Unit.RatePer1000);
        Assert.Equal(["denominator"], Measure(rate, new MeasurementDraft("2023-Q1", 23.4m)).Fields);
        Assert.True(Measure(rate, new MeasurementDraft("2023-Q1", 23.4m, 6552m, 280_000m)).IsEmpty);
        Assert.Equal(["value"], Measure(rate, new MeasurementDraft("2023-Q1", 25.0m, 6552m, 280_000m)).Fields);
    }

    [Fact]
    public void A_definition_reports_every_missing_field_by_name()
    {
        var errors = new ValidationErrors();
        Assert.Null(new KpiDraft().Validate(errors, null));
        Assert.Superset(new HashSet<string> { "title", "counting", "priorityId", "owningAgencyId", "dataSource", "unit", "polarity", "frequency" }, errors.Fields.ToHashSet());
    }

    [Fact]
    public void A_rate_needs_its_denominator_source_and_an_activity_indicator_no_target()
    {
        var errors = new ValidationErrors();
        new KpiDraft(Title: "t", Counting: "c", PriorityId: "p", OwningAgencyId: "kent-police", DataSource: "d", Unit: Unit.RatePer1000,
            Polarity: Polarity.LowerIsBetter, Frequency: Frequency.Quarterly, Target: new TargetDraft(20m)).Validate(errors, null);
        Assert.Equal(["denominatorSource"], errors.Fields);
        errors = new ValidationErrors();
        new KpiDraft(Title: "t", Counting: "c", PriorityId: "p", OwningAgencyId: "kent-police", DataSource: "d", Unit: Unit.Count,
            Polarity: Polarity.HigherIsBetter, Frequency: Frequency.Quarterly, Target: new TargetDraft(20m), ActivityIndicator: true).Validate(errors, null);
        Assert.Equal(["target"], errors.Fields);
    }

    [Fact]
    public void A_trajectory_needs_dated_milestones_in_the_unit()
    {
        var errors = new ValidationErrors();
        new KpiDraft(Title: "t", Counting: "c", PriorityId: "p", OwningAgencyId: "kent-police", DataSource: "d", Unit: Unit.Percentage,
            Polarity: Polarity.HigherIsBetter, Frequency: Frequency.Quarterly,
            Target: new TargetDraft(Trajectory: [new MilestoneDraft(new DateOnly(2023, 6, 30), 50m), new MilestoneDraft(null, 140m)])).Validate(errors, null);
        Assert.Equal(["target.trajectory[1].date", "target.trajectory[1].value"], errors.Fields.Order());
    }
}

public class SeriesTests
{
    private static ScoreRow Row(string period, decimal value, Rag rag) =>
        new(Period.Parse(period, Frequency.Quarterly), value, null, null, 1, Provenance.Manual, DateTimeOffset.UnixEpoch, new Judgement(rag, rag.ToString(), 10m, 1), null, null);

    [Fact]
    public void A_change_of_the_latest_periods_RAG_is_noticed_with_both_values()
    {
        var s = KpiSeries.Empty("k").With(Row("2023-Q1", 9m, Rag.Green), out var first);
        Assert.Equal((null, Rag.Green), (first!.PreviousRag, first.Rag));
        s = s.With(Row("2023-Q2", 9.5m, Rag.Green), out var same);
        Assert.Null(same);
        s = s.With(Row("2023-Q3", 12m, Rag.Red), out var change);
        Assert.Equal((Rag.Green, 9.5m, Rag.Red, 12m), (change!.PreviousRag, change.PreviousValue, change.Rag, change.Value));
        s.With(Row("2023-Q1", 20m, Rag.Red), out var older);
        Assert.Null(older); // a revision of an earlier period is not the current RAG
    }
}
