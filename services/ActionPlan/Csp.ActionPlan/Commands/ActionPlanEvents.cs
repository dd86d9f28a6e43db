using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.Contracts.IntegrationEvents;

namespace Csp.ActionPlan.Commands;

/// <summary>The integration events each change to an action causes (the commands save them to the outbox with the change).
/// Status, strand and RAG are written with the public API's names.</summary>
public static class ActionEvents
{
    public static PendingEvent[] Created(PlanAction a) =>
    [
        PendingEvent.Of(new ActionCreated(a.PartnershipId, a.Id, a.PlanId, a.PriorityId, ApiJson.Name(a.Strand), a.LeadAgencyId, a.Title, a.DueDate,
            ApiJson.Name(a.Status)), Subject(a)),
    ];

    /// <summary>A status change, and completion, are events; an update that keeps the status is history only.</summary>
    public static PendingEvent[] Updated(UpdateResult result, DateOnly today)
    {
        if (!result.StatusChanged) return [];
        var a = result.Action!;
        var last = result.Update!;
        var changed = PendingEvent.Of(new ActionStatusChanged(a.PartnershipId, a.Id, a.PriorityId, ApiJson.Name(a.Strand), a.LeadAgencyId,
            ApiJson.Name(result.PreviousStatus), ApiJson.Name(a.Status), ApiJson.Name(a.RagOn(today)), a.ProgressPercent, last.By, last.At), Subject(a));
        return result.Completed
            ? [changed, PendingEvent.Of(new ActionCompleted(a.PartnershipId, a.Id, a.PriorityId, a.LeadAgencyId, last.By, last.At), Subject(a))]
            : [changed];
    }

    public static PendingEvent[] Overdue(PlanAction a) =>
    [
        PendingEvent.Of(new ActionOverdue(a.PartnershipId, a.Id, a.PriorityId, a.LeadAgencyId, a.Owner, a.DueDate, ApiJson.Name(a.Status)), Subject(a)),
    ];

    private static string Subject(PlanAction a) => $"actions/{a.Id}";
}

/// <summary>The event a partnership change causes, so other services can check agencies without calling this one.</summary>
public static class PartnershipEvents
{
    /// <param name="version">The version the change is stored as: other services ignore a change older than the one they hold.</param>
    public static PendingEvent[] Changed(Partnership p, long version) =>
    [
        PendingEvent.Of(new PartnershipChanged(p.Id, p.Name, p.Agencies.Select(a => new PartnershipAgency(a.Id, a.Name, a.ResponsibleAuthority)).ToList(), version,
            p.OnsCode, p.RecipientOrgId),
            $"partnerships/{p.Id}"),
    ];
}
