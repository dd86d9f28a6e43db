using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>Submitting a project (a business case) against an allocation (manager): title, lead agency, amount, the
/// action-plan actions it delivers (checked with the action plan by the funding service) and up to three measures.</summary>
public sealed class NewProjectModel : FundingPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["title"] = ("Title", "Title"),
        ["leadAgencyId"] = ("LeadAgencyId", "Lead agency"),
        ["amount"] = ("Amount", "Amount"),
        ["actionIds"] = ("ActionIds", "Actions"),
        ["measures"] = ("Measure1", "Measures"),
        ["measures[0]"] = ("Measure1", "Measure 1"),
        ["measures[1]"] = ("Measure2", "Measure 2"),
        ["measures[2]"] = ("Measure3", "Measure 3"),
    };

    [BindProperty] public string? Title { get; set; }
    [BindProperty] public string? LeadAgencyId { get; set; }
    [BindProperty] public string? Amount { get; set; }
    [BindProperty] public List<long> ActionIds { get; set; } = [];
    [BindProperty] public string? Measure1 { get; set; }
    [BindProperty] public string? Measure2 { get; set; }
    [BindProperty] public string? Measure3 { get; set; }

    public IReadOnlyList<IGrouping<string, ActionView>> Actions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var measures = new[] { Measure1, Measure2, Measure3 }.Where(m => !string.IsNullOrWhiteSpace(m)).Select(m => m!).ToList();
        var draft = new ProjectDraft(Title, string.IsNullOrEmpty(LeadAgencyId) ? null : LeadAgencyId, MoneyTyped(Amount), ActionIds, measures);
        var result = await Api.PostAsync<Allocation>($"{AllocationPath}/projects", draft, idempotencyKey: Guid.NewGuid().ToString("n"), cancellationToken: cancellationToken);
        if (result.Succeeded) return Redirect($"{AllocationPage}?done=project#projects");
        ModelState.AddProblem(result.Problem!, ApiFields);
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadAllocationAsync(cancellationToken, withPlans: true);
        Actions = (await ListActionsAsync("", cancellationToken)).Where(a => a.Open)
            .OrderBy(a => PriorityTitle(a.PriorityId), StringComparer.Ordinal).ThenBy(a => a.Title, StringComparer.Ordinal)
            .GroupBy(a => PriorityTitle(a.PriorityId)).ToList();
    }
}
