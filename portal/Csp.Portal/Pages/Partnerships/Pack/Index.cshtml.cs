using Csp.Portal.Hosting;
using Csp.BuildingBlocks.Time;
using Csp.Portal.Packs;
using Csp.Portal.Pages.Partnerships.Board;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Pack;

/// <summary>
/// The governance packs of a partnership: the stored packs, and one click to make the quarter's pack (the board and the
/// manager; the portal refuses anyone else, as it stores packs itself). Making one reads the board figures with the
/// user's token (the KPI scorecard as at the quarter's end) and stores them as they are, once per quarter.
/// </summary>
public sealed class IndexModel : BoardPage
{
    [BindProperty] public string? Quarter { get; set; }

    public IReadOnlyList<PackSummary> Stored { get; private set; } = [];

    /// <summary>The quarter a board usually reviews: the one just ended.</summary>
    public string DefaultQuarter => FinancialQuarter.Containing(Today).Previous.ToString();

    /// <summary>Set when the asked quarter has a pack already.</summary>
    public string? Existing { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        RequirePackRole();
        await LoadPartnershipAsync(cancellationToken);
        Quarter = DefaultQuarter;
        Stored = await Packs.ListAsync(PartnershipId);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        RequirePackRole();
        var text = Quarter?.Trim().ToUpperInvariant();
        if (!FinancialQuarter.TryParse(text, out var quarter))
            ModelState.AddModelError(nameof(Quarter), "Enter the quarter as a year and quarter, like " + DefaultQuarter + " (financial quarters: Q1 is April to June)");
        else if (quarter.Start > Today)
            ModelState.AddModelError(nameof(Quarter), $"The quarter must have started: {quarter} starts on {Display.Date(quarter.Start)}");
        if (ModelState.IsValid)
        {
            if (await PackMaker.MakeAsync(PartnershipId, quarter, Caller, cancellationToken)) return Redirect($"{PagePath}/packs/{quarter}");
            Existing = quarter.ToString();
            ModelState.AddModelError(nameof(Quarter), $"The pack for {quarter} has been made already: open it from the list below (a pack is a snapshot and is never remade)");
        }
        await LoadPartnershipAsync(cancellationToken);
        Stored = await Packs.ListAsync(PartnershipId);
        return Page();
    }
}
