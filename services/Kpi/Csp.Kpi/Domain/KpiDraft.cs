using Csp.BuildingBlocks.Validation;

namespace Csp.Kpi.Domain;

public sealed record BaselineDraft(decimal? Value = null, string? Period = null);
public sealed record MilestoneDraft(DateOnly? Date = null, decimal? Value = null);
public sealed record TargetDraft(decimal? Value = null, IReadOnlyList<MilestoneDraft>? Trajectory = null);
public sealed record ToleranceDraft(ToleranceKind? Kind = null, decimal? Amount = null, bool? BothSides = null);

/// <summary>What the manager sends to define a KPI (create: with its <c>code</c>; change: the code is in the path). Every
/// field is optional here so that a missing one is reported by name.</summary>
public sealed record KpiDraft(
    string? Code = null, string? Title = null, string? Counting = null, string? PriorityId = null, string? OwningAgencyId = null,
    string? DataSource = null, int? PublicationLagDays = null, Unit? Unit = null, string? DenominatorSource = null, Polarity? Polarity = null,
    Frequency? Frequency = null, BaselineDraft? Baseline = null, TargetDraft? Target = null, ToleranceDraft? Tolerance = null,
    bool? ActivityIndicator = null, bool? Published = null)
{
    public const int TitleMax = 200;
    public const int TextMax = 4000;
    public const int ShortMax = 200;
    public const int MaxLagDays = 730;
    public const int MaxMilestones = 50;

    /// <summary>Codes that are paths of the KPI API itself.</summary>
    public static readonly IReadOnlySet<string> ReservedCodes = new HashSet<string>(StringComparer.Ordinal) { "scorecard", "imports", "derived" };

    public string? ValidateCode(ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Code)) errors.Add("code", "is required: a lower-case slug such as 'asb-incidents'");
        else if (!Slug.IsValid(Code)) errors.Add("code", "must be a lower-case slug such as 'asb-incidents'");
        else if (ReservedCodes.Contains(Code)) errors.Add("code", $"'{Code}' is reserved by the KPI API");
        else return Code;
        return null;
    }

    /// <param name="partnership">The owning agency must be one of its agencies; null for trusted demo data and derived KPIs.</param>
    public KpiSpec? Validate(ValidationErrors errors, KnownPartnership? partnership)
    {
        var title = errors.RequiredText("title", Title, TitleMax);
        var counting = errors.RequiredText("counting", Counting, TextMax);
        if (string.IsNullOrWhiteSpace(PriorityId) || !Slug.IsValid(PriorityId)) errors.Add("priorityId", "is required: the id of the plan priority the KPI serves, a slug such as 'reducing-reoffending'");
        if (string.IsNullOrWhiteSpace(OwningAgencyId) || !Slug.IsValid(OwningAgencyId)) errors.Add("owningAgencyId", "is required: an agency id such as 'kent-police'");
        else if (partnership is not null && !partnership.HasAgency(OwningAgencyId)) errors.Add("owningAgencyId", $"'{OwningAgencyId}' is not an agency of this partnership");
        var source = errors.RequiredText("dataSource", DataSource, ShortMax);
        var lag = PublicationLagDays ?? 0;
        if (lag is < 0 or > MaxLagDays) errors.Add("publicationLagDays", $"must be between 0 and {MaxLagDays} days after the period ends");
        if (Unit is null) errors.Add("unit", "is required: count, percentage, rate-per1000, pounds, days or score");
        if (Polarity is null) errors.Add("polarity", "is required: higher-is-better, lower-is-better or contextual");
        if (Frequency is null) errors.Add("frequency", "is required: monthly, quarterly or annual");
        var denominator = errors.OptionalText("denominatorSource", DenominatorSource, ShortMax);
        if (Unit == Domain.Unit.RatePer1000 && denominator is null)
            errors.Add("denominatorSource", "is required for a rate per 1,000: where the population comes from (e.g. 'ONS mid-year estimate 2022')");
        else if (Unit is not (null or Domain.Unit.RatePer1000 or Domain.Unit.Percentage) && denominator is not null)
            errors.Add("denominatorSource", "applies only to rates and percentages");
        var activity = ActivityIndicator ?? false;
        if (errors.Fields.Any(f => f is "unit" or "frequency")) return null;

        var unit = Unit!.Value;
        var frequency = Frequency!.Value;
        Baseline? baseline = null;
        if (Baseline is { } b)
        {
            if (b.Value is not { } value) errors.Add("baseline.value", "is required with a baseline");
            else UnitRules.Check("baseline.value", value, unit, errors);
            if (!Period.TryParse(b.Period, frequency, out var period)) errors.Add("baseline.period", $"must be {Period.Example(frequency)}, as the KPI is {frequency.ToString().ToLowerInvariant()}");
            else if (b.Value is { } v) baseline = new Baseline(v, period);
        }

        Target? target = null;
        if (Target is { } t)
        {
            if (activity) errors.Add("target", "an activity indicator is tracked without a target");
            else target = ValidateTarget(t, unit, errors);
        }
        else if (!activity && Polarity is not Domain.Polarity.Contextual)
            errors.Add("target", "is required (a value or a trajectory of dated milestones), unless the KPI is contextual or an activity indicator");

        Tolerance? tolerance = null;
        if (Tolerance is { } tol)
        {
            if (activity) errors.Add("tolerance", "an activity indicator has no target, so no tolerance");
            if (tol.Kind is null) errors.Add("tolerance.kind", "is required: absolute or percentage");
            if (tol.Amount is not { } amount || amount < 0) errors.Add("tolerance.amount", "is required and must not be negative");
            else if (tol.Kind == ToleranceKind.Percentage && amount > 100) errors.Add("tolerance.amount", "a percentage tolerance is at most 100%");
            else if (tol.Kind is { } kind) tolerance = new Tolerance(kind, amount, tol.BothSides ?? false);
        }

        if (!errors.IsEmpty) return null;
        return new KpiSpec(title!, counting!, PriorityId!, OwningAgencyId!, source!, lag, unit, denominator, Polarity!.Value, frequency,
            baseline, target, tolerance, activity, Published ?? false);
    }

    private static Target? ValidateTarget(TargetDraft t, Unit unit, ValidationErrors errors)
    {
        var hasTrajectory = t.Trajectory is { Count: > 0 };
        if (t.Value is not null && hasTrajectory) { errors.Add("target", "is either a value or a trajectory, not both"); return null; }
        if (t.Value is { } value)
        {
            UnitRules.Check("target.value", value, unit, errors);
            return Domain.Target.Fixed(value);
        }
        if (!hasTrajectory) { errors.Add("target", "needs a value or a trajectory of at least two dated milestones"); return null; }
        var milestones = t.Trajectory!;
        if (milestones.Count is < 2 or > MaxMilestones) { errors.Add("target.trajectory", $"needs 2 to {MaxMilestones} milestones"); return null; }
        var valid = new List<Milestone>();
        for (var i = 0; i < milestones.Count; i++)
        {
            var m = milestones[i];
            if (m.Date is null) errors.Add($"target.trajectory[{i}].date", "is required");
            if (m.Value is null) errors.Add($"target.trajectory[{i}].value", "is required");
            else UnitRules.Check($"target.trajectory[{i}].value", m.Value.Value, unit, errors);
            if (m.Date is { } d && m.Value is { } v) valid.Add(new Milestone(d, v));
        }
        if (valid.Select(m => m.Date).Distinct().Count() != valid.Count) errors.Add("target.trajectory", "has two milestones on the same date");
        return errors.IsEmpty ? Domain.Target.Of([.. valid]) : null;
    }
}

