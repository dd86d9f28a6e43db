using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.Contracts.IntegrationEvents;

namespace Csp.ActionPlan.Events;

/// <summary>The integration events each change to an action causes (written to the outbox with the change).</summary>
public static class ActionEvents
{
    public static PendingEvent[] Created(PlanAction a) =>
    [
        new(Topics.ActionCreated, new ActionCreated(a.PartnershipId, a.Id, a.PlanId, a.PriorityId, ApiJson.Name(a.Strand), a.LeadAgencyId, a.Title, a.DueDate, ApiJson.Name(a.Status)), Subject(a)),
    ];

    public static PendingEvent[] Updated(UpdateResult result, DateOnly today)
    {
        if (!result.StatusChanged) return [];
        var a = result.Action!;
        var last = result.Update!;
        var changed = new PendingEvent(Topics.ActionStatusChanged, new ActionStatusChanged(a.PartnershipId, a.Id, a.PriorityId, ApiJson.Name(a.Strand), a.LeadAgencyId,
            ApiJson.Name(result.PreviousStatus), ApiJson.Name(a.Status), ApiJson.Name(a.RagOn(today)), a.ProgressPercent, last.By, last.At), Subject(a));
        return result.Completed
            ? [changed, new PendingEvent(Topics.ActionCompleted, new ActionCompleted(a.PartnershipId, a.Id, a.PriorityId, a.LeadAgencyId, last.By, last.At), Subject(a))]
            : [changed];
    }

    public static PendingEvent[] Overdue(PlanAction a) =>
    [
        new(Topics.ActionOverdue, new ActionOverdue(a.PartnershipId, a.Id, a.PriorityId, a.LeadAgencyId, a.Owner, a.DueDate, ApiJson.Name(a.Status)), Subject(a)),
    ];


    private static string Subject(PlanAction a) => $"actions/{a.Id}";
}

/// <summary>The event a partnership change causes, so other services can check agencies without calling this one.</summary>
public static class PartnershipEvents
{
    public static PendingEvent[] Changed(Partnership p, long version) =>
    [
        new(Topics.PartnershipChanged, new PartnershipChanged(p.Id, p.Name, p.Agencies.Select(a => new PartnershipAgency(a.Id, a.Name, a.ResponsibleAuthority)).ToList(), version), $"partnerships/{p.Id}"),
    ];
}
