using System.Net;
using Csp.Portal.Api;
using Csp.Portal.Api.Funding;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// The funder's view across partnerships (<c>GET /api/funders/{f}/overview</c>) for a programme and/or year: filters and
/// sort are the query string of a GET form (it works without JavaScript, and a filtered view can be bookmarked or shared),
/// passed to the service as they are; the service filters, sorts and refuses a bad value (400, shown against the field).
/// Only a finance officer acting for the funder may read it: anyone else gets the service's 403 as the permission page.
/// </summary>
public sealed class OverviewModel : FunderPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> QueryFields = new Dictionary<string, (string, string)>
    {
        ["programme"] = ("Programme", "Programme"),
        ["year"] = ("Year", "Financial year"),
        ["status"] = ("Status", "Status"),
        ["flagged"] = ("Flagged", "Flagged projects"),
        ["overdue"] = ("Overdue", "Overdue returns"),
        ["sort"] = ("Sort", "Sort by"),
    };

    public static readonly IReadOnlyList<(string Value, string Text)> Statuses =
        [("provisional", "Provisional"), ("confirmed", "Confirmed"), ("withdrawn", "Withdrawn"), ("closed", "Closed")];

    public static readonly IReadOnlyList<(string Value, string Text)> SortColumns =
    [
        ("partnership", "Partnership"), ("status", "Status"), ("awarded", "Awarded"), ("released", "Released"), ("spent", "Spent"),
        ("spent-against-profile", "Spent against profile"), ("returns-overdue", "Returns overdue"), ("forecast-underspend", "Forecast underspend"),
    ];

    [FromQuery(Name = "programme")] public string? Programme { get; set; }
    [FromQuery(Name = "year")] public string? Year { get; set; }
    [FromQuery(Name = "status")] public string? Status { get; set; }
    [FromQuery(Name = "flagged")] public string? Flagged { get; set; }
    [FromQuery(Name = "overdue")] public string? Overdue { get; set; }
    [FromQuery(Name = "sort")] public string? Sort { get; set; }

    public IReadOnlyList<ProgrammeView> Programmes { get; private set; } = [];
    public string FunderName { get; private set; } = "";
    public FunderOverviewView? Overview { get; private set; }

    public IEnumerable<string> Years => Programmes.Select(p => p.Year).Distinct().OrderDescending();

    public string ProgrammeTitle(string id) => Programmes.FirstOrDefault(p => p.Id == id)?.Title ?? id;

    public string StatusText(string status) => Statuses.FirstOrDefault(s => s.Value == status).Text ?? status;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Programmes = (await Api.GetAsync<List<ProgrammeView>>(FunderApiPath + "/programmes", cancellationToken)).Value ?? [];
        FunderName = (await Api.GetAsync<List<FunderView>>("api/funders", cancellationToken)).Value?.FirstOrDefault(f => f.Id == FunderId)?.Name ?? FunderId;
        Programme = Blank(Programme);
        Year = Blank(Year);
        Status = Blank(Status);
        Flagged = Blank(Flagged);
        Overdue = Blank(Overdue);
        Sort = Blank(Sort);
        // Neither chosen: the latest year the funder has a programme for.
        if (Programme is null && Year is null) Year = Years.FirstOrDefault();
        if (Year is null && Programme is null) return;
        await LoadPartnershipNamesAsync(cancellationToken);
        try
        {
            Overview = (await Api.GetAsync<FunderOverviewView>($"{FunderApiPath}/overview{Query()}", cancellationToken)).Value;
        }
        catch (ApiFailure failure) when (failure.Status == HttpStatusCode.BadRequest && failure.Problem is { } problem)
        {
            ModelState.AddProblem(problem, QueryFields);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The query string of the current view, with <paramref name="sort"/> in place of the current sort when given.</summary>
    public string Query(string? sort = null)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) parts.Add(name + "=" + Uri.EscapeDataString(value));
        }
        Add("programme", Programme);
        Add("year", Year);
        Add("status", Status);
        Add("flagged", Flagged);
        Add("overdue", Overdue);
        Add("sort", sort ?? Sort);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    /// <summary>The sort a column's heading links to: ascending first, descending when it is already sorted ascending.</summary>
    public string SortLink(string column) => Query(Sort == column || (Sort is null && column == "partnership") ? "-" + column : column);

    /// <summary>The column's <c>aria-sort</c>: ascending, descending, or none.</summary>
    public string? AriaSort(string column) =>
        Sort == column || (Sort is null && column == "partnership") ? "ascending" : Sort == "-" + column ? "descending" : null;
}
