using System.Globalization;

namespace Csp.Kpi.Domain;

public enum Direction { Up, Down, Same }

public enum Significance { Significant, NotSignificant, NotTested }

/// <summary>What a change means for the KPI: better or worse by its polarity when significant; "no significant change"
/// within chance; "changed" when it cannot be tested or the KPI is contextual.</summary>
public enum TrendVerdict { Improving, Worsening, NoSignificantChange, Changed }

/// <summary>A period's value against an earlier one (the previous period, or the same period last year), with its reason in words.</summary>
public sealed record Trend(
    string ComparedWith, decimal EarlierValue, decimal Value, Direction Direction, decimal? ChangePercent, Significance Significance,
    TrendVerdict Verdict, RatioInterval? Interval, string Reason);

/// <summary>
/// Direction of travel with significance (docs/kpis.md, "Significance"). Counts and rates per 1,000 are tested with the
/// Poisson model in <see cref="Statistics.PoissonRateRatio"/> (a rate's count is value × population / 1,000, or its
/// numerator); percentages with numerator and denominator with the two-proportion test; pounds, days, scores and
/// percentages without their counts are "not tested": their direction is shown, never called significant.
/// </summary>
public static class Trends
{
    public static Trend Compare(KpiSpec spec, Period earlierPeriod, Figures earlier, Figures later)
    {
        var direction = later.Value > earlier.Value ? Direction.Up : later.Value < earlier.Value ? Direction.Down : Direction.Same;
        decimal? percent = earlier.Value == 0 ? null : Math.Round((later.Value - earlier.Value) / earlier.Value * 100m, 1, MidpointRounding.AwayFromZero);
        var (significance, interval, why) = Test(spec.Unit, earlier, later);
        var verdict = significance switch
        {
            Significance.NotSignificant => TrendVerdict.NoSignificantChange,
            _ when direction == Direction.Same => TrendVerdict.NoSignificantChange,
            Significance.Significant when spec.Polarity != Polarity.Contextual =>
                (direction == Direction.Up) == (spec.Polarity == Polarity.HigherIsBetter) ? TrendVerdict.Improving : TrendVerdict.Worsening,
            _ => TrendVerdict.Changed,
        };
        var unit = spec.Unit;
        var change = percent is { } p ? $" ({(p > 0 ? "+" : "")}{p.ToString("0.0", CultureInfo.InvariantCulture)}%)" : "";
        var facts = $"{UnitFormat.Format(later.Value, unit)} against {UnitFormat.Format(earlier.Value, unit)} in {earlierPeriod}{change}";
        var rise = direction == Direction.Up ? "rise" : "fall";
        var reason = verdict switch
        {
            TrendVerdict.NoSignificantChange when direction == Direction.Same => $"no change: {facts}",
            TrendVerdict.NoSignificantChange => $"no significant change: {facts}; within chance ({why})",
            TrendVerdict.Improving => $"improving: {facts}, a significant {rise} ({why})",
            TrendVerdict.Worsening => $"worsening: {facts}, a significant {rise} ({why})",
            _ when significance == Significance.Significant => $"a significant {rise}: {facts} ({why}); contextual, so read with its narrative",
            _ => $"{(direction == Direction.Up ? "up" : "down")}: {facts}; {why}",
        };
        return new Trend(earlierPeriod.ToString(), earlier.Value, later.Value, direction, percent, significance, verdict, interval, reason);
    }

    private static (Significance, RatioInterval?, string) Test(Unit unit, Figures earlier, Figures later)
    {
        switch (unit)
        {
            case Unit.Count:
                return Poisson((long)earlier.Value, (long)later.Value, 1, 1);
            case Unit.RatePer1000 when earlier.Denominator is { } d1 && later.Denominator is { } d2:
                return Poisson(Count(earlier, d1), Count(later, d2), (double)d1, (double)d2);
            case Unit.Percentage when earlier.Denominator is { } n1 && later.Denominator is { } n2:
                var (significant, interval) = Statistics.Proportions((double)(earlier.Numerator ?? earlier.Value * n1 / 100m), (double)n1,
                    (double)(later.Numerator ?? later.Value * n2 / 100m), (double)n2);
                return (significant ? Significance.Significant : Significance.NotSignificant, interval,
                    $"two-proportion test at 95%{Describe(interval, "proportions")}");
            case Unit.Percentage:
                return (Significance.NotTested, null, "not tested for significance: the percentages came without their numerators and denominators");
            default:
                return (Significance.NotTested, null, $"not tested for significance: {unit.ToString().ToLowerInvariant()} are not counts");
        }
    }

    private static long Count(Figures f, decimal population) =>
        (long)Math.Round(f.Numerator ?? f.Value * population / 1000m, MidpointRounding.AwayFromZero);

    private static (Significance, RatioInterval?, string) Poisson(long earlier, long later, double e1, double e2)
    {
        var interval = Statistics.PoissonRateRatio(earlier, later, e1, e2);
        if (interval is null) return (Significance.NotSignificant, null, "no events in either period");
        return (interval.ExcludesOne ? Significance.Significant : Significance.NotSignificant, interval,
            $"Poisson model{Describe(interval, "rates")}");
    }

    private static string Describe(RatioInterval? i, string what) => i is null ? "" :
        $", 95% interval for the ratio of the {what} {Number(i.Lower)} to {Number(i.Upper)}{(i.ExcludesOne ? "" : ", which includes 1")}";

    private static string Number(double x) => double.IsPositiveInfinity(x) ? "infinity" : x.ToString(x >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}

/// <summary>The figures of one period that a comparison needs.</summary>
public sealed record Figures(decimal Value, decimal? Numerator, decimal? Denominator)
{
    public static Figures Of(Measurement m) => new(m.Value, m.Numerator, m.Denominator);
}
