namespace Csp.ActionPlan.Domain;

/// <summary>A Community Safety Partnership and the agencies that take part in it.</summary>
public sealed record Partnership(string Id, string Name, IReadOnlyList<Agency> Agencies)
{
    /// <summary>The partnership's ONS code (Community Safety Partnerships are E22…), when known: open data names where grants went.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? OnsCode { get; init; }

    /// <summary>The organisation that receives grants for the partnership, as an org-id.guide identifier (e.g. <c>GB-LAE-MDW</c>, Medway Council), when known.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? RecipientOrgId { get; init; }

    public bool HasAgency(string agencyId) => Agencies.Any(a => a.Id == agencyId);
}

/// <summary>An agency. Responsible authorities are the statutory members (Crime and Disorder Act 1998, ss. 5-7).</summary>
public sealed record Agency(string Id, string Name, bool ResponsibleAuthority);
