using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Contracts.ActionPlan.V1;
using Csp.Risk.Domain;
using Csp.Risk.Storage;
using Microsoft.Extensions.Options;
using RiskOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Risk.Domain.RiskEntry>>;

namespace Csp.Risk.Commands;

/// <summary>
/// Every write of the risk register: load, check who may, apply the domain rule, store with its audit entry and events,
/// and say how it went. The REST endpoints, the gRPC-checked mitigation links, the event handlers, the review monitor and
/// the demo-data loader all write through here. A partnership-scoped command starts from a <see cref="Member{T}"/> (the
/// caller and the partnership, already checked); system work (events, scans, demo data) acts as <see cref="Caller.System"/>.
/// This file: the matrix and a risk's own life (create, revise, reassess, close). Mitigations, and the system's work, are
/// in the other <c>RiskCommands.*.cs</c> files.
/// </summary>
public sealed partial class RiskCommands(RiskStore store, ActionPlanQueries.ActionPlanQueriesClient actionPlan, IOptions<RiskOptions> options,
    AuditEntries audit, TimeProvider clock, ILogger<RiskCommands> logger)
{
    private const string Contended = "The risk is being changed by others right now; try again.";

    public DateOnly Today => UkTime.Today(clock);

    /// <summary>Loads the partnership's own matrix (the manager). Replacing a stored one needs If-Match (428 without, 412 when
    /// it does not match); If-Match when none is stored is 412 (RFC 9110: no current representation matches).</summary>
    public async Task<Outcome<Versioned<RiskMatrix>>> SetMatrixAsync(Member<KnownPartnership> member, RiskMatrixDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Versioned<RiskMatrix>>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        if (!AccessRules.CanManage(caller, partnershipId)) return Outcome<Versioned<RiskMatrix>>.Forbidden("Only the partnership's manager sets the risk matrix.");
        var current = await store.GetStoredMatrixAsync(partnershipId);
        if (current is not null && ifMatch is null) return Outcome<Versioned<RiskMatrix>>.IfMatchRequired();
        if (ifMatch is not null && !ifMatch.Matches(current?.Version)) return Outcome<Versioned<RiskMatrix>>.Stale();
        var errors = new ValidationErrors();
        var matrix = draft.Validate(errors);
        if (matrix is null) return Outcome<Versioned<RiskMatrix>>.Invalid(errors);
        var entry = audit.For(caller, current is null ? "risk-matrix.loaded" : "risk-matrix.changed", "risk-matrix", partnershipId,
            current?.Value ?? RiskMatrix.CouncilDefault, matrix);
        var saved = new Versioned<RiskMatrix>(matrix, (current?.Version ?? 0) + 1);
        var version = await store.SaveMatrixAsync(partnershipId, matrix, current?.Version ?? 0, entry, once?.Prepare(saved));
        return version is null ? Outcome<Versioned<RiskMatrix>>.Stale() : Outcome<Versioned<RiskMatrix>>.Ok(saved);
    }

    /// <param name="at">When the first assessment was made; now unless given.</param>
    public async Task<RiskOutcome> CreateAsync(Member<KnownPartnership> member, RiskDraft draft, DateTimeOffset? at = null, IdempotentWrite<Versioned<RiskEntry>>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        if (!AccessRules.CanManage(caller, partnershipId)) return RiskOutcome.Forbidden("Only the partnership's manager adds risks to the register.");
        var matrix = await store.GetMatrixAsync(partnershipId);
        var errors = new ValidationErrors();
        var details = draft.ValidateDetails(errors, out var register, member.Partnership);
        var first = draft.ValidateFirstAssessment(matrix, errors);
        if (details is null || first is null) return RiskOutcome.Invalid(errors);

        var id = await store.NextRiskIdAsync(partnershipId);
        var risk = RiskEntry.Create(id, partnershipId, register, details, first, caller.Subject, caller.Name, at ?? clock.GetUtcNow(), draft.NextReviewDate);
        var version = await store.SaveRiskAsync(risk, 0, audit.For(caller, "risk.created", "risk", id, null, risk), RiskEvents.Assessed(matrix, null, risk),
            newAssessments: [risk.Latest], reply: once?.Prepare(new(risk, 1)));
        if (version is null) return RiskOutcome.Conflict($"Risk {id} already exists.");
        logger.LogInformation("Risk {RiskId} created in {PartnershipId} rated {Rating} by {Subject}", id, partnershipId, risk.Current.Rating, caller.Subject);
        return RiskOutcome.Ok(new(risk, version.Value));
    }

    /// <summary>Revises a risk's details (never its ratings); If-Match is required.</summary>
    public async Task<RiskOutcome> ReviseAsync(Member<KnownPartnership> member, long id, RiskDraft draft, IfMatch? ifMatch)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var current = await store.GetRiskAsync(partnershipId, id);
        if (current is null) return RiskOutcome.NotFound($"Risk {id}");
        if (!AccessRules.CanManage(caller, partnershipId)) return RiskOutcome.Forbidden("Only the partnership's manager revises a risk.");
        if (ifMatch is null) return RiskOutcome.IfMatchRequired();
        if (!ifMatch.Matches(current.Version)) return RiskOutcome.Stale();
        var errors = new ValidationErrors();
        var details = draft.ValidateDetails(errors, out var register, member.Partnership);
        draft.RefuseRatings(errors);
        if (details is null || !errors.IsEmpty) return RiskOutcome.Invalid(errors);
        if (!current.Value.IsOpen) return RiskOutcome.Conflict("The risk is closed: it is kept as it was.");

        var revised = current.Value.Revise(register, details, draft.NextReviewDate);
        var version = await store.SaveRiskAsync(revised, current.Version, audit.For(caller, "risk.revised", "risk", id, current.Value, revised), [], before: current.Value);
        return version is null ? RiskOutcome.Stale() : RiskOutcome.Ok(new(revised, version.Value));
    }

    /// <summary>Appends an assessment. With If-Match a stale ETag is refused (412); without it the assessment is appended to
    /// whatever is current (an assessment adds to the history, it does not overwrite another's). A partner's next review
    /// date may be at most one review period ahead (<see cref="RiskRules.CheckNextReviewDate"/>); the manager's any.</summary>
    /// <param name="at">When the assessment was made; now unless given.</param>
    public async Task<RiskOutcome> ReassessAsync(Member<KnownPartnership> member, long id, AssessmentDraft draft, IfMatch? ifMatch, DateTimeOffset? at = null,
        IdempotentWrite<Versioned<RiskEntry>>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var matrix = await store.GetMatrixAsync(partnershipId);
        return await OptimisticConcurrency.RetryAsync(ifMatch, async () =>
        {
            var current = await store.GetRiskAsync(partnershipId, id);
            if (current is null) return RiskOutcome.NotFound($"Risk {id}");
            if (!AccessRules.CanReassess(caller, current.Value))
                return RiskOutcome.Forbidden($"Only partners of the owning agency ({current.Value.Details.OwningAgencyId}) or the manager reassess this risk.");
            var errors = new ValidationErrors();
            var details = draft.Validate(matrix, errors);
            var when = at ?? clock.GetUtcNow();
            RiskRules.CheckNextReviewDate(draft.NextReviewDate, UkTime.DateOf(when), current.Value.Details.ReviewFrequency,
                byManager: AccessRules.CanManage(caller, partnershipId), errors);
            if (details is null || !errors.IsEmpty) return RiskOutcome.Invalid(errors);
            if (!current.Value.IsOpen) return RiskOutcome.Conflict("The risk is closed: it takes no more assessments.");
            if (ifMatch is not null && !ifMatch.Matches(current.Version)) return RiskOutcome.Stale();

            var previous = current.Value.Current;
            var reassessed = current.Value.Reassess(details, caller.Subject, caller.Name, when, draft.NextReviewDate);
            var version = await store.SaveRiskAsync(reassessed, current.Version, audit.For(caller, "risk.assessed", "risk", id, current.Value, reassessed),
                RiskEvents.Assessed(matrix, previous, reassessed), newAssessments: [reassessed.Latest], reply: once?.Prepare(new(reassessed, current.Version + 1)), before: current.Value);
            if (version is null) return null;
            logger.LogInformation("Risk {RiskId} in {PartnershipId} reassessed {Previous} -> {Rating} by {Subject}", id, partnershipId, previous.Rating, details.Current.Rating, caller.Subject);
            return RiskOutcome.Ok(new(reassessed, version.Value));
        }, Contended);
    }

    /// <summary>Closes a risk with a reason; If-Match is optional.</summary>
    public async Task<RiskOutcome> CloseAsync(Member<KnownPartnership> member, long id, CloseDraft draft, IfMatch? ifMatch, IdempotentWrite<Versioned<RiskEntry>>? once = null)
    {
        var (caller, partnershipId) = (member.Caller, member.PartnershipId);
        var current = await store.GetRiskAsync(partnershipId, id);
        if (current is null) return RiskOutcome.NotFound($"Risk {id}");
        if (!AccessRules.CanManage(caller, partnershipId)) return RiskOutcome.Forbidden("Only the partnership's manager closes a risk.");
        var errors = new ValidationErrors();
        var reason = draft.Validate(errors);
        if (reason is null) return RiskOutcome.Invalid(errors);
        if (!current.Value.IsOpen) return RiskOutcome.Conflict("The risk is already closed.");
        if (ifMatch is not null && !ifMatch.Matches(current.Version)) return RiskOutcome.Stale();
        var closed = current.Value.Close(reason, clock.GetUtcNow());
        var version = await store.SaveRiskAsync(closed, current.Version, audit.For(caller, "risk.closed", "risk", id, current.Value, closed), [],
            reply: once?.Prepare(new(closed, current.Version + 1)), before: current.Value);
        return version is null ? RiskOutcome.Stale() : RiskOutcome.Ok(new(closed, version.Value));
    }
}
