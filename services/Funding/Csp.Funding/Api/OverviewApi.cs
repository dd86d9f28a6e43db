using System.Globalization;
using System.Text;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Funding.Domain;
using Csp.Funding.Storage;

namespace Csp.Funding.Api;

/// <summary>
/// <c>GET /api/funders/{f}/overview</c> (and <c>.csv</c>): the funder's view across every partnership it funds, for a
/// programme and/or year: allocation, confirmed/provisional, tranches released, spend against profile, returns outstanding,
/// overdue or late, forecast underspend, flagged projects. Sorted and filterable (<see cref="OverviewQuery"/>). Who may
/// call: a finance officer acting for the funder (<c>csp_funder</c>); anyone else 403; unauthenticated 401.
/// Reads the programme's index of partnerships (the funder's slot) and then every allocation's small summary (kept beside
/// it in each write) in one pipelined round trip: one read per partnership, no scan (docs/funding.md, "The PCC's view").
/// </summary>
public static class OverviewApi
{
    public static RouteGroupBuilder MapOverviewApi(this RouteGroupBuilder funders)
    {
        funders.MapGet("{funderId}/overview", JsonAsync).Reads<FunderOverviewView>()
            .WithSummary("Every partnership's allocation of a programme/year with its totals; filters status, flagged, overdue; sort (a finance officer acting for the funder).");
        funders.MapGet("{funderId}/overview.csv", CsvAsync).Produces<string>(StatusCodes.Status200OK, "text/csv")
            .WithSummary("The same as CSV for spreadsheets (pounds with two decimal places).");
        return funders;
    }

    private static async Task<IResult> JsonAsync(HttpContext http, string funderId, FundingStore store, TimeProvider clock,
        string? programme, string? year, string? status, string? flagged, string? overdue, string? sort)
    {
        var (rows, refusal) = await RowsAsync(http, funderId, store, clock, programme, year, status, flagged, overdue, sort);
        if (refusal is not null) return refusal;
        return ApiJson.Json(new FunderOverviewView(funderId, programme, year, rows!.Count, rows.Select(OverviewRowView.Of).ToList(),
            AmountView.Of(Money.Sum(rows.Select(r => r.Awarded))), AmountView.Of(Money.Sum(rows.Select(r => r.Released))), AmountView.Of(Money.Sum(rows.Select(r => r.Spent))),
            AmountView.Of(Money.Sum(rows.Select(r => r.ForecastUnderspend ?? Money.Zero)))));
    }

    private static async Task<IResult> CsvAsync(HttpContext http, string funderId, FundingStore store, TimeProvider clock,
        string? programme, string? year, string? status, string? flagged, string? overdue, string? sort)
    {
        var (rows, refusal) = await RowsAsync(http, funderId, store, clock, programme, year, status, flagged, overdue, sort);
        if (refusal is not null) return refusal;
        var csv = new StringBuilder("partnership,programme,year,status,awarded,released,tranches_released,tranches,spent,profile_to_date,spent_against_profile,returns_outstanding,returns_overdue,late_returns,forecast_underspend,projects_flagged,projects_ready_to_close\r\n");
        foreach (var r in rows!)
            csv.Append(string.Join(',', r.PartnershipId, r.ProgrammeId, r.Year, Allocation.Name(r.Status), r.Awarded.ToDecimalString(), r.Released.ToDecimalString(),
                r.TranchesReleased, r.Tranches, r.Spent.ToDecimalString(), r.ProfileToDate.ToDecimalString(), r.SpentAgainstProfile.ToDecimalString(),
                r.ReturnsOutstanding, r.ReturnsOverdue, r.LateReturns, r.ForecastUnderspend?.ToDecimalString() ?? "", r.ProjectsFlagged, r.ProjectsReadyToClose)).Append("\r\n");
        return Results.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    private static async Task<(IReadOnlyList<OverviewRow>? Rows, IResult? Refusal)> RowsAsync(HttpContext http, string funderId, FundingStore store, TimeProvider clock,
        string? programme, string? year, string? status, string? flagged, string? overdue, string? sort)
    {
        if (await store.GetFunderAsync(funderId) is null) return (null, Problems.NotFound($"Funder '{funderId}'"));
        if (!AccessRules.ActsForFunder(Caller.From(http.User), funderId)) return (null, Problems.Forbidden($"Only a finance officer acting for {funderId} reads its view across partnerships."));
        var errors = new ValidationErrors();
        if (OverviewQuery.Read(programme, year, status, flagged, overdue, sort, errors) is not { } query) return (null, Problems.Validation(errors));
        var programmes = query.ProgrammeId is { } id ? [id] : (await store.ListProgrammesAsync(funderId)).Where(p => p.Value.Year == query.Year).Select(p => p.Value.Id).ToList();
        var today = UkTime.Today(clock);
        var rows = new List<OverviewRow>();
        foreach (var p in programmes)
            rows.AddRange((await store.ListProgrammeSummariesAsync(funderId, p)).Select(s => OverviewRow.Of(s, today)));
        return (query.Apply(rows), null);
    }
}

public sealed record OverviewRowView(string PartnershipId, string ProgrammeId, string Year, AllocationStatus Status, AmountView Awarded, AmountView Released,
    int TranchesReleased, int Tranches, AmountView Spent, AmountView ProfileToDate, AmountView SpentAgainstProfile, int ReturnsOutstanding, int ReturnsOverdue,
    int LateReturns, AmountView? ForecastUnderspend, int ProjectsFlagged, int ProjectsReadyToClose)
{
    public static OverviewRowView Of(OverviewRow r) => new(r.PartnershipId, r.ProgrammeId, r.Year, r.Status, AmountView.Of(r.Awarded), AmountView.Of(r.Released),
        r.TranchesReleased, r.Tranches, AmountView.Of(r.Spent), AmountView.Of(r.ProfileToDate), AmountView.Of(r.SpentAgainstProfile), r.ReturnsOutstanding,
        r.ReturnsOverdue, r.LateReturns, AmountView.Of(r.ForecastUnderspend), r.ProjectsFlagged, r.ProjectsReadyToClose);
}

public sealed record FunderOverviewView(string FunderId, string? Programme, string? Year, int Partnerships, IReadOnlyList<OverviewRowView> Rows,
    AmountView Awarded, AmountView Released, AmountView Spent, AmountView ForecastUnderspend);
