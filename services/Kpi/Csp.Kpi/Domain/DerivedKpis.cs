namespace Csp.Kpi.Domain;

/// <summary>What the action plan's events have said about one action: its priority, its status (the action plan's
/// kebab-case name) as of <see cref="StatusAt"/>, and whether it was reported overdue.</summary>
public sealed record ActionState(string PriorityId, string Status, DateTimeOffset StatusAt, bool Overdue)
{
    public bool IsOpen => Status is not ("completed" or "cancelled");
}

/// <summary>What the risk service's events have said about one risk: above the partnership's tolerance line or not, as of
/// its latest assessment.</summary>
public sealed record RiskState(bool AboveTolerance, DateTimeOffset AssessedAt);

/// <summary>A derived KPI's value now: its code, its definition (created the first time) and its figures.</summary>
public sealed record DerivedValue(string Code, KpiSpec Spec, decimal Value, decimal? Numerator, decimal? Denominator);

/// <summary>
/// Derived KPIs (docs/kpis.md, "Derived KPIs"): computed from other services' events, never typed in, measured for the
/// current financial quarter.
/// <list type="bullet">
/// <item><c>actions-on-track</c> and <c>actions-on-track-{priority}</c>: of the open actions (neither completed nor
/// cancelled), the percentage whose status is on-track (numerator and denominator kept, so its trend is tested);</item>
/// <item><c>overdue-actions</c>: open actions the action plan has reported overdue;</item>
/// <item><c>risks-above-tolerance</c>: risks whose latest assessment is above the partnership's tolerance line.</item>
/// </list>
/// Events may arrive twice or out of order: a state is replaced only by a newer one (<see cref="Merge"/>), and the
/// values are recomputed from all states, so a redelivered event yields the same values and no new revision.
/// </summary>
public static class DerivedKpis
{
    public const string OnTrack = "actions-on-track";
    public const string Overdue = "overdue-actions";
    public const string RisksAboveTolerance = "risks-above-tolerance";
    public const string OverallPriority = "action-plan";
    /// <summary>The owning "agency" of a derived KPI: the partnership itself (no partner types it in).</summary>
    public const string OwnedByPartnership = "partnership";

    public static string OnTrackFor(string priorityId) => $"{OnTrack}-{priorityId}";

    /// <summary>A status change applies if it is not older than what is known; an overdue report sticks to the action
    /// (the action plan reports it once); the priority comes from whichever event named it.</summary>
    public static ActionState Merge(ActionState? known, string priorityId, string? status, DateTimeOffset at, bool overdue)
    {
        if (known is null) return new ActionState(priorityId, status ?? "not-started", status is null ? DateTimeOffset.MinValue : at, overdue);
        var newer = status is not null && at >= known.StatusAt;
        return new ActionState(priorityId, newer ? status! : known.Status, newer ? at : known.StatusAt, known.Overdue || overdue);
    }

    public static RiskState Merge(RiskState? known, bool aboveTolerance, DateTimeOffset at) =>
        known is not null && known.AssessedAt > at ? known : new RiskState(aboveTolerance, at);

    public static IReadOnlyList<DerivedValue> FromActions(IReadOnlyCollection<ActionState> actions)
    {
        var open = actions.Where(a => a.IsOpen).ToList();
        var values = new List<DerivedValue>();
        if (open.Count > 0) values.Add(Share(OnTrack, OverallPriority, "all priorities", open));
        foreach (var priority in open.GroupBy(a => a.PriorityId).OrderBy(g => g.Key, StringComparer.Ordinal))
            values.Add(Share(OnTrackFor(priority.Key), priority.Key, $"priority {priority.Key}", priority.ToList()));
        values.Add(new DerivedValue(Overdue, Spec("Overdue actions", "Open actions of the action plan past their due date, as the action plan reports them (action.overdue), less those since completed or cancelled.",
            OverallPriority, Unit.Count, Polarity.LowerIsBetter), open.Count(a => a.Overdue), null, null));
        return values;
    }

    public static DerivedValue FromRisks(IReadOnlyCollection<RiskState> risks) =>
        new(RisksAboveTolerance, Spec("Risks above tolerance", "Risks whose latest assessment is above the partnership's tolerance line (risk.assessed).",
            "risk-register", Unit.Count, Polarity.LowerIsBetter), risks.Count(r => r.AboveTolerance), null, null);

    private static DerivedValue Share(string code, string priorityId, string scope, IReadOnlyCollection<ActionState> open)
    {
        var onTrack = open.Count(a => a.Status == "on-track");
        var value = Math.Round(onTrack * 100m / open.Count, 1, MidpointRounding.AwayFromZero);
        return new DerivedValue(code, Spec($"Actions on track ({scope})",
            $"Of the open actions ({scope}: neither completed nor cancelled), the percentage whose status is on track, from the action plan's events.",
            priorityId, Unit.Percentage, Polarity.HigherIsBetter), value, onTrack, open.Count);
    }

    /// <summary>A derived KPI's first definition: an activity indicator (no target) until the manager sets one.</summary>
    private static KpiSpec Spec(string title, string counting, string priorityId, Unit unit, Polarity polarity) =>
        new(title, counting, priorityId, OwnedByPartnership, "Derived from the platform's events", 0, unit, unit == Unit.Percentage ? "open actions" : null,
            polarity, Frequency.Quarterly, null, null, null, ActivityIndicator: true, Published: false);
}