/// <summary>What a value may be in each unit: a count is a whole number, not negative; a percentage is 0 to 100; a rate,
/// days are not negative; pounds have at most 2 decimal places.</summary>
public static class UnitRules
{
    public const int MaxDecimals = 6;

    public static bool Check(string field, decimal value, Unit unit, ValidationErrors errors)
    {
        var before = errors.Fields.Count;
        if (Decimals(value) > MaxDecimals) errors.Add(field, $"has more than {MaxDecimals} decimal places");
        switch (unit)
        {
            case Unit.Count when value < 0 || value % 1 != 0: errors.Add(field, "must be a whole number, not negative, for a count"); break;
            case Unit.Percentage when value is < 0 or > 100: errors.Add(field, "must be between 0 and 100 for a percentage"); break;
            case Unit.RatePer1000 when value < 0: errors.Add(field, "must not be negative for a rate per 1,000"); break;
            case Unit.Days when value < 0: errors.Add(field, "must not be negative for a number of days"); break;
            case Unit.Pounds when Decimals(value) > 2: errors.Add(field, "must be in pounds and pence (at most 2 decimal places)"); break;
        }
        return errors.Fields.Count == before;
    }

    /// <summary>Decimal places that carry a digit: 1.50 has 1.</summary>
    public static int Decimals(decimal value) => (decimal.GetBits(value / 1.000000000000000000000000000000000m)[3] >> 16) & 0xFF;
}
