using System.Text;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Rounds;

/// <summary>The chase list: every update still owed in a round, one row per action, by agency, as CSV.</summary>
public sealed class ChaseListModel : PartnershipPage
{
    [FromRoute] public string RoundId { get; set; } = "";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken, withPlans: true);
        var path = $"{ApiPath}/update-rounds/{Uri.EscapeDataString(RoundId)}";
        var round = (await Api.GetAsync<UpdateRoundView>(path, cancellationToken)).Value!;
        var outstanding = (await Api.GetAsync<List<OutstandingView>>(path + "/outstanding", cancellationToken)).Value ?? [];
        var csv = new StringBuilder();
        Csv.Row(csv, "Agency", "Action id", "Action", "Priority", "Strand", "Owner", "Due date", "Status", "Last updated", "Round", "Deadline");
        foreach (var o in outstanding.OrderBy(o => Partnership.AgencyName(o.LeadAgencyId), StringComparer.Ordinal).ThenBy(o => o.DueDate))
            Csv.Row(csv, Partnership.AgencyName(o.LeadAgencyId), o.ActionId.ToString(System.Globalization.CultureInfo.InvariantCulture), o.Title,
                PriorityTitle(o.PriorityId), Display.Strand(o.Strand), o.Owner, o.DueDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Display.Status(o.Status), o.LastUpdatedAt is { } at ? at.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "never",
                round.Period, round.Deadline.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var file = $"chase-list-{PartnershipId}-{round.Period}.csv";
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8", file);
    }
}
