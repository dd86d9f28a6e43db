using Csp.ActionPlan.Domain;

namespace Csp.ActionPlan.Api;

/// <summary>An action as the API shows it: stored fields plus what is derived today (RAG, overdue).</summary>
public sealed record ActionView(
    long Id, string PartnershipId, string PlanId, string PriorityId, string? AreaOfFocusId, string Title, string? Description,
    Strand Strand, string LeadAgencyId, IReadOnlyList<string> SupportingAgencyIds, string Owner, DateOnly StartDate, DateOnly DueDate,
    IReadOnlyList<Milestone> Milestones, ActionStatus Status, Rag Rag, int ProgressPercent, bool Overdue,
    DateTimeOffset? LastUpdatedAt, int UpdateCount, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? CompletedAt, long Version)
{
    public static ActionView Of(PlanAction a, long version, DateOnly today) => new(
        a.Id, a.PartnershipId, a.PlanId, a.PriorityId, a.AreaOfFocusId, a.Title, a.Description, a.Strand, a.LeadAgencyId,
        a.SupportingAgencyIds, a.Owner, a.StartDate, a.DueDate, a.Milestones, a.Status, a.RagOn(today), a.ProgressPercent,
        a.IsOverdue(today), a.LastUpdatedAt, a.UpdateCount, a.CreatedAt, a.CreatedBy, a.CompletedAt, version);
}

public sealed record UpdateRoundView(string Id, string PartnershipId, string Period, DateOnly OpensOn, DateOnly Deadline, bool PastDeadline, int Outstanding, string CreatedBy, DateTimeOffset CreatedAt)
{
    public static UpdateRoundView Of(UpdateRound r, int outstanding, DateOnly today) =>
        new(r.Id, r.PartnershipId, r.Period.ToString(), r.OpensOn, r.Deadline, r.IsPastDeadline(today), outstanding, r.CreatedBy, r.CreatedAt);
}

/// <summary>An open action still owed an update this round, and who owes it.</summary>
public sealed record OutstandingView(long ActionId, string Title, string PriorityId, Strand Strand, string LeadAgencyId, string Owner, DateOnly DueDate, ActionStatus Status, DateTimeOffset? LastUpdatedAt)
{
    public static OutstandingView Of(PlanAction a) => new(a.Id, a.Title, a.PriorityId, a.Strand, a.LeadAgencyId, a.Owner, a.DueDate, a.Status, a.LastUpdatedAt);
}

public sealed record SummaryView(string PartnershipId, IReadOnlyList<ActionSummary.Cell> Counts, int Overdue, int Total);

public sealed record PartnershipView(string Id, string Name, IReadOnlyList<Agency> Agencies, long Version, string? OnsCode = null, string? RecipientOrgId = null);

public sealed record PlanView(string Id, string PartnershipId, string Title, int StartYear, int EndYear, IReadOnlyList<Priority> Priorities, long Version);
