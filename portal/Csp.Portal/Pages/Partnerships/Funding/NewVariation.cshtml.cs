using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>
/// Requesting a variation (manager): a new award amount (typed in pounds and sent exactly as typed, less the pound sign and
/// separators) or a new end date, with the reason. The funding service checks it (a confirmed allocation, an amount with
/// at most two decimal places) and the funder's finance officer decides it; the allocation page shows the decision.
/// Offered to the manager; anyone else's POST goes to the service, which refuses it.
/// </summary>
public sealed class NewVariationModel : FundingPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["kind"] = ("Kind", "What to change:"),
        ["newAmount"] = ("NewAmount", "New award amount"),
        ["newEndDate"] = ("NewEndDate", "New end date"),
        ["reason"] = ("Reason", "Reason"),
    };

    [BindProperty] public string? Kind { get; set; }
    [BindProperty] public string? NewAmount { get; set; }
    [BindProperty] public string? EndDay { get; set; }
    [BindProperty] public string? EndMonth { get; set; }
    [BindProperty] public string? EndYear { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public bool IsManager => Caller.Has(Roles.Manager, PartnershipId);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAllocationAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var endDate = Kind == "end-date" ? ReadDate(EndDay, EndMonth, EndYear, "NewEndDate", "New end date") : null;
        if (ModelState.IsValid)
        {
            var draft = new VariationDraft(string.IsNullOrEmpty(Kind) ? null : Kind, Kind == "amount" ? MoneyTyped(NewAmount) : null, endDate,
                string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim());
            var result = await Api.PostAsync<Allocation>($"{AllocationPath}/variations", draft, idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
            if (result.Succeeded) return Redirect($"{AllocationPage}?done=variation#variations");
            ModelState.AddProblem(result.Problem!, ApiFields);
        }
        await LoadAllocationAsync(cancellationToken);
        return Page();
    }
}
