using System.Net;
using Csp.Portal.Api;
using Csp.Portal.Api.Funding;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// Awarding one allocation by hand: the partnership, the programme (which sets the financial year), the amount in pounds
/// and pence (sent as typed), why it differs from the formula's proposal when it does, and its purpose
/// (<c>POST /api/partnerships/{p}/funding/allocations</c> with an Idempotency-Key). The allocation starts provisional; the
/// page goes on to it, where it is confirmed or withdrawn. Only a finance officer acting for the programme's funder.
/// </summary>
public sealed class NewAllocationModel : FunderPage
{
    [BindProperty(SupportsGet = true, Name = "programme")] public string? ProgrammeId { get; set; }
    [BindProperty] public string? Partnership { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public string? AdjustmentReason { get; set; }
    [BindProperty] public string? Purpose { get; set; }

    public IReadOnlyList<ProgrammeDetailView> Programmes { get; private set; } = [];

    /// <summary>The partnerships offered: those the portal can name, and those the funder's formulas have proposed for.</summary>
    public IReadOnlyList<string> Partnerships { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var partnership = Partnership?.Trim();
        if (string.IsNullOrEmpty(partnership)) ModelState.AddModelError(nameof(Partnership), "Select the partnership");
        if (string.IsNullOrEmpty(ProgrammeId)) ModelState.AddModelError(nameof(ProgrammeId), "Select the programme");
        if (ModelState.IsValid)
        {
            try
            {
                var result = await Api.PostAsync<AllocationView>($"api/partnerships/{Uri.EscapeDataString(partnership!)}/funding/allocations",
                    new AllocationDraft(ProgrammeId, Pounds.Typed(Amount), Blank(AdjustmentReason), Blank(Purpose)),
                    idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken);
                if (result.Succeeded)
                    return Redirect($"{FunderPagePath}/allocations/{Uri.EscapeDataString(partnership!)}/{Uri.EscapeDataString(result.Value!.Id)}?done=awarded#outcome");
                ModelState.AddProblem(result.Problem!, new Dictionary<string, (string, string)>
                {
                    ["programmeId"] = (nameof(ProgrammeId), "Programme:"),
                    ["amount"] = (nameof(Amount), "Amount"),
                    ["adjustmentReason"] = (nameof(AdjustmentReason), "Reason for the difference"),
                    ["purpose"] = (nameof(Purpose), "Purpose"),
                });
            }
            catch (ApiFailure failure) when (failure.Status == HttpStatusCode.NotFound)
            {
                ModelState.AddModelError(nameof(Partnership), $"The funding service does not know the partnership {partnership}: it is set up in the action plan first");
            }
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Programmes = ((await Api.GetAsync<List<ProgrammeDetailView>>($"{FunderApiPath}/programmes", cancellationToken)).Value ?? [])
            .OrderByDescending(p => p.Year, StringComparer.Ordinal).ThenBy(p => p.Title, StringComparer.Ordinal).ToList();
        await LoadPartnershipNamesAsync(cancellationToken);
        Partnerships = PartnershipNames.Keys.Concat(Programmes.SelectMany(p => p.Proposal ?? []).Select(x => x.PartnershipId))
            .Distinct(StringComparer.Ordinal).OrderBy(PartnershipName, StringComparer.Ordinal).ToList();
    }
}
