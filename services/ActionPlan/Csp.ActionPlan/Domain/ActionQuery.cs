using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Domain;

/// <summary>Filters for listing actions, and paging. Used by REST and gRPC alike.</summary>
public sealed record ActionQuery(string? PriorityId = null, Strand? Strand = null, string? AgencyId = null, ActionStatus? Status = null, bool? Overdue = null, int Page = 1, int PageSize = 25)
{
    public const int MaxPageSize = 200;

    /// <summary>The paging a caller asked for is within bounds: page 1 or more, page size 1 to <see cref="MaxPageSize"/>.</summary>
    public void CheckPaging(ValidationErrors errors)
    {
        if (Page < 1) errors.Add("page", "must be 1 or more");
        if (PageSize is < 1 or > MaxPageSize) errors.Add("pageSize", $"must be between 1 and {MaxPageSize}");
    }

    /// <summary>Agency matches the lead or a supporting agency.</summary>
    public bool Matches(PlanAction action, DateOnly today) =>
        (PriorityId is null || action.PriorityId == PriorityId)
        && (Strand is null || action.Strand == Strand)
        && (AgencyId is null || action.LeadAgencyId == AgencyId || action.SupportingAgencyIds.Contains(AgencyId))
        && (Status is null || action.Status == Status)
        && (Overdue is null || action.IsOverdue(today) == Overdue);

    /// <summary>The order of a list: by id; the overdue list (<see cref="Overdue"/> true) by due date, oldest first, then id,
    /// so the most overdue come first, which is how a partner or manager chasing them reads it.</summary>
    public IOrderedEnumerable<T> Order<T>(IEnumerable<T> items, Func<T, PlanAction> action) => Overdue == true
        ? items.OrderBy(i => action(i).DueDate).ThenBy(i => action(i).Id)
        : items.OrderBy(i => action(i).Id);

    public Page<PlanAction> Apply(IEnumerable<PlanAction> actions, DateOnly today)
    {
        var matching = Order(actions.Where(a => Matches(a, today)), a => a).ToList();
        return new Page<PlanAction>(matching.Skip((Page - 1) * PageSize).Take(PageSize).ToList(), matching.Count, Page, PageSize);
    }
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total, int PageNumber, int PageSize);

/// <summary>Counts by priority × strand × status, for the governance pack and the gRPC summary.</summary>
public sealed record ActionSummary(IReadOnlyList<ActionSummary.Cell> Counts, int Overdue, int Total)
{
    public sealed record Cell(string PriorityId, Strand Strand, ActionStatus Status, int Count);

    public static ActionSummary Of(IReadOnlyCollection<PlanAction> actions, DateOnly today) => Of(
        actions.GroupBy(a => (a.PriorityId, a.Strand, a.Status)).Select(g => new Cell(g.Key.PriorityId, g.Key.Strand, g.Key.Status, g.Count())),
        actions.Count(a => a.IsOverdue(today)),
        actions.Count);

    /// <summary>The summary from counts already made (the store keeps one set per cell): the cells with any action, in
    /// priority, strand, status order.</summary>
    public static ActionSummary Of(IEnumerable<Cell> cells, int overdue, int total) => new(
        cells.Where(c => c.Count > 0).OrderBy(c => c.PriorityId, StringComparer.Ordinal).ThenBy(c => c.Strand).ThenBy(c => c.Status).ToList(),
        overdue, total);
}
