using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

public class GrantDerivedKpiTests
{
    private static readonly DateTimeOffset T0 = new(2024, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_share_spent_is_exact_to_a_tenth_with_pounds_as_numerator_and_denominator_and_the_profile_as_target()
    {
        var value = Assert.Single(DerivedKpis.FromGrants(new Dictionary<string, GrantState> { ["crg"] = new("2024-25", 3_966_100, 3_950_500, T0) }));

        Assert.Equal("grant-spent-crg", value.Code);
        Assert.Equal(99.6m, value.Value); // £39,505 of £39,661
        Assert.Equal((39_505m, 39_661m), (value.Numerator, value.Denominator));
        var trajectory = value.Spec.Target!.Trajectory!;
        Assert.Equal([new Milestone(new DateOnly(2024, 4, 1), 0m), new Milestone(new DateOnly(2025, 3, 31), 100m)], trajectory);
        Assert.Equal(Polarity.HigherIsBetter, value.Spec.Polarity);
        Assert.False(value.Spec.ActivityIndicator);
    }

    [Fact]
    public void A_grant_without_a_known_year_or_award_gives_no_value() =>
        Assert.Empty(DerivedKpis.FromGrants(new Dictionary<string, GrantState>
        {
            ["spend-first"] = new(null, 100, 50, T0),
            ["nothing-awarded"] = new("2024-25", 0, 0, T0),
        }));

    [Fact]
    public void Older_news_never_replaces_newer_but_the_year_is_kept_from_whichever_event_had_it()
    {
        var spend = DerivedKpis.Merge(null, null, 3_966_100, 1_000, T0.AddDays(1));
        var confirmedLate = DerivedKpis.Merge(spend, "2024-25", 3_966_100, null, T0);
        Assert.Equal(new GrantState("2024-25", 3_966_100, 1_000, T0.AddDays(1)), confirmedLate);

        var moreSpend = DerivedKpis.Merge(confirmedLate, null, 3_966_100, 2_000, T0.AddDays(2));
        Assert.Equal(new GrantState("2024-25", 3_966_100, 2_000, T0.AddDays(2)), moreSpend);
        Assert.Equal(moreSpend, DerivedKpis.Merge(moreSpend, null, 3_966_100, 2_000, T0.AddDays(2)));
    }
}
