using Csp.Kpi.Domain;

namespace Csp.Kpi.Tests.Domain;

public class SignificanceTests
{
    private static readonly Period Q1 = Period.Parse("2023-Q1", Frequency.Quarterly);

    [Fact]
    public void Four_to_six_robberies_is_not_a_significant_rise()
    {
        var trend = Trends.Compare(Kpis.Spec(Unit.Count), Q1, new Figures(4, null, null), new Figures(6, null, null));
        Assert.Equal((Direction.Up, Significance.NotSignificant, TrendVerdict.NoSignificantChange), (trend.Direction, trend.Significance, trend.Verdict));
        Assert.Equal(50.0m, trend.ChangePercent);
        Assert.True(trend.Interval!.Lower < 1 && trend.Interval.Upper > 1);
        Assert.StartsWith("no significant change: 6 against 4 in 2023-Q1 (+50.0%); within chance (Poisson model, 95% interval for the ratio of the rates", trend.Reason);
    }

    [Fact]
    public void Four_hundred_to_six_hundred_is_a_significant_rise_and_worse_when_lower_is_better()
    {
        var trend = Trends.Compare(Kpis.Spec(Unit.Count, Polarity.LowerIsBetter), Q1, new Figures(400, null, null), new Figures(600, null, null));
        Assert.Equal((Significance.Significant, TrendVerdict.Worsening), (trend.Significance, trend.Verdict));
        Assert.True(trend.Interval!.Lower > 1);
        Assert.StartsWith("worsening: 600 against 400 in 2023-Q1 (+50.0%), a significant rise", trend.Reason);
    }

    [Fact]
    public void The_same_rise_is_improving_when_higher_is_better_and_only_significant_when_contextual()
    {
        Assert.Equal(TrendVerdict.Improving, Trends.Compare(Kpis.Spec(Unit.Count, Polarity.HigherIsBetter), Q1, new(400, null, null), new(600, null, null)).Verdict);
        var contextual = Trends.Compare(Kpis.Spec(Unit.Count, Polarity.Contextual), Q1, new(400, null, null), new(600, null, null));
        Assert.Equal((Significance.Significant, TrendVerdict.Changed), (contextual.Significance, contextual.Verdict));
        Assert.Contains("contextual", contextual.Reason);
    }

    [Theory]
    // Exact Clopper-Pearson bounds for the binomial proportion, computed independently by summing binomial terms exactly
    // and bisecting (P(X ≥ 6 | 10, p) = 0.025 at p = 0.2623781, P(X ≤ 6 | 10, p) = 0.025 at p = 0.8784477; R's binom.test agrees).
    [InlineData(6, 10, 0.2623781, 0.8784477)]
    [InlineData(600, 1000, 0.5688784, 0.6305310)]
    public void The_interval_matches_the_exact_binomial_interval(long later, long n, double lower, double upper)
    {
        var interval = Statistics.PoissonRateRatio(n - later, later)!;
        Assert.Equal(lower / (1 - lower), interval.Lower, 4);
        Assert.Equal(upper / (1 - upper), interval.Upper, 4);
    }

    [Fact]
    public void Zero_counts_are_handled_without_logarithms()
    {
        Assert.Null(Statistics.PoissonRateRatio(0, 0));
        var fromNothing = Statistics.PoissonRateRatio(0, 5)!;
        Assert.True(double.IsPositiveInfinity(fromNothing.Upper));
        Assert.False(fromNothing.ExcludesOne); // 0 → 5 is within chance: all 5 in one period has probability 2 × 1/32 = 0.0625
        Assert.True(Statistics.PoissonRateRatio(0, 6)!.ExcludesOne); // 0 → 6 is not: 2 × 1/64 = 0.031
    }

    [Fact]
    public void Rates_are_tested_on_their_counts_with_populations_as_exposure()
    {
        // 23.4 → 25.0 per 1,000 of 280,000 people: 6,552 → 7,000 offences; significant.
        var spec = Kpis.Spec(Unit.RatePer1000);
        var big = Trends.Compare(spec, Q1, new Figures(23.4m, null, 280_000m), new Figures(25.0m, null, 280_000m));
        Assert.Equal(Significance.Significant, big.Significance);
        // The same rates in a population of 1,000: 23 → 25 offences; within chance.
        var small = Trends.Compare(spec, Q1, new Figures(23.4m, null, 1_000m), new Figures(25.0m, null, 1_000m));
        Assert.Equal(Significance.NotSignificant, small.Significance);
        // A growing population alone is no rise in the rate: 100 of 100,000 → 110 of 110,000.
        var growth = Trends.Compare(spec, Q1, new Figures(1.0m, 100m, 100_000m), new Figures(1.0m, 110m, 110_000m));
        Assert.Equal((Direction.Same, TrendVerdict.NoSignificantChange), (growth.Direction, growth.Verdict));
        Assert.Equal(1.0, Math.Sqrt(growth.Interval!.Lower * growth.Interval.Upper), 1);
    }

    [Fact]
    public void Percentages_with_counts_use_two_proportions_and_without_are_not_tested()
    {
        var spec = Kpis.Spec(Unit.Percentage, Polarity.HigherIsBetter);
        var tested = Trends.Compare(spec, Q1, new Figures(50m, 500m, 1000m), new Figures(60m, 600m, 1000m));
        Assert.Equal((Significance.Significant, TrendVerdict.Improving), (tested.Significance, tested.Verdict));
        var few = Trends.Compare(spec, Q1, new Figures(50m, 5m, 10m), new Figures(60m, 6m, 10m));
        Assert.Equal(Significance.NotSignificant, few.Significance);
        var untested = Trends.Compare(spec, Q1, new Figures(50m, null, null), new Figures(60m, null, null));
        Assert.Equal((Significance.NotTested, TrendVerdict.Changed), (untested.Significance, untested.Verdict));
        Assert.Contains("not tested", untested.Reason);
    }

    [Fact]
    public void Pounds_are_never_called_significant()
    {
        var trend = Trends.Compare(Kpis.Spec(Unit.Pounds, Polarity.HigherIsBetter), Q1, new(1000m, null, null), new(100000m, null, null));
        Assert.Equal(Significance.NotTested, trend.Significance);
        Assert.StartsWith("up: £100,000 against £1,000 in 2023-Q1", trend.Reason);
    }
}
