using System.Globalization;

namespace Csp.Portal.Api;

/// <summary>
/// What the manager's funding pages read from the funding service (docs/funding.md, docs/api.md "Funding"), nested here
/// so the names cannot clash with the finance pages' own records. Money comes as <c>{pence, pounds}</c>; enum values stay
/// strings (<c>provisional</c>, <c>signed-off</c>): the service owns their meaning.
/// </summary>
public static class ManagerFunding
{
    public sealed record Amount(long Pence, string Pounds)
    {
        private static readonly CultureInfo Uk = CultureInfo.GetCultureInfo("en-GB");

        /// <summary>Pounds with the pound sign and thousands separators, exactly: £26,440.67; a negative as −£400.00.</summary>
        public string Shown => Show(Pence);

        public static string Show(long pence)
        {
            var pounds = Math.Abs((decimal)pence) / 100m;
            return (pence < 0 ? "−" : "") + "£" + pounds.ToString("#,##0.00", Uk);
        }
    }

    public sealed record Totals(Amount Awarded, Amount Committed, Amount Released, Amount Spent, Amount Unreleased, Amount Remaining,
        Amount? ForecastOutturn, Amount? ForecastUnderspend, Amount ProfileToDate, Amount SpentAgainstProfile, Amount? FundsReturned,
        int ReturnsOverdue, int LateReturns);

    public sealed record LinkedAction(long ActionId, string Title, bool Completed, bool OffTrack);

    public sealed record Project(int Id, string Title, string LeadAgencyId, Amount Amount, Amount Spent, string Status,
        IReadOnlyList<LinkedAction> Actions, IReadOnlyList<string> Measures, bool ReadyToClose, string? Delivery, bool Flagged,
        DateTimeOffset SubmittedAt, string SubmittedBy, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionReason);

    public sealed record Tranche(int Id, string Label, Amount Amount, string Condition, string? WaitsOnReturn, string Status, DateOnly? ReleasedOn, string? ReleasedBy);

    public sealed record ReturnLine(int ProjectId, Amount Spent);

    public sealed record MeasureValue(int ProjectId, string Measure, string Value);

    public sealed record MonitoringReturn(string Quarter, DateOnly DueOn, bool Late, string Status, IReadOnlyList<ReturnLine> SpendToDate, string Narrative,
        IReadOnlyList<MeasureValue> Measures, Amount ForecastOutturn, string SubmittedBy, DateOnly SubmittedOn, string? SignedOffBy, string? DecidedBy,
        string? ReturnedReason, int Revision);

    public sealed record Confirmation(DateOnly PanelDate, string PanelReference, string ConfirmedBy, DateTimeOffset ConfirmedAt);

    public sealed record Allocation(string Id, string PartnershipId, string FunderId, string ProgrammeTitle, string Year, string Status,
        Amount Awarded, Amount? Proposed, string? AdjustmentReason, string? Purpose, DateOnly PlannedStart, DateOnly PlannedEnd,
        Confirmation? Confirmation, string? WithdrawnBecause, Totals Totals, IReadOnlyList<Project> Projects, IReadOnlyList<Tranche> Tranches,
        IReadOnlyList<MonitoringReturn> Returns, IReadOnlyList<string> ReturnsOverdue, int SpendEntries, long Version,
        IReadOnlyList<Variation>? Variations = null)
    {
        public IReadOnlyList<Variation> VariationList => Variations ?? [];

        public Project? ProjectById(int id) => Projects.FirstOrDefault(p => p.Id == id);
    }

    /// <summary>A variation the manager asked for (kind <c>amount</c>, <c>end-date</c> or <c>virement</c>) and the funder's
    /// decision on it (<c>requested</c>, then <c>approved</c> and applied, or <c>rejected</c>), with who decided and why.</summary>
    public sealed record Variation(int Id, string Kind, Amount? NewAmount, DateOnly? NewEndDate, int? FromProjectId, int? ToProjectId, Amount? Amount,
        string Reason, string Status, string RequestedBy, string? DecidedBy, string? DecisionReason);

    public sealed record SpendEntry(int Id, int ProjectId, DateOnly Date, Amount Amount, string Description, string? EvidenceReference, int? CorrectsEntryId,
        string RecordedBy, DateTimeOffset RecordedAt);

    public sealed record SpendRecorded(SpendEntry Entry, Allocation Allocation);

    // What the pages send. Amounts go as the decimal strings typed (after the pound sign and separators are taken out),
    // so the service reads them exactly and refuses a third decimal place by name.
    public sealed record ProjectDraft(string? Title, string? LeadAgencyId, string? Amount, IReadOnlyList<long> ActionIds, IReadOnlyList<string> Measures);

    public sealed record SpendDraft(int? ProjectId, DateOnly? Date, string? Amount, string? Description, string? EvidenceReference, int? CorrectsEntryId);

    public sealed record ReturnLineDraft(int ProjectId, string? Spent);

    public sealed record MeasureValueDraft(int ProjectId, string Measure, string? Value);

    public sealed record VariationDraft(string? Kind, string? NewAmount, DateOnly? NewEndDate, string? Reason);

    /// <summary>A variation of kind <c>virement</c>: <see cref="Amount"/> moved from one project to another.</summary>
    public sealed record VirementDraft(string Kind, int? FromProjectId, int? ToProjectId, string? Amount, string? Reason);

    /// <summary>The end of a project: <c>completed</c> (delivered) or <c>closed</c> (ended without being delivered), with an optional note.</summary>
    public sealed record ProjectEndDraft(string? Status, string? Reason);

    public sealed record ReturnDraft(string? Quarter, IReadOnlyList<ReturnLineDraft> SpendToDate, string? Narrative, IReadOnlyList<MeasureValueDraft> Measures, string? ForecastOutturn);

    /// <summary>What a person types for money, as the service reads it: the pound sign, thousands separators and spaces
    /// taken out, nothing else changed (null when empty).</summary>
    public static string? MoneyTyped(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        return typed.Trim().Replace("£", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Replace('−', '-');
    }

    public static string StatusText(string status) => status switch
    {
        "provisional" => "Provisional", "confirmed" => "Confirmed", "closed" => "Closed", "withdrawn" => "Withdrawn",
        "submitted" => "Submitted", "approved" => "Approved", "rejected" => "Rejected", "completed" => "Completed",
        "scheduled" => "Scheduled", "released" => "Released", "cancelled" => "Cancelled",
        "signed-off" => "Signed off", "accepted" => "Accepted", "returned" => "Returned", "requested" => "Waiting for the funder's decision",
        _ => status,
    };

    public static string StatusTag(string status) => status switch
    {
        "confirmed" or "approved" or "released" or "accepted" => "govuk-tag--green",
        "provisional" or "submitted" or "scheduled" or "signed-off" or "requested" => "govuk-tag--blue",
        "rejected" or "withdrawn" or "returned" => "govuk-tag--red",
        _ => "govuk-tag--grey",
    };
}
