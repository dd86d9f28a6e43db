// (Own namespace: the other portal pages may read the funding service with records of their own.)
namespace Csp.Portal.Api.Funding;

// What the portal reads from and sends to the funding service (docs/funding.md, docs/api.md "Funding"), as plain records.
// Money comes as { pence, pounds }: the portal shows it from the pence (exact) and sends amounts as the text the user typed
// (the service reads at most two decimal places and names the field otherwise). Enum values stay strings.

public sealed record AmountView(long Pence, string Pounds);

public sealed record ProgrammeView(string Id, string FunderId, string Title, string Year, AmountView Pot, string? Conditions, long Version);

public sealed record OverviewRowView(string PartnershipId, string ProgrammeId, string Year, string Status, AmountView Awarded, AmountView Released,
    int TranchesReleased, int Tranches, AmountView Spent, AmountView ProfileToDate, AmountView SpentAgainstProfile, int ReturnsOutstanding, int ReturnsOverdue,
    int LateReturns, AmountView? ForecastUnderspend, int ProjectsFlagged, int ProjectsReadyToClose);

public sealed record FunderOverviewView(string FunderId, string? Programme, string? Year, int Partnerships, IReadOnlyList<OverviewRowView> Rows,
    AmountView Awarded, AmountView Released, AmountView Spent, AmountView ForecastUnderspend);

public sealed record FundingTotalsView(AmountView Awarded, AmountView Committed, AmountView Released, AmountView Spent, AmountView Unreleased, AmountView Remaining,
    AmountView? ForecastOutturn, AmountView? ForecastUnderspend, AmountView ProfileToDate, AmountView SpentAgainstProfile, AmountView? FundsReturned,
    int ReturnsOverdue, int LateReturns);

public sealed record FundedProjectView(int Id, string Title, string LeadAgencyId, AmountView Amount, AmountView Spent, string Status, bool ReadyToClose,
    bool Flagged, string? DecisionReason);

public sealed record TrancheView(int Id, string Label, AmountView Amount, string Condition, string? WaitsOnReturn, string Status, DateOnly? ReleasedOn, string? ReleasedBy);

public sealed record ReturnView(string Quarter, DateOnly DueOn, bool Late, string Status, string Narrative, AmountView ForecastOutturn, string SubmittedBy,
    DateOnly SubmittedOn, string? SignedOffBy, string? DecidedBy, string? ReturnedReason, int Revision);

public sealed record VariationView(int Id, string Kind, AmountView? NewAmount, DateOnly? NewEndDate, int? FromProjectId, int? ToProjectId, AmountView? Amount,
    string Reason, string Status, string RequestedBy, string? DecidedBy, string? DecisionReason);

public sealed record ConfirmationView(DateOnly PanelDate, string PanelReference, string ConfirmedBy, DateTimeOffset ConfirmedAt);

public sealed record YearEndView(AmountView Outturn, AmountView FundsReturned, DateOnly ReturnedOn, string? ReturnReference, string ClosedBy);

public sealed record AllocationView(string Id, string PartnershipId, string FunderId, string ProgrammeTitle, string Year, string Status, AmountView Awarded,
    AmountView? Proposed, string? AdjustmentReason, string? Purpose, DateOnly PlannedStart, DateOnly PlannedEnd, ConfirmationView? Confirmation,
    string? WithdrawnBecause, FundingTotalsView Totals, IReadOnlyList<FundedProjectView> Projects, IReadOnlyList<TrancheView> Tranches,
    IReadOnlyList<ReturnView> Returns, IReadOnlyList<string> ReturnsOverdue, IReadOnlyList<VariationView> Variations, YearEndView? YearEnd, int SpendEntries,
    long Version);

public sealed record ConfirmationDraft(DateOnly? PanelDate, string? PanelReference);

public sealed record FundingDecisionDraft(bool Approve, string? Reason);

public sealed record ReleaseDraft(DateOnly? ReleasedOn);

/// <summary>A schedule: a template's name, or the tranches by hand (amounts as typed).</summary>
public sealed record ScheduleDraft(string? Template, IReadOnlyList<TrancheDraft>? Tranches);

public sealed record TrancheDraft(string? Label, string? Amount, string? WaitsOnReturn, bool? OnBusinessCases);

public sealed record FunderView(string Id, string Name, string? OrgId);

// Programmes, the formula's proposal and awards (the funder's finance officer). Amounts go out as the text typed.

/// <summary>One programme with its formula (weights in whole percent) and the formula's last proposal.</summary>
public sealed record ProgrammeDetailView(string Id, string FunderId, string Title, string Year, AmountView Pot, string? Conditions,
    IReadOnlyList<FormulaWeightView>? Formula, IReadOnlyList<ProposalRowView>? Proposal, long Version);

/// <summary>A formula weight: <c>population</c>, <c>crime</c> or <c>non-crime-demand</c>, in whole percent.</summary>
public sealed record FormulaWeightView(string Factor, int Percent);

public sealed record ProposalRowView(string PartnershipId, AmountView Amount);

public sealed record ProgrammeDraft(string? Id, string? Title, string? Year, string? Pot, string? Conditions, IReadOnlyList<FormulaWeightDraft>? Formula);

public sealed record FormulaWeightDraft(string Factor, int? Percent);

public sealed record ProposalDraft(IReadOnlyList<FormulaInputDraft> Inputs);

public sealed record FormulaInputDraft(string PartnershipId, long? Population, long? Crime, long? NonCrimeDemand);

public sealed record AllocationDraft(string? ProgrammeId, string? Amount, string? AdjustmentReason, string? Purpose);

public sealed record ReasonDraft(string? Reason);

public sealed record CancelDraft(string? Reason);

public sealed record YearEndDraft(string? Outturn, DateOnly? ReturnedOn, string? ReturnReference);

/// <summary>A project as the funding service's project list shows it (with the actions it delivers and its measures).</summary>
public sealed record ProjectDetailView(int Id, string Title, string LeadAgencyId, AmountView Amount, AmountView Spent, string Status,
    IReadOnlyList<LinkedActionView> Actions, IReadOnlyList<string> Measures, bool ReadyToClose, bool Flagged, DateTimeOffset SubmittedAt, string SubmittedBy,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason);

public sealed record LinkedActionView(long ActionId, string Title, bool Completed, bool OffTrack);

/// <summary>A decision on a project (approve may be left out: the page checks it first).</summary>
public sealed record ProjectDecisionDraft(bool? Approve, string? Reason);
