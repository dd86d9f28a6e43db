using Csp.BuildingBlocks.Time;
using Csp.Risk.Storage;
using Prometheus;

namespace Csp.Risk;

/// <summary>
/// Business gauges for the governance dashboards, computed from Redis when Prometheus scrapes:
/// <c>csp_risks{partnership,band}</c> (open risks by current band), <c>csp_risks_above_tolerance{partnership}</c> and
/// <c>csp_risk_reviews_overdue{partnership}</c>. Labels are bounded (partnership ids and the matrix's band ids).
/// </summary>
public sealed class RiskMetrics(IServiceScopeFactory scopes, TimeProvider clock)
{
    private static readonly Gauge Risks = Metrics.CreateGauge("csp_risks", "Open risks by partnership and current band.",
        new GaugeConfiguration { LabelNames = ["partnership", "band"] });
    private static readonly Gauge AboveTolerance = Metrics.CreateGauge("csp_risks_above_tolerance", "Open risks whose current rating is above the partnership's tolerance line.",
        new GaugeConfiguration { LabelNames = ["partnership"] });
    private static readonly Gauge ReviewsOverdue = Metrics.CreateGauge("csp_risk_reviews_overdue", "Open risks past their next review date (UK calendar).",
        new GaugeConfiguration { LabelNames = ["partnership"] });

    public void Register() => Metrics.DefaultRegistry.AddBeforeCollectCallback(RefreshAsync);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        IServiceScope scope;
        try { scope = scopes.CreateScope(); }
        catch (ObjectDisposedException) { return; } // a stopped host in the same process (tests): nothing to report
        using var _ = scope;
        var store = scope.ServiceProvider.GetRequiredService<RiskStore>();
        var today = UkTime.Today(clock);
        var byBand = new Dictionary<string[], int>();
        var above = new Dictionary<string[], int>();
        var overdue = new Dictionary<string[], int>();
        var partnerships = await store.ListPartnershipsAsync();
        foreach (var partnership in partnerships)
        {
            var matrix = await store.GetMatrixAsync(partnership);
            var open = (await store.ListRisksAsync(partnership)).Select(r => r.Value).Where(r => r.IsOpen).ToList();
            foreach (var band in matrix.Bands) byBand[[partnership, band.Id]] = open.Count(r => r.Current.Band == band.Id);
            above[[partnership]] = open.Count(r => matrix.IsAboveTolerance(r.Current));
            overdue[[partnership]] = open.Count(r => r.IsReviewOverdue(today));
        }
        Replace(Risks, byBand, partnerships);
        Replace(AboveTolerance, above, partnerships);
        Replace(ReviewsOverdue, overdue, partnerships);
    }

    /// <summary>Sets the gauge to exactly these series for these partnerships: series that no longer exist (e.g. a band
    /// the new matrix dropped) are removed, not left stale. Series of other partnerships are left alone.</summary>
    private static void Replace(Gauge gauge, Dictionary<string[], int> values, IReadOnlyList<string> partnerships)
    {
        var keep = values.Keys.Select(k => string.Join('\u001f', k)).ToHashSet();
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            if (partnerships.Contains(labels[0]) && !keep.Contains(string.Join('\u001f', labels))) gauge.RemoveLabelled(labels);
        foreach (var (labels, value) in values) gauge.WithLabels(labels).Set(value);
    }
}
