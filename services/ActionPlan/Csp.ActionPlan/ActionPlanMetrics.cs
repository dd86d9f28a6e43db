using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Prometheus;

namespace Csp.ActionPlan;

/// <summary>
/// Business gauges for the governance dashboards, computed from Redis when Prometheus scrapes, by one replica only
/// (<see cref="BusinessGauges"/>):
/// <c>csp_actions{partnership,priority,strand,status}</c> and <c>csp_actions_overdue{partnership,priority}</c>.
/// Labels are bounded (ids and enum names, never free text or users).
/// </summary>
public sealed class ActionPlanMetrics(TimeProvider clock)
{
    private static readonly Gauge Actions = Metrics.CreateGauge("csp_actions", "Actions in the plan by partnership, priority, strand and status.",
        new GaugeConfiguration { LabelNames = ["partnership", "priority", "strand", "status"] });
    private static readonly Gauge Overdue = Metrics.CreateGauge("csp_actions_overdue", "Open actions past their due date (UK calendar).",
        new GaugeConfiguration { LabelNames = ["partnership", "priority"] });

    public void Register(IServiceProvider services) => BusinessGauges.Register(services, RefreshAsync, Actions, Overdue);

    public async Task RefreshAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ActionPlanStore>();
        var today = UkTime.Today(clock);
        var counts = new Dictionary<(string, string, string, string), int>();
        var overdue = new Dictionary<(string, string), int>();
        var partnerships = (await store.ListPartnershipsAsync()).Select(p => p.Value.Id).ToList();
        foreach (var partnership in partnerships)
        {
            foreach (var a in (await store.ListActionsAsync(partnership)).Select(v => v.Value))
            {
                var key = (a.PartnershipId, a.PriorityId, ApiJson.Name(a.Strand), ApiJson.Name(a.Status));
                counts[key] = counts.GetValueOrDefault(key) + 1;
                if (a.IsOverdue(today)) overdue[(a.PartnershipId, a.PriorityId)] = overdue.GetValueOrDefault((a.PartnershipId, a.PriorityId)) + 1;
                else overdue.TryAdd((a.PartnershipId, a.PriorityId), 0);
            }
        }
        BusinessGauges.Replace(Actions, counts.ToDictionary(kv => new[] { kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Key.Item4 }, kv => kv.Value), partnerships);
        BusinessGauges.Replace(Overdue, overdue.ToDictionary(kv => new[] { kv.Key.Item1, kv.Key.Item2 }, kv => kv.Value), partnerships);
    }
}
