using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Prometheus;

namespace Csp.ActionPlan;

/// <summary>
/// Business gauges for the governance dashboards, computed from Redis when Prometheus scrapes, by one replica only
/// (<see cref="BusinessGauges"/>):
/// <c>csp_actions{partnership,priority,strand,status}</c>, <c>csp_actions_overdue{partnership,priority}</c>, and for each
/// partnership's latest update round <c>csp_update_round_outstanding{partnership,period}</c> (open actions not yet updated
/// in it) and <c>csp_update_round_past_deadline{partnership,period}</c> (1 once its deadline has passed, UK calendar).
/// Labels are bounded (ids and enum names, never free text or users).
/// </summary>
public sealed class ActionPlanMetrics(TimeProvider clock)
{
    private static readonly Gauge Actions = Metrics.CreateGauge("csp_actions", "Actions in the plan by partnership, priority, strand and status.",
        new GaugeConfiguration { LabelNames = ["partnership", "priority", "strand", "status"] });
    private static readonly Gauge Overdue = Metrics.CreateGauge("csp_actions_overdue", "Open actions past their due date (UK calendar).",
        new GaugeConfiguration { LabelNames = ["partnership", "priority"] });
    private static readonly Gauge RoundOutstanding = Metrics.CreateGauge("csp_update_round_outstanding", "Open actions not yet updated in the partnership's latest update round.",
        new GaugeConfiguration { LabelNames = ["partnership", "period"] });
    private static readonly Gauge RoundPastDeadline = Metrics.CreateGauge("csp_update_round_past_deadline", "1 when the partnership's latest update round is past its deadline (UK calendar), else 0.",
        new GaugeConfiguration { LabelNames = ["partnership", "period"] });

    public void Register(IServiceProvider services) => BusinessGauges.Register(services, RefreshAsync, Actions, Overdue, RoundOutstanding, RoundPastDeadline);

    public async Task RefreshAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<ActionPlanStore>();
        var today = UkTime.Today(clock);
        var counts = new Dictionary<(string, string, string, string), int>();
        var overdue = new Dictionary<(string, string), int>();
        var roundOutstanding = new Dictionary<string[], int>();
        var roundPastDeadline = new Dictionary<string[], int>();
        var partnerships = (await store.ListPartnershipsAsync()).Select(p => p.Value.Id).ToList();
        foreach (var partnership in partnerships)
        {
            var actions = (await store.ListActionsAsync(partnership)).Select(v => v.Value).ToList();
            foreach (var a in actions)
            {
                var key = (a.PartnershipId, a.PriorityId, ApiJson.Name(a.Strand), ApiJson.Name(a.Status));
                counts[key] = counts.GetValueOrDefault(key) + 1;
                if (a.IsOverdue(today)) overdue[(a.PartnershipId, a.PriorityId)] = overdue.GetValueOrDefault((a.PartnershipId, a.PriorityId)) + 1;
                else overdue.TryAdd((a.PartnershipId, a.PriorityId), 0);
            }
            // The latest round only: it is the one the manager chases; earlier rounds are history.
            if ((await store.ListRoundsAsync(partnership)).FirstOrDefault()?.Value is { } round)
            {
                roundOutstanding[[partnership, round.Period.ToString()]] = round.Outstanding(actions).Count;
                roundPastDeadline[[partnership, round.Period.ToString()]] = round.IsPastDeadline(today) ? 1 : 0;
            }
        }
        BusinessGauges.Replace(Actions, counts.ToDictionary(kv => new[] { kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Key.Item4 }, kv => kv.Value), partnerships);
        BusinessGauges.Replace(Overdue, overdue.ToDictionary(kv => new[] { kv.Key.Item1, kv.Key.Item2 }, kv => kv.Value), partnerships);
        BusinessGauges.Replace(RoundOutstanding, roundOutstanding, partnerships);
        BusinessGauges.Replace(RoundPastDeadline, roundPastDeadline, partnerships);
    }
}
