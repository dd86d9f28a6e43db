using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Validation;
using Csp.Contracts.ActionPlan.V1;
using Csp.Risk.Domain;
using Grpc.Core;
using RiskOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Risk.Domain.RiskEntry>>;

namespace Csp.Risk.Commands;

/// <summary>Mitigations: actions of the action plan linked to a risk, done when the action-plan service completes them.</summary>
public sealed partial class RiskCommands
{
    /// <summary>
    /// Links an action of the action plan as a mitigation, after asking the action-plan service that the action exists in
    /// this partnership. Not found → 400 naming <c>actionId</c>; any other gRPC status (the action-plan service down, too
    /// slow after the client's retries, refusing our service token, or failing) → 503; in both
    /// cases nothing is stored.
    /// </summary>
    public async Task<RiskOutcome> LinkMitigationAsync(Member<KnownPartnership> member, long id, MitigationDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Versioned<RiskEntry>>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var current = await store.GetRiskAsync(partnershipId, id);
        if (current is null) return RiskOutcome.NotFound($"Risk {id}");
        if (!AccessRules.CanReassess(caller, current.Value))
            return RiskOutcome.Forbidden($"Only partners of the owning agency ({current.Value.Details.OwningAgencyId}) or the manager link mitigations to this risk.");
        if (draft.ActionId is not { } actionId || actionId <= 0)
            return RiskOutcome.Invalid(new ValidationErrors().Add("actionId", "is required: the id of an action in this partnership's action plan"));
        if (!current.Value.IsOpen) return RiskOutcome.Conflict("The risk is closed.");
        if (current.Value.IsLinkedTo(actionId)) return AlreadyLinked(actionId, id);
        if (ifMatch is not null && !ifMatch.Matches(current.Version)) return RiskOutcome.Stale();

        ActionReply action;
        try
        {
            action = await actionPlan.GetActionAsync(new GetActionRequest { PartnershipId = partnershipId, ActionId = actionId },
                deadline: clock.GetUtcNow().UtcDateTime.Add(options.Value.ActionPlanDeadline));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return RiskOutcome.Invalid(new ValidationErrors().Add("actionId", $"there is no action {actionId} in this partnership's action plan"));
        }
        catch (RpcException ex)
        {
            // Anything but the one answer we expect is the action plan not answering usefully: down or slow (Unavailable,
            // after the client's retries, or DeadlineExceeded), or refusing us (Unauthenticated, PermissionDenied: a
            // configuration fault), or failing (Internal, Unimplemented, ...). The caller gets 503 either way, never 500.
            if (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                logger.LogWarning(ex, "Action-plan service did not answer ({StatusCode}) checking action {ActionId} for risk {RiskId}", ex.StatusCode, actionId, id);
            else
                logger.LogError(ex, "Action-plan service answered {StatusCode} checking action {ActionId} for risk {RiskId}", ex.StatusCode, actionId, id);
            return RiskOutcome.Unavailable("The action-plan service (needed to check the action)");
        }

        Versioned<RiskEntry>? read = current;
        return await OptimisticConcurrency.RetryAsync(ifMatch, async () =>
        {
            var latest = read ?? await store.GetRiskAsync(partnershipId, id);
            read = null; // a further attempt reads again
            if (latest is null) return RiskOutcome.NotFound($"Risk {id}");
            if (latest.Value.IsLinkedTo(actionId)) return AlreadyLinked(actionId, id);
            // Done if the action plan says so, or if its action.completed has already reached us (the event may overtake
            // the link: the save below is refused if the completion is recorded after this read, and we go round again).
            var now = clock.GetUtcNow();
            var completedAt = action.Completed ? now : await store.ActionCompletedAtAsync(partnershipId, actionId);
            var done = completedAt is not null;
            var linked = latest.Value.Link(new Mitigation(actionId, action.Title, action.LeadAgencyId, now, caller.Subject, done, completedAt));
            var version = await store.SaveRiskAsync(linked, latest.Version, audit.For(caller, "risk.mitigation-linked", "risk", id, latest.Value, linked), [],
                unlessCompleted: done ? null : [actionId], reply: once?.Prepare(new(linked, latest.Version + 1)), before: latest.Value);
            if (version is null) return null;
            logger.LogInformation("Action {ActionId} linked as a mitigation of risk {RiskId} in {PartnershipId}", actionId, id, partnershipId);
            return RiskOutcome.Ok(new(linked, version.Value));
        }, Contended);
    }

    /// <summary>Marks the mitigations that link to a completed action done; a mitigation already done is left alone.
    /// Returns how many risks changed. Throws if a risk stays contended, so the event is redelivered.</summary>
    public async Task<int> MarkMitigationDoneAsync(string partnershipId, long actionId, DateTimeOffset completedAt)
    {
        await store.RecordActionCompletedAsync(partnershipId, actionId, completedAt);
        var changed = 0;
        foreach (var riskId in await store.RisksMitigatedByAsync(partnershipId, actionId))
        {
            var outcome = await OptimisticConcurrency.RetryAsync(null, async () =>
            {
                var current = await store.GetRiskAsync(partnershipId, riskId);
                if (current is null || !current.Value.TryMarkMitigationDone(actionId, completedAt, out var marked)) return Outcome<bool>.Ok(false);
                var version = await store.SaveRiskAsync(marked, current.Version, audit.For(Caller.System, "risk.mitigation-done", "risk", riskId, current.Value, marked), [], before: current.Value);
                if (version is null) return null;
                logger.LogInformation("Mitigation action {ActionId} of risk {RiskId} in {PartnershipId} done", actionId, riskId, partnershipId);
                return Outcome<bool>.Ok(true);
            }, Contended);
            if (!outcome.IsOk) throw new InvalidOperationException($"Risk {riskId} in {partnershipId} kept changing; the event will be retried.");
            if (outcome.Value) changed++;
        }
        return changed;
    }

    private static RiskOutcome AlreadyLinked(long actionId, long riskId) => RiskOutcome.Conflict($"Action {actionId} is already a mitigation of risk {riskId}.");
}
