namespace Csp.Contracts.IntegrationEvents;

// Integration events published by the action-plan service. Dates are UK calendar dates (yyyy-MM-dd);
// instants are UTC. Status and strand use the kebab-case names of the public API.

/// <summary>A partnership was set up or its agencies changed. <see cref="Version"/> orders the changes: other services keep
/// their copy of the partnership (for agency checks) and ignore a change older than the one they hold. <see cref="OnsCode"/>
/// (E22…) and <see cref="RecipientOrgId"/> (e.g. GB-LAE-MDW) are optional: the funding service's open data uses them.</summary>
public sealed record PartnershipChanged(string PartnershipId, string Name, IReadOnlyList<PartnershipAgency> Agencies, long Version,
    string? OnsCode = null, string? RecipientOrgId = null) : IIntegrationEvent
{
    public static string Topic => "partnership.changed";
}

public sealed record PartnershipAgency(string Id, string Name, bool ResponsibleAuthority);

public sealed record ActionCreated(
    string PartnershipId, long ActionId, string PlanId, string PriorityId, string Strand,
    string LeadAgencyId, string Title, DateOnly DueDate, string Status) : IIntegrationEvent
{
    public static string Topic => "action.created";
}

public sealed record ActionStatusChanged(
    string PartnershipId, long ActionId, string PriorityId, string Strand, string LeadAgencyId,
    string PreviousStatus, string Status, string Rag, int ProgressPercent, string ChangedBy, DateTimeOffset ChangedAt) : IIntegrationEvent
{
    public static string Topic => "action.status-changed";
}

public sealed record ActionCompleted(
    string PartnershipId, long ActionId, string PriorityId, string LeadAgencyId, string CompletedBy, DateTimeOffset CompletedAt) : IIntegrationEvent
{
    public static string Topic => "action.completed";
}

public sealed record ActionOverdue(
    string PartnershipId, long ActionId, string PriorityId, string LeadAgencyId, string Owner, DateOnly DueDate, string Status) : IIntegrationEvent
{
    public static string Topic => "action.overdue";
}
