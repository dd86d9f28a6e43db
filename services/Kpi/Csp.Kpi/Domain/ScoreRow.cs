namespace Csp.Kpi.Domain;

/// <summary>
/// What the scorecard shows for one KPI in one period, computed when a measurement is recorded and stored, so a
/// scorecard reads a handful of keys and computes nothing. The <see cref="Judgement"/> is kept as it was made (with the
/// definition version it used); the trends are recomputed when a period they compare with is revised. It holds no note
/// and no submitter: what the public page may show is all a row ever contains.
/// </summary>
public sealed record ScoreRow(
    Period Period, decimal Value, decimal? Numerator, decimal? Denominator, int Revision, Provenance Provenance, DateTimeOffset RecordedAt,
    Judgement Judgement, Trend? VsPrevious, Trend? VsLastYear)
{
    /// <summary>The row of a measurement (with the RAG it was judged with) and its trends.</summary>
    public static ScoreRow For(KpiSpec spec, Measurement m, Measurement? previous, Measurement? lastYear) =>
        new(m.Period, m.Value, m.Numerator, m.Denominator, m.Revision, m.Provenance, m.RecordedAt,
            m.Judgement, Compare(spec, m, previous), Compare(spec, m, lastYear));

    /// <summary>The same row with its trends against (possibly revised) earlier measurements; its RAG stays as judged.</summary>
    private static Trend? Compare(KpiSpec spec, Measurement m, Measurement? earlier) =>
        earlier is null ? null : Trends.Compare(spec, earlier.Period, Figures.Of(earlier), Figures.Of(m));
}

/// <summary>A KPI's data lag: its latest period, when the next is expected (the end of the next period plus the expected
/// publication lag), and whether that date has passed (late).</summary>
public sealed record DataLag(string? LatestPeriod, DateOnly? NextExpected, bool Late, int? AgeDays)
{
    public static DataLag Of(KpiSpec spec, Period? latest, DateOnly today)
    {
        if (latest is not { } p) return new DataLag(null, null, false, null);
        var next = p.Next.End.AddDays(spec.PublicationLagDays);
        return new DataLag(p.ToString(), next, today > next, today.DayNumber - p.End.DayNumber);
    }
}

/// <summary>
/// A KPI's series of measurements in brief: the latest period measured, how many measurements there are (revisions
/// included) and the KPI's current RAG (that of its latest period) with its value, so that a change of RAG is noticed
/// and published once. Its version guards every write of the KPI's measurements.
/// </summary>
public sealed class KpiSeries
{
    public string Code { get; private set; } = "";
    public Period? LatestPeriod { get; private set; }
    public int MeasurementCount { get; private set; }
    public Rag? CurrentRag { get; private set; }
    public decimal? CurrentValue { get; private set; }

    public static KpiSeries Empty(string code) => new() { Code = code };

    /// <summary>The series after <paramref name="row"/> is stored; <paramref name="ragChange"/> is set when the current RAG
    /// changed (a new latest period judged differently, or a revision of the latest that changed its RAG).</summary>
    public KpiSeries With(ScoreRow row, out RagChange? ragChange)
    {
        ragChange = null;
        var next = new KpiSeries { Code = Code, LatestPeriod = LatestPeriod, MeasurementCount = MeasurementCount + 1, CurrentRag = CurrentRag, CurrentValue = CurrentValue };
        if (LatestPeriod is { } latest && row.Period < latest) return next;
        next.LatestPeriod = row.Period;
        next.CurrentRag = row.Judgement.Rag;
        next.CurrentValue = row.Value;
        if (CurrentRag is { } before && before != row.Judgement.Rag)
            ragChange = new RagChange(Code, row.Period, before, CurrentValue, row.Judgement.Rag, row.Value, row.Judgement.Target, row.Judgement.Reason);
        else if (CurrentRag is null && row.Judgement.Rag != Rag.None)
            ragChange = new RagChange(Code, row.Period, null, null, row.Judgement.Rag, row.Value, row.Judgement.Target, row.Judgement.Reason);
        return next;
    }
}

/// <summary>A change of a KPI's current RAG, with both values and the reason for the new one.</summary>
public sealed record RagChange(string Code, Period Period, Rag? PreviousRag, decimal? PreviousValue, Rag Rag, decimal Value, decimal? Target, string Reason);
