using Csp.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Portal.Pages.Partnerships.Plan;

/// <summary>
/// The plan overview (offered to the manager; members may read it): the plan in force (or the one chosen), its priorities
/// and areas of focus, and its actions counted by priority, 4P strand and RAG, with the overdue ones. RAG is the action
/// plan's, read from each action; the counts are the page's.
/// </summary>
public sealed class PlanModel : PartnershipPage
{
    public static readonly IReadOnlyList<string> Strands = ["prevent", "protect", "pursue", "prepare"];
    public static readonly IReadOnlyList<string> Rags = ["red", "amber", "green", "blue", "grey"];

    [FromQuery(Name = "plan")] public string? PlanId { get; set; }
    [FromQuery(Name = "done")] public string? Done { get; set; }
    [FromQuery(Name = "action")] public long? DoneAction { get; set; }

    /// <summary>The set-up links (change the plan, add and change actions) are the manager's.</summary>
    public bool IsManager => Caller.Has(Csp.BuildingBlocks.Auth.Roles.Manager, PartnershipId);

    public IReadOnlyList<PlanView> Plans { get; private set; } = [];
    public PlanView? Current { get; private set; }
    public IReadOnlyList<ActionView> Actions { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadPartnershipAsync(cancellationToken, withPlans: true);
        Plans = ((await Api.GetAsync<List<PlanView>>(ApiPath + "/plans", cancellationToken)).Value ?? []).OrderByDescending(p => p.StartYear).ToList();
        var year = Today.Year;
        Current = Plans.FirstOrDefault(p => p.Id == PlanId)
            ?? Plans.FirstOrDefault(p => p.StartYear <= year && year <= p.EndYear)
            ?? Plans.FirstOrDefault();
        if (Current is null) return;
        Actions = (await ListActionsAsync("", cancellationToken)).Where(a => a.PlanId == Current.Id).ToList();
    }

    public int Count(Func<ActionView, bool> which) => Actions.Count(which);

    public IEnumerable<ActionView> In(string priorityId) => Actions.Where(a => a.PriorityId == priorityId);
}
