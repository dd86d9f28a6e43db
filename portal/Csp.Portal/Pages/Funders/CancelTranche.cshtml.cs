using System.Globalization;
using Csp.Portal.Api.Funding;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// Cancelling one tranche of the payment schedule, with a reason (<c>POST .../tranches/{id}/cancel</c> with If-Match). The
/// form is shown whatever the tranche's state, and the service decides: a tranche already released (or cancelled) is
/// refused with its rule (<c>cancel-only-scheduled</c>), shown in the error summary. The allocation page links here from
/// each scheduled tranche for a finance officer acting for the funder.
/// </summary>
public sealed class CancelTrancheModel : AllocationSubPage
{
    [FromRoute] public int TrancheId { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public TrancheView? Tranche => Allocation.Tranches.FirstOrDefault(t => t.Id == TrancheId);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        RequireFunder();
        await LoadAsync(cancellationToken);
        return Tranche is null ? NotFound() : Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) =>
        await WriteAsync(() => Api.PostAsync<AllocationView>($"{AllocationApiPath}/tranches/{TrancheId.ToString(CultureInfo.InvariantCulture)}/cancel",
                new CancelDraft(string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim()), ifMatch: Version, cancellationToken: cancellationToken),
            new Dictionary<string, (string, string)> { ["reason"] = (nameof(Reason), "Reason") }, "cancelled", TrancheId, cancellationToken);
}
