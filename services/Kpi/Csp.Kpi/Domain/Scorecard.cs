namespace Csp.Kpi.Domain;

/// <summary>One point of a sparkline: a period and its value (null when nothing was measured).</summary>
public sealed record SparkPoint(string Period, decimal? Value);

/// <summary>One KPI on the scorecard: what it is, the period shown with its value, target, RAG and reason, its trends,
/// the last <see cref="Scorecards.SparklinePeriods"/> periods and its data lag.</summary>
public sealed record KpiCard(
    string Code, string Title, string Counting, string OwningAgencyId, string DataSource, Unit Unit, string? DenominatorSource, Polarity Polarity,
    Frequency Frequency, bool ActivityIndicator, bool Published, bool Derived, int DefinitionVersion, Baseline? Baseline,
    string? Period, decimal? Value, string? ValueText, decimal? Target, Rag Rag, string RagReason, int? JudgedAgainstVersion,
    Trend? VsPrevious, Trend? VsLastYear, IReadOnlyList<SparkPoint> Sparkline, DataLag DataLag);

public sealed record PriorityScorecard(string PriorityId, int Green, int Amber, int Red, int None, IReadOnlyList<KpiCard> Kpis);

/// <summary>What the scorecard reads of one KPI: the row of the period shown (the newest with a value in the window) and
/// the window's values, for the sparkline.</summary>
public sealed record ScorecardSlice(ScoreRow? Shown, IReadOnlyDictionary<Period, decimal> Values);

public sealed record Scorecard(string PartnershipId, string? AsAt, DateOnly Today, IReadOnlyList<PriorityScorecard> Priorities);

/// <summary>
/// Builds the scorecard from stored rows only (nothing is computed per measurement at read time). For each KPI the period
/// shown is its latest measured period, or, when a period is asked for, the latest measured period of the KPI's own
/// frequency that ends on or before the asked period's end (within the sparkline's window); KPIs are grouped by
/// priority (in id order), each group counting its RAGs.
/// </summary>
public static class Scorecards
{
    public const int SparklinePeriods = 8;

    /// <summary>The periods a KPI's part of the scorecard reads, newest last: the window ending at the asked period (or the latest).</summary>
    public static IReadOnlyList<Period> Window(KpiDefinition kpi, KpiSeries? series, Period? asked)
    {
        Period? end = asked is { } a ? Period.Containing(a.End, kpi.Spec.Frequency) : series?.LatestPeriod;
        if (asked is not null && series?.LatestPeriod is { } latest && latest < end!.Value) end = latest;
        return end is { } e ? WindowEndingAt(e) : [];
    }

    /// <summary>The <see cref="SparklinePeriods"/> periods ending at <paramref name="end"/>, oldest first.</summary>
    public static IReadOnlyList<Period> WindowEndingAt(Period end) =>
        Enumerable.Range(0, SparklinePeriods).Select(i => end.Minus(SparklinePeriods - 1 - i)).ToList();

    /// <summary>The entry a write of a KPI's measurements leaves on the (current) scorecard: the row of its latest period
    /// and the values of the window ending there, the rows being written taking the place of those stored.</summary>
    public static ScorecardEntry Entry(KpiDefinition kpi, Period latest, IReadOnlyList<ScoreRow> written, ScoreRow? storedLatest, IReadOnlyDictionary<Period, decimal> storedValues)
    {
        var values = new Dictionary<Period, decimal>(storedValues);
        foreach (var row in written) values[row.Period] = row.Value;
        var shown = written.LastOrDefault(r => r.Period == latest) ?? storedLatest;
        var sparkline = WindowEndingAt(latest).Select(p => new SparkPoint(p.ToString(), values.TryGetValue(p, out var v) ? v : null)).ToList();
        return new ScorecardEntry(Card(kpi, shown, sparkline, DataLag.Of(kpi.Spec, latest, latest.End)), latest);
    }

    public static Scorecard Build(string partnershipId, Period? asked, DateOnly today, IEnumerable<KpiDefinition> kpis,
        IReadOnlyDictionary<string, KpiSeries> series, IReadOnlyDictionary<string, ScorecardSlice> slices)
    {
        var cards = kpis.Select(k =>
        {
            var s = series.GetValueOrDefault(k.Code);
            var window = Window(k, s, asked);
            var slice = slices.GetValueOrDefault(k.Code);
            return (k.Spec.PriorityId, Card: Card(k, slice?.Shown, window.Select(p => new SparkPoint(p.ToString(),
                    slice is not null && slice.Values.TryGetValue(p, out var v) ? v : null)).ToList(),
                DataLag.Of(k.Spec, s?.LatestPeriod, today)));
        });
        var groups = cards.GroupBy(c => c.PriorityId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var list = g.Select(c => c.Card).OrderBy(c => c.Code, StringComparer.Ordinal).ToList();
                return new PriorityScorecard(g.Key, list.Count(c => c.Rag == Rag.Green), list.Count(c => c.Rag == Rag.Amber),
                    list.Count(c => c.Rag == Rag.Red), list.Count(c => c.Rag == Rag.None), list);
            }).ToList();
        return new Scorecard(partnershipId, asked?.ToString(), today, groups);
    }

    /// <summary>One KPI's entry: its definition, the row shown (null: nothing measured), its sparkline and data lag.</summary>
    public static KpiCard Card(KpiDefinition k, ScoreRow? row, IReadOnlyList<SparkPoint> sparkline, DataLag lag)
    {
        var s = k.Spec;
        return new KpiCard(k.Code, s.Title, s.Counting, s.OwningAgencyId, s.DataSource, s.Unit, s.DenominatorSource, s.Polarity, s.Frequency,
            s.ActivityIndicator, s.Published, k.Derived, k.Version, s.Baseline,
            row?.Period.ToString(), row?.Value, row is null ? null : UnitFormat.Format(row.Value, s.Unit), row?.Judgement.Target,
            row?.Judgement.Rag ?? Rag.None, row?.Judgement.Reason ?? "no RAG: nothing measured yet", row?.Judgement.DefinitionVersion,
            row?.VsPrevious, row?.VsLastYear, sparkline, lag);
    }
}

/// <summary>What a write of a KPI's measurements makes of its scorecard entry: the entry as the scorecard shows it after
/// the write (its data lag as of no particular day: the read decides "late" and the age), and its latest period.</summary>
public sealed record ScorecardEntry(KpiCard Card, Period Latest);
