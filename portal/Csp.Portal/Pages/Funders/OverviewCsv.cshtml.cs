using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>The funder's view across partnerships as the funding service writes it (<c>overview.csv</c>: pounds with two
/// decimal places), with the same filters and sort, as a download (UTF-8 with a BOM, for spreadsheets).</summary>
public sealed class OverviewCsvModel : FunderPage
{
    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var query = Request.QueryString.HasValue ? Request.QueryString.Value : "";
        var csv = await Api.GetTextAsync($"{FunderApiPath}/overview.csv{query}", cancellationToken);
        var what = Request.Query["programme"].FirstOrDefault() ?? Request.Query["year"].FirstOrDefault() ?? "all";
        var file = $"funding-overview-{Safe(FunderId)}-{Safe(what)}.csv";
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray(), "text/csv; charset=utf-8", file);
    }

    private static string Safe(string text) => new(text.Where(c => char.IsAsciiLetterOrDigit(c) || c == '-').Take(64).ToArray());
}
