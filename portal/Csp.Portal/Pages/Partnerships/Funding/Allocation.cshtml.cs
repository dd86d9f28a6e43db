using Csp.BuildingBlocks.Auth;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Funding;

/// <summary>One allocation as the partnership sees it: its totals, projects, payment schedule and monitoring returns,
/// with the manager's actions (submit a project, record spend, submit a return) offered to the manager.</summary>
public sealed class AllocationModel : FundingPage
{
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [FromQuery(Name = "project")] public int? DoneProjectId { get; set; }

    public Csp.Portal.Api.ManagerFunding.Project? DoneProject => DoneProjectId is { } id ? Allocation.ProjectById(id) : null;

    public bool IsManager => Caller.Has(Roles.Manager, PartnershipId);

    public bool CanRecordSpend => IsManager || Caller.Has(Roles.Finance, PartnershipId);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAllocationAsync(cancellationToken);
}
