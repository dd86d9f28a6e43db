using System.Globalization;
using Csp.Portal.Api.Funding;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Funders;

/// <summary>
/// A submitted project (business case) and the funder's decision on it: approve, or reject with a reason
/// (<c>POST .../projects/{id}/decision</c> with If-Match and an Idempotency-Key). Shows what the project delivers (the
/// action-plan actions, completed or off track), its measures, who submitted it, and what approving it commits against the
/// award. Offered to a finance officer acting for the funder; anyone else who may read the allocation sees the project
/// without the form, and a crafted POST is refused by the service.
/// </summary>
public sealed class ProjectDecisionModel : AllocationSubPage
{
    [FromRoute] public int ProjectId { get; set; }
    [BindProperty] public string? Decision { get; set; }
    [BindProperty] public string? Reason { get; set; }

    public ProjectDetailView? Project { get; private set; }

    public bool CanDecide => ActsForFunder && Project?.Status == "submitted" && Allocation.Status is "provisional" or "confirmed";

    private string ProjectApiPath => $"{AllocationApiPath}/projects/{ProjectId.ToString(CultureInfo.InvariantCulture)}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        RequireFunder();
        await LoadAsync(cancellationToken);
        return Project is null ? NotFound() : Page();
    }

    protected override async Task LoadMoreAsync(CancellationToken cancellationToken) =>
        Project = ((await Api.GetAsync<List<ProjectDetailView>>($"{AllocationApiPath}/projects", cancellationToken)).Value ?? []).FirstOrDefault(p => p.Id == ProjectId);

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        bool? approve = Decision switch { "approve" => true, "reject" => false, _ => null };
        if (approve is null) ModelState.AddModelError(nameof(Decision), "Select whether to approve or reject the project");
        return await WriteAsync(() => Api.PostAsync<AllocationView>($"{ProjectApiPath}/decision", new ProjectDecisionDraft(approve, string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim()),
                ifMatch: Version, idempotencyKey: Guid.NewGuid().ToString("N"), cancellationToken: cancellationToken),
            new Dictionary<string, (string, string)> { ["approve"] = (nameof(Decision), "Decision"), ["reason"] = (nameof(Reason), "Reason") },
            approve == true ? "project-approved" : "project-rejected", ProjectId, cancellationToken);
    }
}
