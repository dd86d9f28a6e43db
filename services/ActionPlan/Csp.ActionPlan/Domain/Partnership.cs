namespace Csp.ActionPlan.Domain;

/// <summary>A Community Safety Partnership and the agencies that take part in it.</summary>
public sealed record Partnership(string Id, string Name, IReadOnlyList<Agency> Agencies)
{
    public bool HasAgency(string agencyId) => Agencies.Any(a => a.Id == agencyId);
}

/// <summary>An agency. Responsible authorities are the statutory members (Crime and Disorder Act 1998, ss. 5-7).</summary>
public sealed record Agency(string Id, string Name, bool ResponsibleAuthority);
