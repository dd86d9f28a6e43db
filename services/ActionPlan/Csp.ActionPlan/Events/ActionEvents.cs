using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Redis;
using Csp.Contracts.IntegrationEvents;

namespace Csp.ActionPlan.Events;

/// <summary>The integration events each change to an action causes (written to the outbox with the change).</summary>
public static class ActionEvents
{
    public static PendingEvent[] Created(PlanAction a) =>
    [
        new(Topics.ActionCreated, new ActionCreated(a.PartnershipId, a.Id, a.PlanId, a.PriorityId, Name(a.Strand), a.LeadAgencyId, a.Title, a.DueDate, Name(a.Status)), Subject(a)),
    ];

    public static PendingEvent[] Updated(UpdateResult result, DateOnly today)
    {
        if (!result.StatusChanged) return [];
        var a = result.Action!;
        var last = a.Updates[^1];
        var changed = new PendingEvent(Topics.ActionStatusChanged, new ActionStatusChanged(a.PartnershipId, a.Id, a.PriorityId, Name(a.Strand), a.LeadAgencyId,
            Name(result.PreviousStatus), Name(a.Status), Name(a.RagOn(today)), a.ProgressPercent, last.By, last.At), Subject(a));
        return result.Completed
            ? [changed, new PendingEvent(Topics.ActionCompleted, new ActionCompleted(a.PartnershipId, a.Id, a.PriorityId, a.LeadAgencyId, last.By, last.At), Subject(a))]
            : [changed];
    }

    public static PendingEvent[] Overdue(PlanAction a) =>
    [
        new(Topics.ActionOverdue, new ActionOverdue(a.PartnershipId, a.Id, a.PriorityId, a.LeadAgencyId, a.Owner, a.DueDate, Name(a.Status)), Subject(a)),
    ];

    /// <summary>The API's kebab-case name of an enum value (<c>OnTrack</c> → <c>on-track</c>).</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum =>
        System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static string Subject(PlanAction a) => $"actions/{a.Id}";
}
