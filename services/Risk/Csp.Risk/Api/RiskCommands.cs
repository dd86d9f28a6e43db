using System.Globalization;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.Contracts.ActionPlan.V1;
using Csp.Risk.Domain;
using Csp.Risk.Events;
using Csp.Risk.Storage;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Csp.Risk.Api;

/// <summary>Configuration section <c>Risk</c>.</summary>
public sealed class RiskOptions
{
    public const string Section = "Risk";

    /// <summary>The action-plan service's gRPC address, used to check that a mitigation links to a real action.</summary>
    public Uri ActionPlanGrpc { get; set; } = new("http://127.0.0.1:5102");

    /// <summary>Deadline of one call to the action-plan service; past it the link is refused with 503.</summary>
    public TimeSpan ActionPlanDeadline { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// The risk-register commands: load, check access, apply the domain rule, store with its events and audit entry.
/// Shared by the REST endpoints, the event handler, the review monitor and the demo-data loader.
/// </summary>
public sealed class RiskCommands(RiskStore store, ActionPlanQueries.ActionPlanQueriesClient actionPlan, IOptions<RiskOptions> options,
    TimeProvider clock, ILogger<RiskCommands> logger)
{
    /// <summary>How often a write without If-Match is retried when another write got in first.</summary>
    private const int RetriesWithoutIfMatch = 5;

    public DateOnly Today => UkTime.Today(clock);

    public async Task<Outcome<Versioned<RiskMatrix>>> SetMatrixAsync(Caller caller, string partnershipId, RiskMatrixDraft draft, long? ifMatch)
    {
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<RiskMatrix>>.Forbidden("Only the partnership's manager sets the risk matrix.");
        var current = await store.GetStoredMatrixAsync(partnershipId);
        if (current is not null && ifMatch is null) return Outcome<Versioned<RiskMatrix>>.IfMatchRequired();
        if (current is not null && ifMatch != current.Version) return Outcome<Versioned<RiskMatrix>>.Stale();
        var errors = new ValidationErrors();
        var matrix = draft.Validate(errors);
        if (matrix is null) return Outcome<Versioned<RiskMatrix>>.Invalid(errors);
        var audit = new AuditEntry(caller.Subject, clock.GetUtcNow(), current is null ? "risk-matrix.loaded" : "risk-matrix.changed", "risk-matrix", partnershipId,
            AuditLog.Snapshot(current?.Value ?? RiskMatrix.CouncilDefault, ApiJson.Options), AuditLog.Snapshot(matrix, ApiJson.Options), CorrelationContext.Current);
        var version = await store.SaveMatrixAsync(partnershipId, matrix, current?.Version ?? 0, audit);
        return version is null ? Outcome<Versioned<RiskMatrix>>.Stale() : Outcome<Versioned<RiskMatrix>>.Ok(new(matrix, version.Value));
    }

    public async Task<Outcome<Versioned<RiskEntry>>> CreateAsync(Caller caller, string partnershipId, RiskDraft draft, DateTimeOffset? at = null, string? seedRef = null)
    {
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<RiskEntry>>.Forbidden("Only the partnership's manager adds risks to the register.");
        var partnership = await store.GetKnownPartnershipAsync(partnershipId);
        if (partnership is null) return Outcome<Versioned<RiskEntry>>.NotFound($"Partnership '{partnershipId}'");
        var matrix = await store.GetMatrixAsync(partnershipId);
        var errors = new ValidationErrors();
        var details = draft.ValidateDetails(errors, out var register, partnership.Value);
        var first = draft.ValidateFirstAssessment(matrix, errors);
        if (details is null || first is null) return Outcome<Versioned<RiskEntry>>.Invalid(errors);

        var id = await store.NextRiskIdAsync(partnershipId);
        var risk = RiskEntry.Create(id, partnershipId, register, details, first, caller.Subject, caller.Name, at ?? clock.GetUtcNow(), draft.NextReviewDate);
        var version = await store.SaveRiskAsync(risk, 0, Audit(caller, "risk.created", risk.Id, null, risk), RiskEvents.Assessed(matrix, null, risk), seedRef);
        if (version is null) return Outcome<Versioned<RiskEntry>>.Conflict($"Risk {id} already exists.");
        logger.LogInformation("Risk {RiskId} created in {PartnershipId} rated {Rating} by {Subject}", id, partnershipId, risk.Current.Rating, caller.Subject);
        return Outcome<Versioned<RiskEntry>>.Ok(new(risk, version.Value));
    }

    public async Task<Outcome<Versioned<RiskEntry>>> ReviseAsync(Caller caller, string partnershipId, long id, RiskDraft draft, long? ifMatch)
    {
        var current = await store.GetRiskAsync(partnershipId, id);
        if (current is null) return Outcome<Versioned<RiskEntry>>.NotFound($"Risk {id}");
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<RiskEntry>>.Forbidden("Only the partnership's manager revises a risk.");
        if (ifMatch is null) return Outcome<Versioned<RiskEntry>>.IfMatchRequired();
        if (ifMatch != current.Version) return Outcome<Versioned<RiskEntry>>.Stale();
        var partnership = await store.GetKnownPartnershipAsync(partnershipId);
        if (partnership is null) return Outcome<Versioned<RiskEntry>>.NotFound($"Partnership '{partnershipId}'");
        var errors = new ValidationErrors();
        var details = draft.ValidateDetails(errors, out var register, partnership.Value);
        draft.RefuseRatings(errors);
        if (details is null || !errors.IsEmpty) return Outcome<Versioned<RiskEntry>>.Invalid(errors);
        if (!current.Value.IsOpen) return Outcome<Versioned<RiskEntry>>.Conflict("The risk is closed: it is kept as it was.");

        var revised = current.Value.Revise(details, draft.NextReviewDate) with { Register = register };
        var version = await store.SaveRiskAsync(revised, current.Version, Audit(caller, "risk.revised", id, current.Value, revised), []);
        return version is null ? Outcome<Versioned<RiskEntry>>.Stale() : Outcome<Versioned<RiskEntry>>.Ok(new(revised, version.Value));
    }

    /// <summary>Appends an assessment. With If-Match a stale ETag is refused (412); without it the assessment is appended to
    /// whatever is current (an assessment adds to the history, it does not overwrite another's).</summary>
    public async Task<Outcome<Versioned<RiskEntry>>> ReassessAsync(Caller caller, string partnershipId, long id, AssessmentDraft draft, long? ifMatch, DateTimeOffset? at = null)
    {
        var matrix = await store.GetMatrixAsync(partnershipId);
        for (var attempt = 0; attempt < RetriesWithoutIfMatch; attempt++)
        {
            var current = await store.GetRiskAsync(partnershipId, id);
            if (current is null) return Outcome<Versioned<RiskEntry>>.NotFound($"Risk {id}");
            if (!AccessRules.CanReassess(caller, current.Value))
                return Outcome<Versioned<RiskEntry>>.Forbidden($"Only partners of the owning agency ({current.Value.Details.OwningAgencyId}) or the manager reassess this risk.");
            var errors = new ValidationErrors();
            var details = draft.Validate(matrix, errors);
            if (details is null) return Outcome<Versioned<RiskEntry>>.Invalid(errors);
            if (!current.Value.IsOpen) return Outcome<Versioned<RiskEntry>>.Conflict("The risk is closed: it takes no more assessments.");
            if (ifMatch is not null && ifMatch != current.Version) return Outcome<Versioned<RiskEntry>>.Stale();

            var previous = current.Value.Current;
            var reassessed = current.Value.Reassess(details, caller.Subject, caller.Name, at ?? clock.GetUtcNow(), draft.NextReviewDate);
            var version = await store.SaveRiskAsync(reassessed, current.Version, Audit(caller, "risk.assessed", id, current.Value, reassessed),
                RiskEvents.Assessed(matrix, previous, reassessed));
            if (version is not null)
            {
                logger.LogInformation("Risk {RiskId} in {PartnershipId} reassessed {Previous} -> {Rating} by {Subject}", id, partnershipId, previous.Rating, details.Current.Rating, caller.Subject);
                return Outcome<Versioned<RiskEntry>>.Ok(new(reassessed, version.Value));
            }
            if (ifMatch is not null) return Outcome<Versioned<RiskEntry>>.Stale();
        }
        return Outcome<Versioned<RiskEntry>>.Conflict("The risk is being changed by others right now; try again.");
    }

    public async Task<Outcome<Versioned<RiskEntry>>> CloseAsync(Caller caller, string partnershipId, long id, CloseDraft draft, long? ifMatch)
    {
        var current = await store.GetRiskAsync(partnershipId, id);
        if (current is null) return Outcome<Versioned<RiskEntry>>.NotFound($"Risk {id}");
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<RiskEntry>>.Forbidden("Only the partnership's manager closes a risk.");
        var errors = new ValidationErrors();
        var reason = draft.Validate(errors);
        if (reason is null) return Outcome<Versioned<RiskEntry>>.Invalid(errors);
        if (!current.Value.IsOpen) return Outcome<Versioned<RiskEntry>>.Conflict("The risk is already closed.");
        if (ifMatch is not null && ifMatch != current.Version) return Outcome<Versioned<RiskEntry>>.Stale();
        var closed = current.Value.Close(reason, clock.GetUtcNow());
        var version = await store.SaveRiskAsync(closed, current.Version, Audit(caller, "risk.closed", id, current.Value, closed), []);
        return version is null ? Outcome<Versioned<RiskEntry>>.Stale() : Outcome<Versioned<RiskEntry>>.Ok(new(closed, version.Value));
    }

    /// <summary>
    /// Links an action of the action plan as a mitigation, after asking the action-plan service that the action exists in
    /// this partnership. Not found → 400 naming <c>actionId</c>; the action-plan service down or too slow → 503; in both
    /// cases nothing is stored.
    /// </summary>
    public async Task<Outcome<Versioned<RiskEntry>>> LinkMitigationAsync(Caller caller, string partnershipId, long id, MitigationDraft draft, long? ifMatch)
    {
        var current = await store.GetRiskAsync(partnershipId, id);
        if (current is null) return Outcome<Versioned<RiskEntry>>.NotFound($"Risk {id}");
        if (!AccessRules.CanReassess(caller, current.Value))
            return Outcome<Versioned<RiskEntry>>.Forbidden($"Only partners of the owning agency ({current.Value.Details.OwningAgencyId}) or the manager link mitigations to this risk.");
        if (draft.ActionId is not { } actionId || actionId <= 0)
            return Outcome<Versioned<RiskEntry>>.Invalid(new ValidationErrors().Add("actionId", "is required: the id of an action in this partnership's action plan"));
        if (!current.Value.IsOpen) return Outcome<Versioned<RiskEntry>>.Conflict("The risk is closed.");
        if (current.Value.IsLinkedTo(actionId)) return Outcome<Versioned<RiskEntry>>.Conflict($"Action {actionId} is already a mitigation of risk {id}.");
        if (ifMatch is not null && ifMatch != current.Version) return Outcome<Versioned<RiskEntry>>.Stale();

        ActionReply action;
        try
        {
            action = await actionPlan.GetActionAsync(new GetActionRequest { PartnershipId = partnershipId, ActionId = actionId },
                deadline: clock.GetUtcNow().UtcDateTime.Add(options.Value.ActionPlanDeadline));
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return Outcome<Versioned<RiskEntry>>.Invalid(new ValidationErrors().Add("actionId", $"there is no action {actionId} in this partnership's action plan"));
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal or StatusCode.Unknown)
        {
            logger.LogWarning(ex, "Action-plan service did not answer ({StatusCode}) checking action {ActionId} for risk {RiskId}", ex.StatusCode, actionId, id);
            return Outcome<Versioned<RiskEntry>>.Unavailable("The action-plan service (needed to check the action)");
        }

        for (var attempt = 0; attempt < RetriesWithoutIfMatch; attempt++)
        {
            var latest = attempt == 0 ? current : await store.GetRiskAsync(partnershipId, id);
            if (latest is null) return Outcome<Versioned<RiskEntry>>.NotFound($"Risk {id}");
            if (latest.Value.IsLinkedTo(actionId)) return Outcome<Versioned<RiskEntry>>.Conflict($"Action {actionId} is already a mitigation of risk {id}.");
            // Done if the action plan says so, or if its action.completed has already reached us (the event may overtake
            // the link: the save below is refused if the completion is recorded after this read, and we go round again).
            var now = clock.GetUtcNow();
            var completedAt = action.Status == "completed" ? now : await store.ActionCompletedAtAsync(partnershipId, actionId);
            var done = completedAt is not null;
            var linked = latest.Value.Link(new Mitigation(actionId, action.Title, action.LeadAgencyId, now, caller.Subject, done, completedAt));
            var version = await store.SaveRiskAsync(linked, latest.Version, Audit(caller, "risk.mitigation-linked", id, latest.Value, linked), [],
                unlessCompleted: done ? null : [actionId]);
            if (version is not null)
            {
                logger.LogInformation("Action {ActionId} linked as a mitigation of risk {RiskId} in {PartnershipId}", actionId, id, partnershipId);
                return Outcome<Versioned<RiskEntry>>.Ok(new(linked, version.Value));
            }
            if (ifMatch is not null) return Outcome<Versioned<RiskEntry>>.Stale();
        }
        return Outcome<Versioned<RiskEntry>>.Conflict("The risk is being changed by others right now; try again.");
    }

    /// <summary>Marks the mitigations that link to a completed action done; a mitigation already done is left alone.
    /// Returns how many risks changed. Throws if a risk stays contended, so the event is redelivered.</summary>
    public async Task<int> MarkMitigationDoneAsync(string partnershipId, long actionId, DateTimeOffset completedAt)
    {
        await store.RecordActionCompletedAsync(partnershipId, actionId, completedAt);
        var changed = 0;
        foreach (var riskId in await store.RisksMitigatedByAsync(partnershipId, actionId))
        {
            for (var attempt = 0; ; attempt++)
            {
                var current = await store.GetRiskAsync(partnershipId, riskId);
                if (current is null || !current.Value.TryMarkMitigationDone(actionId, completedAt, out var marked)) break;
                var version = await store.SaveRiskAsync(marked, current.Version, Audit(Caller.System, "risk.mitigation-done", riskId, current.Value, marked), []);
                if (version is not null)
                {
                    changed++;
                    logger.LogInformation("Mitigation action {ActionId} of risk {RiskId} in {PartnershipId} done", actionId, riskId, partnershipId);
                    break;
                }
                if (attempt >= RetriesWithoutIfMatch) throw new InvalidOperationException($"Risk {riskId} in {partnershipId} kept changing; the event will be retried.");
            }
        }
        return changed;
    }

    /// <summary>Raises <c>risk.review-overdue</c> once per risk per review date. Safe with several replicas: the version
    /// check lets only one of them mark a risk.</summary>
    public async Task<int> RaiseReviewsOverdueAsync(string partnershipId)
    {
        var raised = 0;
        var today = Today;
        foreach (var current in await store.ListRisksAsync(partnershipId))
        {
            if (!current.Value.TryRaiseReviewOverdue(today, out var marked)) continue;
            var version = await store.SaveRiskAsync(marked, current.Version, Audit(Caller.System, "risk.review-overdue-raised", marked.Id, current.Value, marked), RiskEvents.ReviewOverdue(marked));
            if (version is null) continue; // changed meanwhile: the next scan looks again
            raised++;
            logger.LogInformation("Risk {RiskId} in {PartnershipId} review overdue since {NextReviewDate}", marked.Id, partnershipId, marked.NextReviewDate);
        }
        return raised;
    }

    private AuditEntry Audit(Caller caller, string what, long id, RiskEntry? before, RiskEntry after) => new(
        caller.Subject, clock.GetUtcNow(), what, "risk", id.ToString(CultureInfo.InvariantCulture),
        before is null ? null : AuditLog.Snapshot(before, ApiJson.Options), AuditLog.Snapshot(after, ApiJson.Options), CorrelationContext.Current);
}
