using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;
using Prometheus;

namespace Csp.Kpi;

/// <summary>
/// Business gauges for the governance dashboards, computed from the stored scorecard when Prometheus scrapes, by one
/// replica only (<see cref="BusinessGauges"/>), each KPI at its latest period: <c>csp_kpi_value</c>, <c>csp_kpi_target</c>
/// (KPIs with a target), <c>csp_kpi_rag</c> (0 green, 1 amber, 2 red, -1 none) and <c>csp_kpi_data_age_days</c> (days since
/// the latest measured period ended). Labels: partnership, priority, kpi (the KPI code) - bounded by the KPIs the
/// partnerships define. <c>csp_kpi_info{partnership,priority,kpi,polarity}</c> is 1 for each KPI with a value, so dashboards
/// can colour lower-is-better KPIs the right way round (join on kpi). The scorecard's own rule is used (<see cref="Scorecards"/>): nothing is judged again here.
/// </summary>
public sealed class KpiMetrics(TimeProvider clock)
{
    private static readonly string[] Labels = ["partnership", "priority", "kpi"];
    private static readonly Gauge Value = Metrics.CreateGauge("csp_kpi_value", "A KPI's value in its latest measured period, in its unit.", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge Target = Metrics.CreateGauge("csp_kpi_target", "A KPI's target for its latest measured period (KPIs with a target).", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge RagGauge = Metrics.CreateGauge("csp_kpi_rag", "A KPI's RAG in its latest measured period: 0 green, 1 amber, 2 red, -1 none.", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge DataAge = Metrics.CreateGauge("csp_kpi_data_age_days", "Days since the end of a KPI's latest measured period.", new GaugeConfiguration { LabelNames = Labels });
    private static readonly Gauge Info = Metrics.CreateGauge("csp_kpi_info", "1 for each KPI with a value; its polarity (higher-is-better, lower-is-better, contextual) as a label.",
        new GaugeConfiguration { LabelNames = [.. Labels, "polarity"] });

    public void Register(IServiceProvider services) => BusinessGauges.Register(services, RefreshAsync, Value, Target, RagGauge, DataAge, Info);

    public static int RagCode(Rag rag) => rag switch { Rag.Green => 0, Rag.Amber => 1, Rag.Red => 2, _ => -1 };

    public async Task RefreshAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<KpiStore>();
        var today = UkTime.Today(clock);
        var partnerships = await store.ListPartnershipsAsync();
        var (values, targets, rags, ages) = (new Dictionary<string[], double>(), new Dictionary<string[], double>(), new Dictionary<string[], double>(), new Dictionary<string[], double>());
        var info = new Dictionary<string[], double>();
        foreach (var partnership in partnerships)
        {
            var scorecard = await store.ReadScorecardAsync(partnership, null, today);
            foreach (var group in scorecard.Priorities)
                foreach (var kpi in group.Kpis.Where(k => k.Value is not null))
                {
                    string[] labels = [partnership, group.PriorityId, kpi.Code];
                    values[labels] = (double)kpi.Value!.Value;
                    if (kpi.Target is { } target) targets[labels] = (double)target;
                    rags[labels] = RagCode(kpi.Rag);
                    if (kpi.DataLag.AgeDays is { } age) ages[labels] = age;
                    info[[.. labels, ApiJson.Name(kpi.Polarity)]] = 1;
                }
        }
        Replace(Value, values, partnerships);
        Replace(Target, targets, partnerships);
        Replace(RagGauge, rags, partnerships);
        Replace(DataAge, ages, partnerships);
        Replace(Info, info, partnerships);
    }

    /// <summary>As <see cref="BusinessGauges.Replace"/>, for values that are not whole numbers: the partnerships' series
    /// become exactly these (vanished ones removed), others untouched.</summary>
    private static void Replace(Gauge gauge, Dictionary<string[], double> values, IReadOnlyCollection<string> partnerships)
    {
        var keep = values.Keys.Select(k => string.Join('\u001f', k)).ToHashSet();
        foreach (var labels in gauge.GetAllLabelValues().ToList())
            if (partnerships.Contains(labels[0]) && !keep.Contains(string.Join('\u001f', labels))) gauge.RemoveLabelled(labels);
        foreach (var (labels, value) in values) gauge.WithLabels(labels).Set(value);
    }
}
