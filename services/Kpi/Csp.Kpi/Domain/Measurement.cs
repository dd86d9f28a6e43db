using Csp.BuildingBlocks.Validation;

namespace Csp.Kpi.Domain;

/// <summary>
/// A value of a KPI for a period, as recorded: never changed afterwards. A revision is a new measurement for the same
/// period with the next <see cref="Revision"/> number; the earlier one is kept and shown as superseded. Each carries the
/// RAG it was judged with when recorded (and the definition version used), so a later change of target rewrites no past RAG.
/// A revision is judged against the definition in force when it is recorded.
/// </summary>
public sealed record Measurement(
    string KpiCode, Period Period, int Revision, decimal Value, decimal? Numerator, decimal? Denominator,
    string Source, string? Note, Provenance Provenance, string SubmittedBy, string SubmittedByName, DateTimeOffset RecordedAt, Judgement Judgement)
{
    /// <summary>Whether a new measurement says the same as this one (importing a file twice, a derived value recomputed):
    /// then no revision is made.</summary>
    public bool SameFigures(MeasuredValue other) => Value == other.Value && Numerator == other.Numerator && Denominator == other.Denominator;
}

/// <summary>A validated value for a period, before it is recorded.</summary>
public sealed record MeasuredValue(Period Period, decimal Value, decimal? Numerator, decimal? Denominator, string Source, string? Note);

/// <summary>What a partner sends to record (or revise) a measurement. Every field is optional here so a missing one is
/// reported by name.</summary>
public sealed record MeasurementDraft(string? Period = null, decimal? Value = null, decimal? Numerator = null, decimal? Denominator = null,
    string? Source = null, string? Note = null)
{
    public const int NoteMax = 2000;
    public const int SourceMax = 200;

    /// <param name="fixedPeriod">For a revision, the period in the path (the body's is then ignored).</param>
    public MeasuredValue? Validate(KpiDefinition kpi, ValidationErrors errors, string? fixedPeriod = null, string defaultSource = "")
    {
        var spec = kpi.Spec;
        var periodText = fixedPeriod ?? Period;
        Period period = default;
        if (string.IsNullOrWhiteSpace(periodText)) errors.Add("period", $"is required: {Domain.Period.Example(spec.Frequency)}");
        else if (!Domain.Period.TryParse(periodText, spec.Frequency, out period))
            errors.Add("period", Domain.Period.FrequencyOf(periodText) is { } other
                ? $"'{periodText}' is a {other.ToString().ToLowerInvariant()} period, but {kpi.Code} is measured {Adverb(spec.Frequency)}: give {Domain.Period.Example(spec.Frequency)}"
                : $"must be {Domain.Period.Example(spec.Frequency)}");
        var source = errors.OptionalText("source", Source, SourceMax) ?? (string.IsNullOrEmpty(defaultSource) ? spec.DataSource : defaultSource);
        var note = errors.OptionalText("note", Note, NoteMax);
        if (Value is not { } value) { errors.Add("value", "is required"); return null; }
        UnitRules.Check("value", value, spec.Unit, errors);
        CheckRatio(value, spec.Unit, errors);
        return errors.IsEmpty ? new MeasuredValue(period, value, Numerator, Denominator, source, note) : null;
    }

    /// <summary>A rate needs its denominator (the population); a numerator or denominator, when given, must agree with the
    /// value to the precision the value is written in.</summary>
    private void CheckRatio(decimal value, Unit unit, ValidationErrors errors)
    {
        if (unit is not (Unit.RatePer1000 or Unit.Percentage))
        {
            if (Numerator is not null) errors.Add("numerator", "applies only to rates and percentages");
            if (Denominator is not null) errors.Add("denominator", "applies only to rates and percentages");
            return;
        }
        if (unit == Unit.RatePer1000 && Denominator is null) { errors.Add("denominator", "is required for a rate per 1,000: the population the rate is per"); return; }
        if (Numerator is not null && Denominator is null) { errors.Add("denominator", "is required with a numerator"); return; }
        if (Denominator is not { } denominator) return;
        if (denominator <= 0) { errors.Add("denominator", "must be more than 0"); return; }
        if (Numerator is not { } numerator) return;
        if (numerator < 0) { errors.Add("numerator", "must not be negative"); return; }
        if (unit == Unit.Percentage && numerator > denominator) { errors.Add("numerator", "must not exceed the denominator for a percentage"); return; }
        var scale = unit == Unit.RatePer1000 ? 1000m : 100m;
        var implied = numerator * scale / denominator;
        var halfStep = 0.5m / (decimal)Math.Pow(10, UnitRules.Decimals(value));
        if (Math.Abs(implied - value) > halfStep)
            errors.Add("value", $"does not match numerator / denominator: {numerator} / {denominator} × {scale:0} = {Math.Round(implied, 4)}");
    }

    private static string Adverb(Frequency f) => f switch { Frequency.Monthly => "monthly", Frequency.Quarterly => "quarterly", _ => "annually" };
}
