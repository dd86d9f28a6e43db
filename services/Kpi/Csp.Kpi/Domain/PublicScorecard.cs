namespace Csp.Kpi.Domain;

/// <summary>A KPI's baseline as the API shows it.</summary>
public sealed record BaselineView(decimal Value, string Period)
{
    public static BaselineView? Of(Baseline? b) => b is null ? null : new BaselineView(b.Value, b.Period.ToString());
}

/// <summary>The public scorecard: published KPIs only, and of them only what a resident may read (no notes, no
/// submitters, no owning-agency internals beyond the agency's id).</summary>
public sealed record PublicScorecardView(string PartnershipId, DateOnly Today, IReadOnlyList<PublicPriorityView> Priorities)
{
    public static PublicScorecardView Of(Scorecard card) =>
        new(card.PartnershipId, card.Today, card.Priorities
            .Select(g => new PublicPriorityView(g.PriorityId, g.Kpis.Where(k => k.Published).Select(PublicKpiView.Of).ToList()))
            .Where(g => g.Kpis.Count > 0).ToList());
}

public sealed record PublicPriorityView(string PriorityId, IReadOnlyList<PublicKpiView> Kpis);

public sealed record PublicKpiView(
    string Code, string Title, string Counting, string DataSource, Unit Unit, Polarity Polarity, Frequency Frequency, BaselineView? Baseline,
    string? Period, decimal? Value, string? ValueText, decimal? Target, Rag Rag, string RagReason, string? VsPrevious, string? VsLastYear,
    IReadOnlyList<SparkPoint> Sparkline, string? LatestPeriod, DateOnly? NextExpected, bool Late)
{
    public static PublicKpiView Of(KpiCard k) =>
        new(k.Code, k.Title, k.Counting, k.DataSource, k.Unit, k.Polarity, k.Frequency, BaselineView.Of(k.Baseline), k.Period, k.Value, k.ValueText,
            k.Target, k.Rag, k.RagReason, k.VsPrevious?.Reason, k.VsLastYear?.Reason, k.Sparkline, k.DataLag.LatestPeriod, k.DataLag.NextExpected, k.DataLag.Late);
}
