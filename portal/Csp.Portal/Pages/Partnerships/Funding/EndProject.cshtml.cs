using System.Globalization;
using Csp.BuildingBlocks.Auth;
using Csp.Portal.Api;
using Csp.Portal.Hosting;
using Microsoft.AspNetCore.Mvc;
using static Csp.Portal.Api.ManagerFunding;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>
/// Completing or closing an approved project (manager): <c>POST .../projects/{id}/end</c> with the allocation's ETag read
/// with the form as If-Match. A 412 shows what changed on the allocation meanwhile (the project's state now, the
/// allocation's version), keeps the choice and note typed and sends them again against the new version; a 409 (the
/// project is no longer approved) is shown in the error summary with the service's words.
/// </summary>
public sealed class EndProjectModel : FundingPage
{
    private static readonly IReadOnlyDictionary<string, (string, string)> ApiFields = new Dictionary<string, (string, string)>
    {
        ["status"] = ("Status", "How it ended:"),
        ["reason"] = ("Reason", "Note"),
    };

    [FromRoute] public int ProjectId { get; set; }
    [BindProperty] public string? Status { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? Version { get; set; }
    [BindProperty] public string? ProjectStatusRead { get; set; }

    public Project Project { get; private set; } = null!;
    public IReadOnlyList<string>? Conflict { get; private set; }

    public bool IsManager => Caller.Has(Roles.Manager, PartnershipId);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Version = AllocationETag;
        ProjectStatusRead = Project.Status;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var draft = new ProjectEndDraft(string.IsNullOrEmpty(Status) ? null : Status, string.IsNullOrWhiteSpace(Reason) ? null : Reason.Trim());
        var result = await Api.PostAsync<Allocation>($"{AllocationPath}/projects/{ProjectId}/end", draft, ifMatch: Version, cancellationToken: cancellationToken);
        if (result.Succeeded) return Redirect($"{AllocationPage}?done={(Status == "closed" ? "project-closed" : "project-completed")}&project={ProjectId}#projects");
        await LoadAsync(cancellationToken);
        if (result.Status == StatusCodes.Status412PreconditionFailed)
        {
            var changes = new List<string>();
            if (ProjectStatusRead != Project.Status) changes.Add($"The project is now {StatusText(Project.Status).ToLowerInvariant()} (was {StatusText(ProjectStatusRead ?? "").ToLowerInvariant()}).");
            changes.Add(string.Create(CultureInfo.InvariantCulture,
                $"The allocation was changed meanwhile (it is now at version {Allocation.Version}): {Allocation.VariationList.Count(v => v.Status == "requested")} variation(s) waiting for the funder, {Allocation.SpendEntries} spend entries, {Project.Spent.Shown} spent on this project."));
            Conflict = changes;
            Version = AllocationETag;
            ProjectStatusRead = Project.Status;
            return Page();
        }
        ModelState.AddProblem(result.Problem!, ApiFields);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await LoadAllocationAsync(cancellationToken);
        Project = Allocation.ProjectById(ProjectId) ?? throw new ApiFailure(System.Net.HttpStatusCode.NotFound, null);
    }
}
