using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Time;
using Csp.Funding.Domain;
using Csp.Funding.Storage;
using Prometheus;

namespace Csp.Funding;

/// <summary>
/// Business gauges for the dashboards, computed from Redis when Prometheus scrapes, by one replica only
/// (<see cref="BusinessGauges"/>), in integer pence: <c>csp_funding_awarded_pence</c>, <c>csp_funding_spent_pence</c>,
/// <c>csp_funding_released_pence</c>, <c>csp_funding_forecast_underspend_pence</c> by partnership, programme and year, and
/// <c>csp_funding_returns_overdue</c> by partnership. Labels are bounded: partnership ids, programme ids (a handful per
/// funder per year) and financial years; withdrawn allocations are left out.
/// </summary>
public sealed class FundingMetrics(TimeProvider clock)
{
    private static readonly string[] Labels = ["partnership", "programme", "year"];
    private static readonly Gauge Awarded = Metrics.CreateGauge("csp_funding_awarded_pence", "Awarded, in pence, by partnership, programme and year.", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge Spent = Metrics.CreateGauge("csp_funding_spent_pence", "Spent, in pence, by partnership, programme and year.", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge Released = Metrics.CreateGauge("csp_funding_released_pence", "Released (tranches paid), in pence, by partnership, programme and year.", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge ForecastUnderspend = Metrics.CreateGauge("csp_funding_forecast_underspend_pence", "Forecast underspend from the latest return, in pence.", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge ReturnsOverdue = Metrics.CreateGauge("csp_funding_returns_overdue", "Monitoring returns past their due date and not submitted.", new GaugeConfiguration { LabelNames = ["partnership"] });

    public void Register(IServiceProvider services) => BusinessGauges.Register(services, RefreshAsync, Awarded, Spent, Released, ForecastUnderspend, ReturnsOverdue);

    public async Task RefreshAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<FundingStore>();
        var today = UkTime.Today(clock);
        var awarded = new Dictionary<string[], long>();
        var spent = new Dictionary<string[], long>();
        var released = new Dictionary<string[], long>();
        var underspend = new Dictionary<string[], long>();
        var overdue = new Dictionary<string[], int>();
        var partnerships = await store.ListPartnershipsAsync();
        foreach (var partnership in partnerships)
        {
            var overdueHere = 0;
            foreach (var a in (await store.ListAllocationsAsync(partnership)).Select(v => v.Value).Where(a => a.Status != AllocationStatus.Withdrawn))
            {
                var t = a.Totals(today);
                string[] key = [partnership, a.Id, a.Year.ToString()];
                awarded[key] = t.Awarded.Pence;
                spent[key] = t.Spent.Pence;
                released[key] = t.Released.Pence;
                underspend[key] = (t.ForecastUnderspend ?? Money.Zero).Pence;
                overdueHere += t.ReturnsOverdue;
            }
            overdue[[partnership]] = overdueHere;
        }
        BusinessGauges.Replace(Awarded, awarded, partnerships);
        BusinessGauges.Replace(Spent, spent, partnerships);
        BusinessGauges.Replace(Released, released, partnerships);
        BusinessGauges.Replace(ForecastUnderspend, underspend, partnerships);
        BusinessGauges.Replace(ReturnsOverdue, overdue, partnerships);
    }
}
