using System.Globalization;
using System.Net;
using System.Text;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Csp.Portal.Packs;
using Csp.Portal.Pages.Partnerships.Board;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Pack;

/// <summary>One table of a stored governance pack as CSV (UTF-8 with BOM, formula-safe cells): scorecard, actions,
/// overdue, heat-map, top-risks or funding. Money in pounds with two decimal places; dates as yyyy-MM-dd.</summary>
public sealed class CsvModel : BoardPage
{
    [FromRoute] public string Quarter { get; set; } = "";
    [FromRoute] public string Table { get; set; } = "";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public async Task<IActionResult> OnGetAsync()
    {
        var pack = await ShowModel.ReadPackAsync(this, Quarter);
        var csv = new StringBuilder();
        var f = pack.Figures;
        switch (Table)
        {
            case "scorecard":
                Csv.Row(csv, "Priority", "KPI code", "KPI", "Published", "Period", "Value", "Target", "RAG", "Reason", "Against previous period", "Against same period last year", "Latest period", "Next expected", "Late");
                foreach (var g in f.Scorecard)
                    foreach (var k in g.Kpis)
                        Csv.Row(csv, g.PriorityTitle, k.Code, k.Title, k.Published ? "yes" : "no", k.Period, k.Value?.ToString(Invariant), k.Target?.ToString(Invariant),
                            KpiDisplay.Rag(k.Rag), k.RagReason, k.VsPrevious?.Reason, k.VsLastYear?.Reason, k.DataLag.LatestPeriod,
                            k.DataLag.NextExpected?.ToString("yyyy-MM-dd", Invariant), k.DataLag.Late ? "yes" : "no");
                break;
            case "actions":
                Csv.Row(csv, "Priority", "Strand", "Red", "Amber", "Green", "Complete", "Not started or cancelled", "Total");
                foreach (var g in f.ActionRag)
                    foreach (var r in g.Strands.Append(g.Total))
                        Csv.Row(csv, g.PriorityTitle, r.Strand, N(r.Red), N(r.Amber), N(r.Green), N(r.Complete), N(r.NotStartedOrCancelled), N(r.Total));
                break;
            case "overdue":
                Csv.Row(csv, "Action id", "Action", "Priority", "Strand", "Lead agency", "Owner", "Due date", "Days overdue", "Status", "Progress (%)");
                foreach (var a in f.OverdueActions)
                    Csv.Row(csv, a.Id.ToString(Invariant), a.Title, a.PriorityTitle, a.Strand, a.LeadAgency, a.Owner, a.DueDate.ToString("yyyy-MM-dd", Invariant),
                        N(a.DaysOverdue), a.Status, N(a.ProgressPercent));
                break;
            case "heat-map" when f.HeatMap is { } map:
                Csv.Row(csv, "Rating", "Likelihood", "Impact", "Band", "Score", "Risks now", $"Risks at the end of {map.PreviousQuarter}");
                foreach (var c in map.Cells)
                    Csv.Row(csv, c.Rating, c.Likelihood, c.Impact, c.BandLabel, N(c.Score), N(c.Count), N(c.PreviousCount));
                break;
            case "top-risks":
                Csv.Row(csv, "Risk id", "Risk", "Owning agency", "Owner", "Current rating", "Band", "Score", "Target rating", "Direction of travel", "Above tolerance", "Next review");
                foreach (var r in f.TopRisks)
                    Csv.Row(csv, r.Id.ToString(Invariant), r.Title, r.OwningAgency, r.Owner, r.Rating, r.BandLabel, N(r.Score), r.TargetRating, r.DirectionOfTravel,
                        r.AboveTolerance ? "yes" : "no", r.NextReviewDate.ToString("yyyy-MM-dd", Invariant));
                break;
            case "funding":
                Csv.Row(csv, "Allocation", "Programme", "Funder", "Year", "Status", "Awarded (£)", "Released (£)", "Spent (£)", "Remaining (£)", "Profile to date (£)",
                    "Spent against profile (£)", "Forecast underspend (£)", "Returns overdue");
                if (!f.Funding.Available) Csv.Row(csv, "Not available: " + f.Funding.NotAvailable);
                foreach (var a in f.Funding.Allocations)
                    Csv.Row(csv, a.AllocationId, a.Programme, a.FunderId, a.Year, a.Status, P(a.AwardedPence), P(a.ReleasedPence), P(a.SpentPence), P(a.RemainingPence),
                        P(a.ProfileToDatePence), P(a.SpentAgainstProfilePence), a.ForecastUnderspendPence is { } u ? P(u) : null, N(a.ReturnsOverdue));
                break;
            default:
                throw new ApiFailure(HttpStatusCode.NotFound, new ApiProblem(404, $"No table '{Table}' in a governance pack", null, ApiProblem.NoErrors, null));
        }
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8",
            $"governance-pack-{PartnershipId}-{pack.Quarter}-{Table}.csv");
    }

    private static string N(int value) => value.ToString(Invariant);

    private static string P(long pence) => (pence / 100m).ToString("0.00", Invariant);
}
