using System.Globalization;
using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Domain;

/// <summary>A Community Safety Plan (e.g. 2020-2024) with its priorities and their areas of focus. Old plans stay readable.</summary>
public sealed record Plan(string Id, string PartnershipId, string Title, int StartYear, int EndYear, IReadOnlyList<Priority> Priorities)
{
    public Priority? FindPriority(string priorityId) => Priorities.FirstOrDefault(p => p.Id == priorityId);

    /// <summary>
    /// A priority or an area of focus is taken out of a plan only while no action refers to it (whatever the action's status:
    /// a completed or cancelled action still reports under its priority). Each refusal names the field of the change: a
    /// priority taken out is <c>priorities</c>; an area of focus taken out of a priority the change keeps is
    /// <c>priorities[i].areasOfFocus</c> (<c>i</c> the priority's place in the change).
    /// </summary>
    /// <param name="actions">The partnership's actions (those of other plans are ignored).</param>
    public void CheckRemovals(Plan next, IEnumerable<PlanAction> actions, ValidationErrors errors)
    {
        var mine = actions.Where(a => a.PlanId == Id).ToList();
        static string Ids(IReadOnlyList<PlanAction> refs) => (refs.Count == 1 ? "action " : "actions ") + string.Join(", ", refs.Select(a => a.Id.ToString(CultureInfo.InvariantCulture)));
        foreach (var priority in Priorities)
        {
            var refs = mine.Where(a => a.PriorityId == priority.Id).OrderBy(a => a.Id).ToList();
            var kept = next.Priorities.Select((p, i) => (p, i)).FirstOrDefault(x => x.p.Id == priority.Id);
            if (kept.p is null)
            {
                if (refs.Count > 0)
                    errors.Add("priorities", $"cannot lose '{priority.Title}' while {Count(refs.Count)} {(refs.Count == 1 ? "refers" : "refer")} to it ({Ids(refs)}): move or remove {(refs.Count == 1 ? "it" : "them")} first");
                continue;
            }
            foreach (var area in priority.AreasOfFocus.Where(a => !kept.p.HasAreaOfFocus(a.Id)))
            {
                var areaRefs = refs.Where(a => a.AreaOfFocusId == area.Id).ToList();
                if (areaRefs.Count > 0)
                    errors.Add($"priorities[{kept.i}].areasOfFocus",
                        $"cannot lose '{area.Title}' while {Count(areaRefs.Count)} {(areaRefs.Count == 1 ? "refers" : "refer")} to it ({Ids(areaRefs)}): move {(areaRefs.Count == 1 ? "it" : "them")} first");
            }
        }
    }

    /// <summary>Whether <paramref name="next"/> takes out any of this plan's priorities or areas of focus.</summary>
    public bool RemovesFrom(Plan next) => Priorities.Any(p => next.FindPriority(p.Id) is not { } kept || p.AreasOfFocus.Any(a => !kept.HasAreaOfFocus(a.Id)));

    private static string Count(int n) => n == 1 ? "an action" : $"{n} actions";
}

public sealed record Priority(string Id, string Title, IReadOnlyList<AreaOfFocus> AreasOfFocus)
{
    public bool HasAreaOfFocus(string areaId) => AreasOfFocus.Any(a => a.Id == areaId);
}

public sealed record AreaOfFocus(string Id, string Title);
