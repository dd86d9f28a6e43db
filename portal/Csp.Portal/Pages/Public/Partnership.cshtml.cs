using Csp.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Csp.Portal.Pages.Public;

/// <summary>
/// The public scorecard of a partnership, for residents: no sign-in, and only what the KPI service's public API gives
/// (published KPIs, no notes, no submitters), in plain words with each figure's lag. The partnership's and priorities'
/// names are not public API yet, so they are read from their ids.
/// </summary>
public sealed class PartnershipModel : PageModel
{
    [FromRoute(Name = "p")] public string PartnershipId { get; set; } = "";

    public PublicScorecardView Scorecard { get; private set; } = null!;

    public string PartnershipName => Csp.Portal.Pages.Partnerships.Board.KpiDisplay.Humanise(PartnershipId) + " Community Safety Partnership";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var client = ActivatorUtilities.CreateInstance<PublicScorecardClient>(HttpContext.RequestServices);
        var card = await client.GetAsync(PartnershipId, cancellationToken);
        if (card is null) return NotFound();
        Scorecard = card;
        return Page();
    }
}
