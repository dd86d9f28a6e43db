using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Events;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;

namespace Csp.ActionPlan.Api;

/// <summary>
/// The action-plan commands: load, check access, apply the domain rule, store with its events and audit entry.
/// Shared by the REST endpoints and the demo-data loader.
/// </summary>
public sealed class ActionCommands(ActionPlanStore store, TimeProvider clock, ILogger<ActionCommands> logger)
{
    /// <summary>How often a write without If-Match is retried when another write got in first.</summary>
    private const int RetriesWithoutIfMatch = 5;

    public DateOnly Today => UkTime.Today(clock);

    public async Task<Outcome<Versioned<PlanAction>>> CreateAsync(Caller caller, string partnershipId, ActionDraft draft, string? seedRef = null)
    {
        var partnership = await store.GetPartnershipAsync(partnershipId);
        if (partnership is null) return Outcome<Versioned<PlanAction>>.NotFound($"Partnership '{partnershipId}'");
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<PlanAction>>.Forbidden("Only the partnership's manager adds actions to the plan.");

        var plans = (await store.ListPlansAsync(partnershipId)).ToDictionary(p => p.Value.Id, p => p.Value);
        var errors = new ValidationErrors();
        var definition = ActionDefinition.Validate(draft, id => plans.GetValueOrDefault(id), partnership.Value, errors);
        if (definition is null) return Outcome<Versioned<PlanAction>>.Invalid(errors);

        var id = await store.NextActionIdAsync(partnershipId);
        var action = PlanAction.Create(id, partnershipId, definition, caller.Subject, clock.GetUtcNow());
        var version = await store.SaveActionAsync(action, 0, Audit(caller, "action.created", action.Id, null, action), ActionEvents.Created(action), seedRef: seedRef);
        if (version is null) return Outcome<Versioned<PlanAction>>.Conflict($"Action {id} already exists.");
        logger.LogInformation("Action {ActionId} created in {PartnershipId} by {Subject}", id, partnershipId, caller.Subject);
        return Outcome<Versioned<PlanAction>>.Ok(new(action, version.Value));
    }

    public async Task<Outcome<Versioned<PlanAction>>> ReviseAsync(Caller caller, string partnershipId, long id, ActionDraft draft, long? ifMatch)
    {
        var partnership = await store.GetPartnershipAsync(partnershipId);
        if (partnership is null) return Outcome<Versioned<PlanAction>>.NotFound($"Partnership '{partnershipId}'");
        var current = await store.GetActionAsync(partnershipId, id);
        if (current is null) return Outcome<Versioned<PlanAction>>.NotFound($"Action {id}");
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<PlanAction>>.Forbidden("Only the partnership's manager revises an action.");
        if (ifMatch is null) return Outcome<Versioned<PlanAction>>.IfMatchRequired();
        if (ifMatch != current.Version) return Outcome<Versioned<PlanAction>>.Stale();

        var plans = (await store.ListPlansAsync(partnershipId)).ToDictionary(p => p.Value.Id, p => p.Value);
        var errors = new ValidationErrors();
        var definition = ActionDefinition.Validate(draft, pid => plans.GetValueOrDefault(pid), partnership.Value, errors);
        if (definition is null) return Outcome<Versioned<PlanAction>>.Invalid(errors);

        var revised = current.Value.Revise(definition);
        var version = await store.SaveActionAsync(revised, current.Version, Audit(caller, "action.revised", id, current.Value, revised), []);
        return version is null ? Outcome<Versioned<PlanAction>>.Stale() : Outcome<Versioned<PlanAction>>.Ok(new(revised, version.Value));
    }

    /// <summary>Records a partner's update. With If-Match, a stale ETag is refused (412); without it the update is appended to
    /// whatever is current (an update adds to the history, it does not overwrite another partner's).</summary>
    public async Task<Outcome<Versioned<PlanAction>>> RecordUpdateAsync(Caller caller, string partnershipId, long id, UpdateDraft draft, long? ifMatch, DateTimeOffset? at = null)
    {
        if (await store.GetPartnershipAsync(partnershipId) is null) return Outcome<Versioned<PlanAction>>.NotFound($"Partnership '{partnershipId}'");
        var errors = new ValidationErrors();
        var details = draft.Validate(errors);

        for (var attempt = 0; attempt < RetriesWithoutIfMatch; attempt++)
        {
            var current = await store.GetActionAsync(partnershipId, id);
            if (current is null) return Outcome<Versioned<PlanAction>>.NotFound($"Action {id}");
            if (!AccessRules.CanUpdate(caller, current.Value))
                return Outcome<Versioned<PlanAction>>.Forbidden($"Only partners of the lead agency ({current.Value.LeadAgencyId}) or the manager update this action.");
            if (details is null) return Outcome<Versioned<PlanAction>>.Invalid(errors);
            if (details.Status is { } status && !AccessRules.CanSetStatus(caller, current.Value, status))
                return Outcome<Versioned<PlanAction>>.Forbidden("Only the partnership's manager cancels an action.");
            if (ifMatch is not null && ifMatch != current.Version) return Outcome<Versioned<PlanAction>>.Stale();

            var result = current.Value.RecordUpdate(details, caller.Subject, caller.Name, caller.Agency, at ?? clock.GetUtcNow());
            if (!result.IsAccepted) return Outcome<Versioned<PlanAction>>.Conflict(result.RefusedBecause!);
            var updated = result.Action!;
            var version = await store.SaveActionAsync(updated, current.Version, Audit(caller, "action.updated", id, current.Value, updated), ActionEvents.Updated(result, Today),
                newUpdates: [result.Update!]);
            if (version is not null)
            {
                logger.LogInformation("Action {ActionId} in {PartnershipId} updated to {Status} by {Subject}", id, partnershipId, updated.Status, caller.Subject);
                return Outcome<Versioned<PlanAction>>.Ok(new(updated, version.Value));
            }
            if (ifMatch is not null) return Outcome<Versioned<PlanAction>>.Stale();
        }
        return Outcome<Versioned<PlanAction>>.Conflict("The action is being changed by others right now; try again.");
    }

    /// <summary>Raises <c>action.overdue</c> once per action per due date. Safe with several replicas: the version check lets
    /// only one of them mark an action.</summary>
    public async Task<int> RaiseOverdueAsync(string partnershipId)
    {
        var raised = 0;
        var today = Today;
        foreach (var current in await store.ListActionsAsync(partnershipId))
        {
            if (!current.Value.TryRaiseOverdue(today, out var marked)) continue;
            var version = await store.SaveActionAsync(marked, current.Version,
                Audit(Caller.System, "action.overdue-raised", marked.Id, current.Value, marked), ActionEvents.Overdue(marked));
            if (version is null) continue; // changed meanwhile: the next scan looks again
            raised++;
            logger.LogInformation("Action {ActionId} in {PartnershipId} overdue since {DueDate}", marked.Id, partnershipId, marked.DueDate);
        }
        return raised;
    }

    private AuditEntry Audit(Caller caller, string what, long id, PlanAction? before, PlanAction after) => new(
        caller.Subject, clock.GetUtcNow(), what, "action", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        before is null ? null : AuditLog.Snapshot(before, ApiJson.Options), AuditLog.Snapshot(after, ApiJson.Options), CorrelationContext.Current);
}
