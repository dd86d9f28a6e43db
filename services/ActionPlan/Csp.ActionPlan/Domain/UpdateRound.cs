using Csp.BuildingBlocks.Validation;
using Csp.BuildingBlocks.Time;

namespace Csp.ActionPlan.Domain;

/// <summary>
/// A quarterly update round: before each CSP meeting every open action needs an update for the quarter. The round opens
/// on a date and has a deadline; an action counts as updated for the round when it has an update dated on or after the
/// opening date (UK calendar).
/// </summary>
public sealed record UpdateRound(string Id, string PartnershipId, FinancialQuarter Period, DateOnly OpensOn, DateOnly Deadline, string CreatedBy, DateTimeOffset CreatedAt)
{
    public bool IsPastDeadline(DateOnly today) => today > Deadline;

    /// <summary>Open actions (not completed or cancelled) with no update in this round, oldest due first.</summary>
    public IReadOnlyList<PlanAction> Outstanding(IEnumerable<PlanAction> actions) =>
        actions.Where(a => !a.IsClosed && !a.UpdatedOnOrAfter(OpensOn))
            .OrderBy(a => a.DueDate).ThenBy(a => a.Id).ToList();

    public static string IdFor(FinancialQuarter period) => period.ToString().ToLowerInvariant();
}

public sealed record UpdateRoundDraft(string? Period = null, DateOnly? OpensOn = null, DateOnly? Deadline = null)
{
    public UpdateRound? Validate(string partnershipId, string createdBy, DateTimeOffset now, ValidationErrors errors)
    {
        FinancialQuarter period = default;
        if (string.IsNullOrWhiteSpace(Period)) errors.Add("period", "is required, e.g. 2023-Q1");
        else if (!FinancialQuarter.TryParse(Period, out period)) errors.Add("period", "must be a financial quarter such as 2023-Q1 (Q1 = April to June)");
        if (Deadline is null) errors.Add("deadline", "is required (yyyy-MM-dd)");
        var opensOn = OpensOn ?? UkTime.DateOf(now);
        if (Deadline is { } d && d < opensOn) errors.Add("deadline", "must be on or after opensOn");
        return errors.IsEmpty ? new UpdateRound(UpdateRound.IdFor(period), partnershipId, period, opensOn, Deadline!.Value, createdBy, now) : null;
    }
}
