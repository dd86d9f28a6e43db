namespace Csp.Kpi.Domain;

/// <summary>A dated point of a target trajectory: the value to reach by <see cref="Date"/>.</summary>
public sealed record Milestone(DateOnly Date, decimal Value);

/// <summary>
/// A KPI's target: one value for every period, or a trajectory of dated milestones (seed 003: beat-officer teams at 50% by
/// June 2023, 100% by September 2024).
/// <para><b>The interpolation rule.</b> A period's target is read at the period's last day <c>d</c>. Before or on the first
/// milestone's date it is the first milestone's value; on or after the last milestone's date, the last one's value; in
/// between, the straight line between the two milestones around <c>d</c>, by calendar days:
/// <c>v1 + (v2 - v1) × (d - d1) / (d2 - d1)</c>, rounded to 2 decimal places (half away from zero). Exact decimals, no floating point.</para>
/// </summary>
public sealed record Target(decimal? Value, IReadOnlyList<Milestone>? Trajectory)
{
    public static Target Fixed(decimal value) => new(value, null);
    public static Target Of(params Milestone[] milestones) => new(null, milestones.OrderBy(m => m.Date).ToList());

    public bool IsTrajectory => Trajectory is { Count: > 0 };

    public decimal For(Period period) => IsTrajectory ? Interpolate(Trajectory!, period.End) : Value!.Value;

    public static decimal Interpolate(IReadOnlyList<Milestone> milestones, DateOnly day)
    {
        if (day <= milestones[0].Date) return milestones[0].Value;
        if (day >= milestones[^1].Date) return milestones[^1].Value;
        for (var i = 1; i < milestones.Count; i++)
        {
            var (from, to) = (milestones[i - 1], milestones[i]);
            if (day > to.Date) continue;
            decimal elapsed = day.DayNumber - from.Date.DayNumber, span = to.Date.DayNumber - from.Date.DayNumber;
            return Math.Round(from.Value + (to.Value - from.Value) * elapsed / span, 2, MidpointRounding.AwayFromZero);
        }
        return milestones[^1].Value;
    }
}

public enum ToleranceKind { Absolute, Percentage }

/// <summary>
/// How far on the wrong side of the target a value may be and still be amber. <see cref="ToleranceKind.Absolute"/>: in the
/// KPI's unit; <see cref="ToleranceKind.Percentage"/>: that share of the target. One-sided (the default): a value on the
/// better side of the target is green however far. <see cref="BothSides"/>: overshooting by more than the tolerance is
/// amber as well (for KPIs where too much is also a problem: spend ahead of profile, a team over establishment); it is
/// never red.
/// </summary>
public sealed record Tolerance(ToleranceKind Kind, decimal Amount, bool BothSides = false)
{
    public decimal Width(decimal target) => Kind == ToleranceKind.Absolute ? Amount : Math.Abs(target) * Amount / 100m;

    public string Describe(Unit unit) => Kind == ToleranceKind.Percentage
        ? $"{Amount.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}% tolerance"
        : $"tolerance of {UnitFormat.FormatDifference(Amount, unit)}";
}

/// <summary>Where a KPI started from: a value in a period.</summary>
public sealed record Baseline(decimal Value, Period Period);
