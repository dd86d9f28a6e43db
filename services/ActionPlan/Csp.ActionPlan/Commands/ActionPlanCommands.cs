using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Commands;

/// <summary>
/// Every write of the action plan: set up or change a partnership and a plan, create and revise an action, record an
/// update, open an update round, raise overdue. The REST endpoints, the overdue monitor and the demo-data loader all call
/// these. Each checks who may do it, applies the domain rule, saves with its audit entry and the events it causes in one
/// transaction, and returns an <see cref="Outcome{T}"/>. Partnership-scoped commands start from a
/// <see cref="Member{TPartnership}"/>: the caller and the partnership, already checked by the API's partnership group, or
/// the platform itself (<see cref="Caller.System"/>) for demo data; the overdue scan acts as the platform on a partnership id.
/// </summary>
public sealed class ActionPlanCommands(ActionPlanStore store, AuditEntries audit, TimeProvider clock, ILogger<ActionPlanCommands> logger)
{
    private const string ActionContended = "The action is being changed by others right now; try again.";
    private const string ReferencesChanged = "The plan or the partnership's agencies changed while the action was being saved; reload them and try again.";

    private DateOnly Today => UkTime.Today(clock);

    // Partnerships

    /// <summary>Sets up a partnership, or changes it (If-Match required when it exists). Platform admins only. Every change
    /// causes <c>partnership.changed</c> carrying the version it is stored as.</summary>
    public async Task<Outcome<Saved<Partnership>>> SetUpPartnershipAsync(Caller caller, string partnershipId, PartnershipDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Saved<Partnership>>? once = null)
    {
        if (!AccessRules.CanAdminister(caller)) return Outcome<Saved<Partnership>>.Forbidden("Only a platform administrator sets up partnerships.");
        var errors = new ValidationErrors();
        if (!Slug.IsValid(partnershipId)) return Outcome<Saved<Partnership>>.Invalid(errors.Add("partnershipId", "must be a lower-case slug such as 'medway'"));
        var partnership = draft.Validate(partnershipId, errors);
        if (partnership is null) return Outcome<Saved<Partnership>>.Invalid(errors);

        var current = await store.GetPartnershipAsync(partnershipId);
        if (Precondition<Saved<Partnership>>(current?.Version, ifMatch) is { } refused) return refused;
        var expected = current?.Version ?? 0;
        var saved = new Saved<Partnership>(partnership, expected + 1, Created: current is null);
        var version = await store.SavePartnershipAsync(partnership, expected,
            audit.For(caller, current is null ? "partnership.created" : "partnership.changed", "partnership", partnershipId, current?.Value, partnership),
            PartnershipEvents.Changed(partnership, expected + 1), once?.Prepare(saved));
        if (version is null) return Outcome<Saved<Partnership>>.Stale();
        logger.LogInformation("Partnership {PartnershipId} {Change} by {Subject}", partnershipId, current is null ? "set up" : "changed", caller.Subject);
        return Outcome<Saved<Partnership>>.Ok(saved);
    }

    // Plans

    /// <summary>Sets up one of the partnership's plans, or changes it (If-Match required when it exists). The manager only.</summary>
    public async Task<Outcome<Saved<Plan>>> SetUpPlanAsync(Member<Partnership> member, string planId, PlanDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Saved<Plan>>? once = null)
    {
        var caller = member.Caller;
        if (!AccessRules.CanManage(caller, member.PartnershipId)) return Outcome<Saved<Plan>>.Forbidden("Only the partnership's manager sets up the plan.");
        var errors = new ValidationErrors();
        if (!Slug.IsValid(planId)) return Outcome<Saved<Plan>>.Invalid(errors.Add("planId", "must be a lower-case slug such as 'csp-2020-2024'"));
        var plan = draft.Validate(member.PartnershipId, planId, errors);
        if (plan is null) return Outcome<Saved<Plan>>.Invalid(errors);

        var current = await store.GetPlanAsync(member.PartnershipId, planId);
        if (Precondition<Saved<Plan>>(current?.Version, ifMatch) is { } refused) return refused;
        // Taking a priority or an area of focus out: refused while an action refers to it. The actions are read after the
        // plan's action-reference stamp, and the save is conditional on the stamp, so an action defined under the plan
        // meanwhile makes the save fail (the action saves are conditional on the plan's version the other way round).
        PlanReferencesStamp? stamp = null;
        if (current is not null && current.Value.RemovesFrom(plan))
        {
            stamp = await store.ReadPlanReferencesStampAsync(member.PartnershipId, planId);
            current.Value.CheckRemovals(plan, (await store.ListActionsAsync(member.PartnershipId)).Select(a => a.Value), errors);
            if (!errors.IsEmpty) return Outcome<Saved<Plan>>.Invalid(errors);
        }
        var saved = new Saved<Plan>(plan, (current?.Version ?? 0) + 1, Created: current is null);
        var version = await store.SavePlanAsync(plan, current?.Version ?? 0,
            audit.For(caller, current is null ? "plan.created" : "plan.changed", "plan", planId, current?.Value, plan), once?.Prepare(saved), stamp);
        return version is null ? Outcome<Saved<Plan>>.Stale() : Outcome<Saved<Plan>>.Ok(saved);
    }

