using Csp.BuildingBlocks.Time;
using Csp.Funding.Domain;

namespace Csp.Funding.Api;

// What the API returns. Money appears twice: as integer pence (xxxPence, exact, for programs) and as a decimal string
// with two places (xxx, for people and spreadsheets). Both come from the same Money value.

public sealed record AmountView(long Pence, string Pounds)
{
    public static AmountView Of(Money m) => new(m.Pence, m.ToDecimalString());
    public static AmountView? Of(Money? m) => m is { } v ? Of(v) : null;
}

public sealed record FunderView(string Id, string Name, string? OrgId)
{
    public static FunderView Of(Funder f) => new(f.Id, f.Name, f.OrgId);
}

public sealed record ProgrammeView(string Id, string FunderId, string Title, string Year, AmountView Pot, string? Conditions,
    IReadOnlyList<FormulaWeight>? Formula, IReadOnlyList<ProposalView>? Proposal, long Version)
{
    public static ProgrammeView Of(Programme p, long version) => new(p.Id, p.FunderId, p.Title, p.Year.ToString(), AmountView.Of(p.Pot), p.Conditions,
        p.Formula?.Weights, p.Proposal?.Select(x => new ProposalView(x.PartnershipId, AmountView.Of(x.Amount))).ToList(), version);
}

public sealed record ProposalView(string PartnershipId, AmountView Amount);

public sealed record TotalsView(AmountView Awarded, AmountView Committed, AmountView Released, AmountView Spent, AmountView Unreleased, AmountView Remaining,
    AmountView? ForecastOutturn, AmountView? ForecastUnderspend, AmountView ProfileToDate, AmountView SpentAgainstProfile, AmountView? FundsReturned,
    int ReturnsOverdue, int LateReturns)
{
    public static TotalsView Of(AllocationTotals t) => new(AmountView.Of(t.Awarded), AmountView.Of(t.Committed), AmountView.Of(t.Released), AmountView.Of(t.Spent),
        AmountView.Of(t.Unreleased), AmountView.Of(t.Remaining), AmountView.Of(t.ForecastOutturn), AmountView.Of(t.ForecastUnderspend), AmountView.Of(t.ProfileToDate),
        AmountView.Of(t.SpentAgainstProfile), AmountView.Of(t.FundsReturned), t.ReturnsOverdue, t.LateReturns);
}

public sealed record ProjectView(int Id, string Title, string LeadAgencyId, AmountView Amount, AmountView Spent, ProjectStatus Status,
    IReadOnlyList<LinkedAction> Actions, IReadOnlyList<string> Measures, bool ReadyToClose, string? Delivery, bool Flagged,
    DateTimeOffset SubmittedAt, string SubmittedBy, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason)
{
    public static ProjectView Of(Project p) => new(p.Id, p.Title, p.LeadAgencyId, AmountView.Of(p.Amount), AmountView.Of(p.Spent), p.Status, p.Actions, p.Measures,
        p.ReadyToClose, p.ReadyToClose ? "delivered: ready to close" : null, p.Flagged, p.SubmittedAt, p.SubmittedBy, p.DecidedBy, p.DecidedAt, p.DecisionReason);
}

public sealed record TrancheView(int Id, string Label, AmountView Amount, TrancheCondition Condition, string? WaitsOnReturn, TrancheStatus Status,
    DateOnly? ReleasedOn, string? ReleasedBy)
{
    public static TrancheView Of(Tranche t) => new(t.Id, t.Label, AmountView.Of(t.Amount), t.Condition, t.WaitsOnReturn?.ToString(), t.Status, t.ReleasedOn, t.ReleasedBy);
}

