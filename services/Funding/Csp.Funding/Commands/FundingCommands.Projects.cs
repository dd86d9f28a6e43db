using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Validation;
using Csp.Contracts.ActionPlan.V1;
using Csp.Funding.Domain;
using Grpc.Core;
using AllocationOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Funding.Domain.Allocation>>;

namespace Csp.Funding.Commands;

/// <summary>Projects (business cases): submitted by the manager with the actions they deliver (checked with the action-plan
/// service), decided by the funder's finance officer, then completed or closed.</summary>
public sealed partial class FundingCommands
{
    /// <summary>
    /// Submits a project. Every action it links is asked of the action-plan service in this partnership: one that is not
    /// there (missing, or another partnership's) → 400 naming <c>actionIds</c>; any other gRPC status (down, too slow after
    /// the client's retries, refusing our token, failing) → 503. In both cases nothing is stored.
    /// </summary>
    public async Task<AllocationOutcome> SubmitProjectAsync(Member<KnownPartnership> member, string allocationId, ProjectDraft draft,
        IdempotentWrite<Versioned<Allocation>>? once = null)
    {
        var errors = new ValidationErrors();
        var details = draft.Validate(errors, member.Partnership);
        IReadOnlyList<LinkedAction> actions = [];
        return await ChangeAsync(member, allocationId, null, Who.Manager, "allocation.project-submitted", errors,
            a => a.SubmitProject(details!, actions, member.Caller.Subject, clock.GetUtcNow(), out _), once: once,
            precheck: async _ =>
            {
                var checkedActions = await CheckActionsAsync(member.PartnershipId, details!.ActionIds);
                if (!checkedActions.IsOk) return checkedActions.As<Versioned<Allocation>>();
                actions = checkedActions.Value!;
                return null;
            });
    }

    public Task<AllocationOutcome> DecideProjectAsync(Member<KnownPartnership> member, string allocationId, int projectId, DecisionDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Versioned<Allocation>>? once = null)
    {
        var errors = new ValidationErrors();
        var d = draft.Validate(errors);
        var now = clock.GetUtcNow();
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, d?.Approve == false ? "allocation.project-rejected" : "allocation.project-approved", errors,
            a => d!.Value.Approve ? a.ApproveProject(projectId, member.Caller.Subject, now) : a.RejectProject(projectId, d.Value.Reason!, member.Caller.Subject, now), once: once);
    }

    /// <summary>Completes or closes an approved project (the manager, or the funder's finance officer).</summary>
    public Task<AllocationOutcome> EndProjectAsync(Member<KnownPartnership> member, string allocationId, int projectId, ProjectEndDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        var d = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.Manager, "allocation.project-ended", errors,
            a => a.EndProject(projectId, d!.Value.Status, d.Value.Reason, member.Caller.Subject, clock.GetUtcNow()));
    }

    /// <summary>Asks the action-plan service about each action; as it last reported them (title, completed, off track).
    /// An action whose <c>action.completed</c> has already reached us counts as completed.</summary>
    private async Task<Outcome<IReadOnlyList<LinkedAction>>> CheckActionsAsync(string partnershipId, IReadOnlyList<long> actionIds)
    {
        var linked = new List<LinkedAction>();
        foreach (var actionId in actionIds)
        {
            ActionReply action;
            try
            {
                action = await actionPlan.GetActionAsync(new GetActionRequest { PartnershipId = partnershipId, ActionId = actionId },
                    deadline: clock.GetUtcNow().UtcDateTime.Add(options.Value.ActionPlanDeadline));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                return Outcome<IReadOnlyList<LinkedAction>>.Invalid(new ValidationErrors().Add("actionIds", $"there is no action {actionId} in this partnership's action plan"));
            }
            catch (RpcException ex)
            {
                if (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                    logger.LogWarning(ex, "Action-plan service did not answer ({StatusCode}) checking action {ActionId}", ex.StatusCode, actionId);
                else
                    logger.LogError(ex, "Action-plan service answered {StatusCode} checking action {ActionId}", ex.StatusCode, actionId);
                return Outcome<IReadOnlyList<LinkedAction>>.Unavailable("The action-plan service (needed to check the project's actions)");
            }
            var completed = action.Completed || await store.IsActionCompletedAsync(partnershipId, actionId);
            linked.Add(new LinkedAction(actionId, action.Title, completed, !completed && action.Status == ActionStatuses.OffTrack));
        }
        return Outcome<IReadOnlyList<LinkedAction>>.Ok(linked);
    }
}

/// <summary>The action plan's status names this service reads (its public API's kebab-case).</summary>
public static class ActionStatuses
{
    public const string OffTrack = "off-track";
}