    // Actions

    /// <summary>Adds an action to the plan (the manager only): not started, causing <c>action.created</c>.</summary>
    public Task<Outcome<Versioned<PlanAction>>> CreateActionAsync(Member<Partnership> member, ActionDraft draft, IdempotentWrite<Versioned<PlanAction>>? once = null) =>
        CreateActionAsync(member, draft, clock.GetUtcNow(), history: [], seedRef: null, once);

    /// <summary>Demo data only: an action created at a past time with its dated history, stored in one transaction with its
    /// seed reference (so loading twice changes nothing). Like the demo file, it causes only <c>action.created</c>.</summary>
    public Task<Outcome<Versioned<PlanAction>>> CreateActionAsync(Member<Partnership> member, ActionDraft draft, SeededAction seed) =>
        CreateActionAsync(member, draft, seed.CreatedAt, seed.History, seed.Ref, once: null);

    private async Task<Outcome<Versioned<PlanAction>>> CreateActionAsync(Member<Partnership> member, ActionDraft draft, DateTimeOffset createdAt,
        IReadOnlyList<SeededUpdate> history, string? seedRef, IdempotentWrite<Versioned<PlanAction>>? once)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<PlanAction>>.Forbidden("Only the partnership's manager adds actions to the plan.");
        var errors = new ValidationErrors();
        var (definition, references) = await DefineAsync(member, draft, errors);
        var updates = history.Select(h => h.Draft.Validate(errors)).ToList();
        if (definition is null || !errors.IsEmpty) return Outcome<Versioned<PlanAction>>.Invalid(errors);

