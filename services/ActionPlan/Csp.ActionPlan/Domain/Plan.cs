namespace Csp.ActionPlan.Domain;

/// <summary>A Community Safety Plan (e.g. 2020-2024) with its priorities and their areas of focus. Old plans stay readable.</summary>
public sealed record Plan(string Id, string PartnershipId, string Title, int StartYear, int EndYear, IReadOnlyList<Priority> Priorities)
{
    public Priority? FindPriority(string priorityId) => Priorities.FirstOrDefault(p => p.Id == priorityId);
}

public sealed record Priority(string Id, string Title, IReadOnlyList<AreaOfFocus> AreasOfFocus)
{
    public bool HasAreaOfFocus(string areaId) => AreasOfFocus.Any(a => a.Id == areaId);
}

public sealed record AreaOfFocus(string Id, string Title);
