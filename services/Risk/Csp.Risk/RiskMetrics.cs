using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Time;
using Csp.Risk.Storage;
using Prometheus;

namespace Csp.Risk;

/// <summary>
/// Business gauges for the governance dashboards, computed from Redis when Prometheus scrapes, by one replica only
/// (<see cref="BusinessGauges"/>):
/// <c>csp_risks{partnership,band}</c> (open risks by current band), <c>csp_risks_above_tolerance{partnership}</c> and
/// <c>csp_risk_reviews_overdue{partnership}</c>. Labels are bounded (partnership ids and the matrix's band ids).
/// </summary>
public sealed class RiskMetrics(TimeProvider clock)
{
    private static readonly Gauge Risks = Metrics.CreateGauge("csp_risks", "Open risks by partnership and current band.",
        new GaugeConfiguration { LabelNames = ["partnership", "band"] });
    private static readonly Gauge AboveTolerance = Metrics.CreateGauge("csp_risks_above_tolerance", "Open risks whose current rating is above the partnership's tolerance line.",
        new GaugeConfiguration { LabelNames = ["partnership"] });
    private static readonly Gauge ReviewsOverdue = Metrics.CreateGauge("csp_risk_reviews_overdue", "Open risks past their next review date (UK calendar).",
        new GaugeConfiguration { LabelNames = ["partnership"] });

    public void Register(IServiceProvider services) => BusinessGauges.Register(services, RefreshAsync, Risks, AboveTolerance, ReviewsOverdue);

    public async Task RefreshAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<RiskStore>();
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
            above[[partnership]] = open.Count(r => r.IsAboveTolerance(matrix));
            overdue[[partnership]] = open.Count(r => r.IsReviewOverdue(today));
        }
        BusinessGauges.Replace(Risks, byBand, partnerships);
        BusinessGauges.Replace(AboveTolerance, above, partnerships);
        BusinessGauges.Replace(ReviewsOverdue, overdue, partnerships);
    }
}