public sealed record ReturnView(string Quarter, DateOnly DueOn, bool Late, ReturnStatus Status, IReadOnlyList<ReturnLineView> SpendToDate, string Narrative,
    IReadOnlyList<MeasureValue> Measures, AmountView ForecastOutturn, string SubmittedBy, DateOnly SubmittedOn, string? SignedOffBy, string? DecidedBy,
    string? ReturnedReason, int Revision)
{
    public static ReturnView Of(MonitoringReturn r) => new(r.Quarter.ToString(), r.DueOn, r.IsLate, r.Status,
        r.SpendToDate.Select(l => new ReturnLineView(l.ProjectId, AmountView.Of(l.SpentToDate))).ToList(), r.Narrative, r.Measures, AmountView.Of(r.ForecastOutturn),
        r.SubmittedBy, r.SubmittedOn, r.SignedOffBy, r.DecidedBy, r.ReturnedReason, r.Revision);
}

public sealed record ReturnLineView(int ProjectId, AmountView Spent);

public sealed record VariationView(int Id, VariationKind Kind, AmountView? NewAmount, DateOnly? NewEndDate, int? FromProjectId, int? ToProjectId,
    AmountView? Amount, string Reason, VariationStatus Status, string RequestedBy, string? DecidedBy, string? DecisionReason)
{
    public static VariationView Of(Variation v) => new(v.Id, v.Kind, AmountView.Of(v.NewAmount), v.NewEndDate, v.FromProjectId, v.ToProjectId,
        AmountView.Of(v.VirementAmount), v.Reason, v.Status, v.RequestedBy, v.DecidedBy, v.DecisionReason);
}

public sealed record YearEndView(AmountView Outturn, AmountView FundsReturned, DateOnly ReturnedOn, string? ReturnReference, string ClosedBy)
{
    public static YearEndView? Of(YearEnd? y) => y is null ? null : new(AmountView.Of(y.Outturn), AmountView.Of(y.FundsReturned), y.ReturnedOn, y.ReturnReference, y.ClosedBy);
}

/// <summary>An allocation with its derived totals, projects, schedule, returns and variations.</summary>
public sealed record AllocationView(string Id, string PartnershipId, string FunderId, string ProgrammeTitle, string Year, AllocationStatus Status,
    AmountView Awarded, AmountView? Proposed, string? AdjustmentReason, string? Purpose, DateOnly PlannedStart, DateOnly PlannedEnd,
    Confirmation? Confirmation, string? WithdrawnBecause, TotalsView Totals, IReadOnlyList<ProjectView> Projects, IReadOnlyList<TrancheView> Tranches,
    IReadOnlyList<ReturnView> Returns, IReadOnlyList<string> ReturnsOverdue, IReadOnlyList<VariationView> Variations, YearEndView? YearEnd, int SpendEntries, long Version)
{
    public static AllocationView Of(Allocation a, long version, DateOnly today) => new(a.Id, a.PartnershipId, a.FunderId, a.ProgrammeTitle, a.Year.ToString(), a.Status,
        AmountView.Of(a.Awarded), AmountView.Of(a.Proposed), a.AdjustmentReason, a.Purpose, a.PlannedStart, a.PlannedEnd, a.Confirmation, a.WithdrawnBecause,
        TotalsView.Of(a.Totals(today)), a.Projects.Select(ProjectView.Of).ToList(), a.Tranches.Select(TrancheView.Of).ToList(),
        a.Returns.OrderBy(r => r.Quarter).Select(ReturnView.Of).ToList(), a.ReturnsOverdue(today).Select(q => q.ToString()).ToList(),
        a.Variations.Select(VariationView.Of).ToList(), YearEndView.Of(a.YearEnd), a.SpendEntries, version);
}

public sealed record SpendEntryView(int Id, int ProjectId, DateOnly Date, AmountView Amount, string Description, string? EvidenceReference, int? CorrectsEntryId,
    string RecordedBy, DateTimeOffset RecordedAt)
{
    public static SpendEntryView Of(SpendEntry s) => new(s.Id, s.ProjectId, s.Date, AmountView.Of(s.Amount), s.Description, s.EvidenceReference, s.CorrectsEntryId,
        s.RecordedBy, s.RecordedAt);
}

public sealed record SpendRecordedView(SpendEntryView Entry, AllocationView Allocation);
