namespace Csp.Portal.Api;

// What the portal reads from the services' REST APIs (docs/api.md, docs/risk-register.md), as plain records. Enum values
// stay strings here (`on-track`, `at-risk`): the portal shows them and sends them back; the services own their meaning.

public sealed record PartnershipSummary(string Id, string Name);

public sealed record Agency(string Id, string Name, bool ResponsibleAuthority);

public sealed record PartnershipView(string Id, string Name, IReadOnlyList<Agency> Agencies, long Version)
{
    public string AgencyName(string? id) => Agencies.FirstOrDefault(a => a.Id == id)?.Name ?? id ?? "";
}

public sealed record AreaOfFocus(string Id, string Title);

public sealed record Priority(string Id, string Title, IReadOnlyList<AreaOfFocus> AreasOfFocus);

public sealed record PlanView(string Id, string PartnershipId, string Title, int StartYear, int EndYear, IReadOnlyList<Priority> Priorities, long Version);

public sealed record Milestone(string Title, DateOnly DueDate, DateOnly? CompletedOn);

public sealed record ActionView(
    long Id, string PartnershipId, string PlanId, string PriorityId, string? AreaOfFocusId, string Title, string? Description,
    string Strand, string LeadAgencyId, IReadOnlyList<string> SupportingAgencyIds, string Owner, DateOnly StartDate, DateOnly DueDate,
    IReadOnlyList<Milestone> Milestones, string Status, string Rag, int ProgressPercent, bool Overdue,
    DateTimeOffset? LastUpdatedAt, int UpdateCount, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? CompletedAt, long Version)
{
    public bool Open => Status is not ("completed" or "cancelled");
}


public sealed record PageView<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public sealed record ActionUpdate(DateTimeOffset At, string By, string ByName, string? AgencyId, string Status, int ProgressPercent, string Commentary);

public sealed record UpdateDraft(string? Status, int? ProgressPercent, string? Commentary);

public sealed record UpdateRoundView(string Id, string PartnershipId, string Period, DateOnly OpensOn, DateOnly Deadline, bool PastDeadline, int Outstanding, string CreatedBy, DateTimeOffset CreatedAt);

public sealed record UpdateRoundDraft(string? Period, DateOnly? OpensOn, DateOnly? Deadline);

public sealed record OutstandingView(long ActionId, string Title, string PriorityId, string Strand, string LeadAgencyId, string Owner, DateOnly DueDate, string Status, DateTimeOffset? LastUpdatedAt);

public sealed record SummaryCell(string PriorityId, string Strand, string Status, int Count);

public sealed record SummaryView(string PartnershipId, IReadOnlyList<SummaryCell> Counts, int Overdue, int Total);

public sealed record RiskRating(string Rating, string Likelihood, string Impact, string Band, int Score);

public sealed record Mitigation(long ActionId, string Title, string LeadAgencyId, DateTimeOffset LinkedAt, string LinkedBy, bool Done, DateTimeOffset? DoneAt);

public sealed record RiskView(
    long Id, string PartnershipId, string Register, string Title, string? Summary, string? Cause, string? Event, string? Consequence,
    string? Category, string OwningAgencyId, string Owner, string? ExistingControls, string? MitigatingActions, string Treatment,
    string ReviewFrequency, DateOnly NextReviewDate, bool ReviewOverdue, string Status,
    RiskRating? Inherent, RiskRating Current, RiskRating? Target, bool AboveTolerance, string? DirectionOfTravel,
    IReadOnlyList<Mitigation> Mitigations, bool MitigationsComplete, string? ReviewPrompt,
    int AssessmentCount, DateTimeOffset LastAssessedAt, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ClosedAt, string? ClosedBecause, long Version);

public sealed record Assessment(DateTimeOffset At, string By, string ByName, RiskRating? Inherent, RiskRating Current, RiskRating? Target, string Rationale, int Number);

public sealed record AssessmentHistoryView(long RiskId, string? DirectionOfTravel, IReadOnlyList<Assessment> Assessments, int Total, int Page, int PageSize);

public sealed record AssessmentDraft(string? Current, string? Rationale, string? Inherent = null, string? Target = null, DateOnly? NextReviewDate = null);

public sealed record MitigationDraft(long? ActionId);

public sealed record MatrixLevel(string Code, string Label);

public sealed record MatrixAxis(string Title, IReadOnlyList<MatrixLevel> Levels);

public sealed record MatrixBand(string Id, string Label);

public sealed record MatrixCell(string Likelihood, string Impact, string Band, int Score);

public sealed record RiskMatrix(string Name, string RatingFormat, MatrixAxis Likelihood, MatrixAxis Impact, IReadOnlyList<MatrixBand> Bands, IReadOnlyList<MatrixCell> Cells)
{
    public string Rating(MatrixCell cell) => RatingFormat.Replace("{likelihood}", cell.Likelihood, StringComparison.Ordinal).Replace("{impact}", cell.Impact, StringComparison.Ordinal);
}

public sealed record RiskMatrixView(string PartnershipId, bool IsDefault, RiskMatrix Matrix, long? Version);
