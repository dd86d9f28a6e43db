using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Domain;

/// <summary>What the manager sends to set up a plan: years, and priorities each with areas of focus (unique slug ids).</summary>
public sealed record PlanDraft(string? Title = null, int? StartYear = null, int? EndYear = null, IReadOnlyList<PriorityDraft>? Priorities = null)
{
    public Plan? Validate(string partnershipId, string planId, ValidationErrors errors)
    {
        var title = errors.RequiredText("title", Title, 200);
        if (StartYear is null or < 2000 or > 2100) errors.Add("startYear", "is required: a year such as 2020");
        if (EndYear is null or < 2000 or > 2100) errors.Add("endYear", "is required: a year such as 2024");
        else if (StartYear is { } s && EndYear < s) errors.Add("endYear", "must not be before startYear");
        var priorities = new List<Priority>();
        var pd = Priorities ?? [];
        if (pd.Count == 0) errors.Add("priorities", "at least one priority is required");
        for (var i = 0; i < pd.Count; i++)
        {
            if (!Slug.IsValid(pd[i]?.Id)) errors.Add($"priorities[{i}].id", "must be a lower-case slug");
            else if (priorities.Any(p => p.Id == pd[i].Id)) errors.Add($"priorities[{i}].id", "appears twice");
            var pTitle = errors.RequiredText($"priorities[{i}].title", pd[i]?.Title, 200);
            var areas = new List<AreaOfFocus>();
            var ad = pd[i]?.AreasOfFocus ?? [];
            for (var j = 0; j < ad.Count; j++)
            {
                if (!Slug.IsValid(ad[j]?.Id)) errors.Add($"priorities[{i}].areasOfFocus[{j}].id", "must be a lower-case slug");
                else if (areas.Any(a => a.Id == ad[j].Id)) errors.Add($"priorities[{i}].areasOfFocus[{j}].id", "appears twice");
                var aTitle = errors.RequiredText($"priorities[{i}].areasOfFocus[{j}].title", ad[j]?.Title, 200);
                if (Slug.IsValid(ad[j]?.Id) && aTitle is not null) areas.Add(new AreaOfFocus(ad[j].Id!, aTitle));
            }
            if (Slug.IsValid(pd[i]?.Id) && pTitle is not null) priorities.Add(new Priority(pd[i].Id!, pTitle, areas));
        }
        return errors.IsEmpty ? new Plan(planId, partnershipId, title!, StartYear!.Value, EndYear!.Value, priorities) : null;
    }

}

public sealed record PriorityDraft(string? Id = null, string? Title = null, IReadOnlyList<AreaDraft>? AreasOfFocus = null);

public sealed record AreaDraft(string? Id = null, string? Title = null);
