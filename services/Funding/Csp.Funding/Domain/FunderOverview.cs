using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;

namespace Csp.Funding.Domain;

/// <summary>One partnership's line on the funder's cross-partnership view, from its allocation's derived totals.</summary>
public sealed record OverviewRow(string PartnershipId, string ProgrammeId, string Year, AllocationStatus Status, Money Awarded, Money Released,
    int TranchesReleased, int Tranches, Money Spent, Money ProfileToDate, Money SpentAgainstProfile, int ReturnsOutstanding, int ReturnsOverdue,
    int LateReturns, Money? ForecastUnderspend, int ProjectsFlagged, int ProjectsReadyToClose)
{
    public static OverviewRow Of(AllocationSummary s, DateOnly today)
    {
        var profile = s.ProfileTo(today);
        return new OverviewRow(s.PartnershipId, s.ProgrammeId, s.Year.ToString(), s.Status, s.Awarded, s.Released, s.TranchesReleased, s.Tranches, s.Spent,
            profile, s.Spent - profile, s.ReturnsOutstanding, s.ReturnsOverdue(today), s.LateReturns, s.ForecastUnderspend, s.ProjectsFlagged, s.ProjectsReadyToClose);
    }
}

/// <summary>
/// What the funder's cross-partnership view shows: a programme (or every programme of a year), filtered by status,
/// flagged projects or overdue returns, sorted by a column (<c>-</c> before it for descending; ties by partnership id).
/// </summary>
public sealed record OverviewQuery(string? ProgrammeId, FinancialYear? Year, AllocationStatus? Status, bool? Flagged, bool? Overdue, string Sort, bool Descending)
{
    public static readonly IReadOnlyDictionary<string, Func<OverviewRow, IComparable>> Columns = new Dictionary<string, Func<OverviewRow, IComparable>>(StringComparer.Ordinal)
    {
        ["partnership"] = r => r.PartnershipId,
        ["status"] = r => r.Status,
        ["awarded"] = r => r.Awarded,
        ["released"] = r => r.Released,
        ["spent"] = r => r.Spent,
        ["spent-against-profile"] = r => r.SpentAgainstProfile,
        ["returns-overdue"] = r => r.ReturnsOverdue,
        ["forecast-underspend"] = r => r.ForecastUnderspend ?? Money.Zero,
    };

    public static OverviewQuery? Read(string? programme, string? year, string? status, string? flagged, string? overdue, string? sort, ValidationErrors errors)
    {
        if (programme is not null && !Slug.IsValid(programme)) errors.Add("programme", "must be a programme id");
        FinancialYear? fy = year is null ? null : Periods.ReadYear("year", year, errors);
        if (programme is null && year is null) errors.Add("programme", "give a programme, a year, or both");
        AllocationStatus? st = null;
        if (status is not null)
        {
            st = Enum.GetValues<AllocationStatus>().Cast<AllocationStatus?>().FirstOrDefault(s => Allocation.Name(s!.Value) == status);
            if (st is null) errors.Add("status", "must be provisional, confirmed, withdrawn or closed");
        }
        var isFlagged = Bool("flagged", flagged, errors);
        var isOverdue = Bool("overdue", overdue, errors);
        var column = sort ?? "partnership";
        var descending = column.StartsWith('-');
        if (descending) column = column[1..];
        if (!Columns.ContainsKey(column)) errors.Add("sort", $"must be one of: {string.Join(", ", Columns.Keys)} (with - before it for descending)");
        return errors.IsEmpty ? new OverviewQuery(programme, fy, st, isFlagged, isOverdue, column, descending) : null;
    }

    private static bool? Bool(string field, string? value, ValidationErrors errors)
    {
        if (value is null) return null;
        if (value is "true" or "false") return value == "true";
        errors.Add(field, "must be true or false");
        return null;
    }

    public IReadOnlyList<OverviewRow> Apply(IEnumerable<OverviewRow> rows)
    {
        var matching = rows.Where(r => (Year is null || r.Year == Year.ToString()) && (Status is null || r.Status == Status)
            && (Flagged is null || (r.ProjectsFlagged > 0) == Flagged) && (Overdue is null || (r.ReturnsOverdue > 0) == Overdue));
        var key = Columns[Sort];
        var sorted = Descending ? matching.OrderByDescending(key) : matching.OrderBy(key);
        return sorted.ThenBy(r => r.PartnershipId, StringComparer.Ordinal).ThenBy(r => r.ProgrammeId, StringComparer.Ordinal).ToList();
    }
}