        var action = PlanAction.Create(await store.NextActionIdAsync(partnershipId), partnershipId, definition, caller.Subject, createdAt);
        var recorded = new List<ActionUpdate>();
        for (var i = 0; i < history.Count; i++)
        {
            var result = action.RecordUpdate(updates[i]!, history[i].By, history[i].ByName, history[i].AgencyId, history[i].At);
            if (!result.IsAccepted) return Outcome<Versioned<PlanAction>>.Conflict(result.RefusedBecause!);
            action = result.Action!;
            recorded.Add(result.Update!);
        }
        var version = await store.SaveActionAsync(action, 0, audit.For(caller, "action.created", "action", action.Id, null, action),
            ActionEvents.Created(action), newUpdates: recorded, seedRef: seedRef, references: references, reply: once?.Prepare(new(action, 1)));
        if (version is null) return Outcome<Versioned<PlanAction>>.Conflict(ReferencesChanged);
        logger.LogInformation("Action {ActionId} created in {PartnershipId} by {Subject}", action.Id, partnershipId, caller.Subject);
        return Outcome<Versioned<PlanAction>>.Ok(new(action, version.Value));
    }

    /// <summary>The manager revises what an action is; If-Match is required (428 without, 412 when stale).</summary>
    public async Task<Outcome<Versioned<PlanAction>>> ReviseActionAsync(Member<Partnership> member, long id, ActionDraft draft, IfMatch? ifMatch)
    {
        var caller = member.Caller;
        var current = await store.GetActionAsync(member.PartnershipId, id);
        if (current is null) return Outcome<Versioned<PlanAction>>.NotFound($"Action {id}");
        if (!AccessRules.CanManage(caller, member.PartnershipId)) return Outcome<Versioned<PlanAction>>.Forbidden("Only the partnership's manager revises an action.");
        if (Precondition<Versioned<PlanAction>>(current.Version, ifMatch) is { } refused) return refused;

        var errors = new ValidationErrors();
        var (definition, references) = await DefineAsync(member, draft, errors);
        if (definition is null) return Outcome<Versioned<PlanAction>>.Invalid(errors);

        var revised = current.Value.Revise(definition);
        var version = await store.SaveActionAsync(revised, current.Version, audit.For(caller, "action.revised", "action", id, current.Value, revised), [],
            references: references, before: current.Value);
        return version is null ? Outcome<Versioned<PlanAction>>.Stale() : Outcome<Versioned<PlanAction>>.Ok(new(revised, version.Value));
    }

    /// <summary>Records a partner's update (partners of the lead agency, or the manager; only the manager cancels). With
    /// If-Match, a stale ETag is refused (412); without it the update is appended to whatever is current (an update adds
    /// to the history, it does not overwrite another partner's). A status change causes <c>action.status-changed</c>, and
    /// completion <c>action.completed</c> too.</summary>
    /// <param name="readAhead">The action's read, already sent (the endpoint starts it beside the partnership's read, so
    /// both share one round trip): used by the first attempt; a retry reads afresh.</param>
    public async Task<Outcome<Versioned<PlanAction>>> RecordUpdateAsync(Member<Partnership> member, long id, UpdateDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Versioned<PlanAction>>? once = null, Task<Versioned<PlanAction>?>? readAhead = null)
    {
        var caller = member.Caller;
        var errors = new ValidationErrors();
        var details = draft.Validate(errors);
        return await OptimisticConcurrency.RetryAsync<Versioned<PlanAction>>(ifMatch, async () =>
        {
            var current = Interlocked.Exchange(ref readAhead, null) is { } read ? await read : await store.GetActionAsync(member.PartnershipId, id);
            if (current is null) return Outcome<Versioned<PlanAction>>.NotFound($"Action {id}");
            if (!AccessRules.CanUpdate(caller, current.Value))
                return Outcome<Versioned<PlanAction>>.Forbidden($"Only partners of the lead agency ({current.Value.LeadAgencyId}) or the manager update this action.");
            if (details is null) return Outcome<Versioned<PlanAction>>.Invalid(errors);
            if (details.Status is { } status && !AccessRules.CanSetStatus(caller, current.Value, status))
                return Outcome<Versioned<PlanAction>>.Forbidden("Only the partnership's manager cancels an action.");
            if (ifMatch is not null && !ifMatch.Matches(current.Version)) return Outcome<Versioned<PlanAction>>.Stale();

            var result = current.Value.RecordUpdate(details, caller.Subject, caller.Name, caller.Agency, clock.GetUtcNow());
            if (!result.IsAccepted) return Outcome<Versioned<PlanAction>>.Conflict(result.RefusedBecause!);
            var updated = result.Action!;
            var version = await store.SaveActionAsync(updated, current.Version, audit.For(caller, "action.updated", "action", id, current.Value, updated),
                ActionEvents.Updated(result, Today), newUpdates: [result.Update!], reply: once?.Prepare(new(updated, current.Version + 1)),
                before: current.Value);
            if (version is null) return null;
            logger.LogInformation("Action {ActionId} in {PartnershipId} updated to {Status} by {Subject}", id, member.PartnershipId, updated.Status, caller.Subject);
            return Outcome<Versioned<PlanAction>>.Ok(new(updated, version.Value));
        }, ActionContended);
    }

    /// <summary>Raises <c>action.overdue</c> once per action per due date, for every action of the partnership that is
    /// overdue today. Safe with several replicas: the version check lets only one of them mark an action; an action changed
    /// meanwhile is looked at again by the next scan.</summary>
    /// <returns>How many actions were marked.</returns>
    public async Task<int> RaiseOverdueAsync(string partnershipId)
    {
        var raised = 0;
        var today = Today;
        // Only the overdue actions are read (the list's indexes); marking one does not move it out of them, so paging holds.
        var overdue = new List<Versioned<PlanAction>>();
        for (var page = 1; ; page++)
        {
            var found = await store.QueryActionsAsync(partnershipId, new ActionQuery(Overdue: true, Page: page, PageSize: ActionQuery.MaxPageSize), today);
            overdue.AddRange(found.Items);
            if ((long)page * ActionQuery.MaxPageSize >= found.Total) break;
        }
        foreach (var current in overdue)
        {
            if (!current.Value.TryRaiseOverdue(today, out var marked)) continue;
            var version = await store.SaveActionAsync(marked, current.Version,
                audit.For(Caller.System, "action.overdue-raised", "action", marked.Id, current.Value, marked), ActionEvents.Overdue(marked), before: current.Value);
            if (version is null) continue;
            raised++;
            logger.LogInformation("Action {ActionId} in {PartnershipId} overdue since {DueDate}", marked.Id, partnershipId, marked.DueDate);
        }
        return raised;
    }

    // Update rounds

    /// <summary>Opens the round for a quarter (the manager only); a quarter has one round (409 for a second).</summary>
    public async Task<Outcome<OpenedRound>> OpenUpdateRoundAsync(Member<Partnership> member, UpdateRoundDraft draft, IdempotentWrite<OpenedRound>? once = null)
    {
        var caller = member.Caller;
        if (!AccessRules.CanManage(caller, member.PartnershipId)) return Outcome<OpenedRound>.Forbidden("Only the partnership's manager opens an update round.");
        var errors = new ValidationErrors();
        var round = draft.Validate(member.PartnershipId, caller.Subject, clock.GetUtcNow(), errors);
        if (round is null) return Outcome<OpenedRound>.Invalid(errors);

        var actions = (await store.ListActionsAsync(member.PartnershipId)).Select(a => a.Value);
        var opened = new OpenedRound(round, 1, round.Outstanding(actions).Count);
        var version = await store.SaveRoundAsync(round, 0, audit.For(caller, "update-round.opened", "update-round", round.Id, null, round), once?.Prepare(opened));
        if (version is null) return Outcome<OpenedRound>.Conflict($"A round for {round.Period} is already open.");
        return Outcome<OpenedRound>.Ok(opened);
    }

    /// <summary>Checks a definition against the plans and the partnership's agencies as they are now, and returns the versions
    /// it was checked against: the save is conditional on them (a plan or agency removed before the commit refuses it).</summary>
    private async Task<(ActionDefinition? Definition, ActionReferences? References)> DefineAsync(Member<Partnership> member, ActionDraft draft, ValidationErrors errors)
    {
        var plans = (await store.ListPlansAsync(member.PartnershipId)).ToDictionary(p => p.Value.Id);
        var partnership = await store.GetPartnershipAsync(member.PartnershipId);
        var definition = ActionDefinition.Validate(draft, planId => plans.GetValueOrDefault(planId)?.Value, partnership?.Value ?? member.Partnership, errors);
        if (definition is null || partnership is null) return (definition, null);
        return (definition, new ActionReferences(plans[definition.PlanId].Version, partnership.Version));
    }

    /// <summary>Writing a record by PUT (RFC 9110 13.1.1): overwriting one that exists needs the version the caller read, 428
    /// without it, 412 when If-Match does not match it (<c>*</c> matches any); creating needs none, and If-Match on a record
    /// that does not exist yet is 412 (no current representation matches, not even <c>*</c>).</summary>
    private static Outcome<T>? Precondition<T>(long? currentVersion, IfMatch? ifMatch) =>
        currentVersion is null ? (ifMatch is null ? null : Outcome<T>.Stale())
        : ifMatch is null ? Outcome<T>.IfMatchRequired()
        : !ifMatch.Matches(currentVersion) ? Outcome<T>.Stale()
        : null;
}

/// <summary>A record set up or changed by a PUT: its stored version, and whether this call created it.</summary>
public sealed record Saved<T>(T Value, long Version, bool Created);

/// <summary>A round just opened, and how many open actions owe an update in it.</summary>
public sealed record OpenedRound(UpdateRound Round, long Version, int Outstanding);

/// <summary>Demo data only: when the action was created, its seed reference, and the dated updates it already has.</summary>
public sealed record SeededAction(string Ref, DateTimeOffset CreatedAt, IReadOnlyList<SeededUpdate> History);

/// <summary>Demo data only: one past update and who made it.</summary>
public sealed record SeededUpdate(UpdateDraft Draft, string By, string ByName, string? AgencyId, DateTimeOffset At);
