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

/// <summary>What the funding service's events have said about one grant (an allocation to the partnership): its financial
/// year (from its confirmation), the award and the spend to date, as of <see cref="At"/>.</summary>
public sealed record GrantState(string? FinancialYear, long AwardedPence, long SpentPence, DateTimeOffset At);

/// <summary>A derived KPI's value now: its code, its definition (created the first time) and its figures.</summary>
public sealed record DerivedValue(string Code, KpiSpec Spec, decimal Value, decimal? Numerator, decimal? Denominator);

/// <summary>
/// Derived KPIs (docs/kpis.md, "Derived KPIs"): computed from other services' events, never typed in, measured for the
/// current financial quarter.
/// <list type="bullet">
/// <item><c>actions-on-track</c> and <c>actions-on-track-{priority}</c>: of the open actions (neither completed nor
/// cancelled), the percentage whose status is on-track (numerator and denominator kept, so its trend is tested);</item>
/// <item><c>overdue-actions</c>: open actions the action plan has reported overdue;</item>
/// <item><c>risks-above-tolerance</c>: risks whose latest assessment is above the partnership's tolerance line;</item>
/// <item><c>grant-spent-{allocation}</c>: the share of each confirmed grant spent, judged against the spending profile (a
/// trajectory target from 0% on 1 April to 100% on 31 March of the grant's year, the funding service's straight line).</item>
/// </list>
/// Events may arrive twice or out of order: a state is replaced only by a newer one (<see cref="Merge"/>), and the
/// values are recomputed from all states, so a redelivered event yields the same values and no new revision.
/// </summary>
public static class DerivedKpis
{
    public const string OnTrack = "actions-on-track";
    public const string Overdue = "overdue-actions";
    public const string RisksAboveTolerance = "risks-above-tolerance";
    public const string GrantSpentPrefix = "grant-spent";
    public const string FundingPriority = "funding";
    /// <summary>How far behind the spending profile a grant may be and still be amber: 10 percentage points.</summary>
    public static readonly Tolerance BehindProfile = new(ToleranceKind.Absolute, 10m);
    public const string OverallPriority = "action-plan";
    /// <summary>The owning "agency" of a derived KPI: the partnership itself (no partner types it in).</summary>
    public const string OwnedByPartnership = "partnership";

    public static string OnTrackFor(string priorityId) => $"{OnTrack}-{priorityId}";

    public static string GrantSpent(string allocationId) => $"{GrantSpentPrefix}-{allocationId}";

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

    /// <summary>A grant's award and spend apply if they are not older than what is known; the year, which only the
    /// confirmation carries, is kept whichever event came first.</summary>
    public static GrantState Merge(GrantState? known, string? financialYear, long awardedPence, long? spentPence, DateTimeOffset at)
    {
        if (known is not null && known.At > at) return known with { FinancialYear = known.FinancialYear ?? financialYear };
        return new GrantState(financialYear ?? known?.FinancialYear, awardedPence, spentPence ?? known?.SpentPence ?? 0, at);
    }

    /// <summary>Each grant whose year is known (it was confirmed) and whose award is above zero: the percentage of the award
    /// spent, with the pounds spent and awarded as numerator and denominator, against the spending profile.</summary>
    public static IReadOnlyList<DerivedValue> FromGrants(IReadOnlyDictionary<string, GrantState> grants)
    {
        var values = new List<DerivedValue>();
        foreach (var (allocationId, grant) in grants.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (grant.AwardedPence <= 0 || !Csp.BuildingBlocks.Time.FinancialYear.TryParse(grant.FinancialYear, out var year)) continue;
            var share = Math.Round(grant.SpentPence * 100m / grant.AwardedPence, 1, MidpointRounding.AwayFromZero);
            var spec = new KpiSpec($"Grant {allocationId} ({year}) spent",
                $"The share of the {year} grant '{allocationId}' spent to date (spend entries, corrections included), from the funding service's events. "
                + $"The target is the spending profile: a straight line from 0% on {year.Start:d MMMM yyyy} to 100% on {year.End:d MMMM yyyy}; "
                + "more than 10 percentage points behind it is red.",
                FundingPriority, OwnedByPartnership, "Derived from the funding service's events", 0, Unit.Percentage, "pounds awarded",
                Polarity.HigherIsBetter, Frequency.Quarterly, null, Target.Of(new Milestone(year.Start, 0m), new Milestone(year.End, 100m)), BehindProfile,
                ActivityIndicator: false, Published: false);
            values.Add(new DerivedValue(GrantSpent(allocationId), spec, share, grant.SpentPence / 100m, grant.AwardedPence / 100m));
        }
        return values;
    }

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
