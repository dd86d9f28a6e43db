using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Contracts.ActionPlan.V1;
using Csp.Funding.Domain;
using Csp.Funding.Storage;
using Microsoft.Extensions.Options;
using AllocationOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Funding.Domain.Allocation>>;

namespace Csp.Funding.Commands;

/// <summary>
/// Every write of the funding service: load, check who may, apply the domain rule, store with its audit entry and events,
/// and say how it went. This file: funders, programmes and the allocation's own life, and the one way every change to an
/// allocation is made (<see cref="ChangeAsync"/>). Projects, money (tranches, spend, returns, variations, year end) and the
/// system's work are in the other <c>FundingCommands.*.cs</c> files.
/// </summary>
public sealed partial class FundingCommands(FundingStore store, ActionPlanQueries.ActionPlanQueriesClient actionPlan, IOptions<FundingOptions> options,
    AuditEntries audit, TimeProvider clock, ILogger<FundingCommands> logger)
{
    private const string Contended = "The allocation is being changed by others right now; try again.";

    public DateOnly Today => UkTime.Today(clock);

    // Funders and programmes

    /// <summary>Adds a funder (platform admin).</summary>
    public async Task<Outcome<Funder>> AddFunderAsync(Caller caller, FunderDraft draft)
    {
        if (!caller.IsAdmin) return Outcome<Funder>.Forbidden("Only a platform administrator adds funders.");
        var errors = new ValidationErrors();
        if (draft.Validate(errors) is not { } d) return Outcome<Funder>.Invalid(errors);
        if (await store.GetFunderAsync(d.Id) is not null) return Outcome<Funder>.Conflict($"Funder {d.Id} already exists.");
        var funder = new Funder(d.Id, d.Name, d.OrgId, clock.GetUtcNow(), caller.Subject);
        var version = await store.SaveFunderAsync(funder, 0, audit.For(caller, "funder.added", "funder", funder.Id, null, funder));
        return version is null ? Outcome<Funder>.Conflict($"Funder {d.Id} already exists.") : Outcome<Funder>.Ok(funder);
    }

    /// <summary>Sets up a programme (the funder's finance officer). Its id is its natural key: a second create is a conflict
    /// (retrying the same request therefore changes nothing).</summary>
    public async Task<Outcome<Versioned<Programme>>> CreateProgrammeAsync(Caller caller, string funderId, ProgrammeDraft draft, IdempotentWrite<Versioned<Programme>>? once = null)
    {
        if (await store.GetFunderAsync(funderId) is null) return Outcome<Versioned<Programme>>.NotFound($"Funder '{funderId}'");
        if (!AccessRules.ActsForFunder(caller, funderId)) return Outcome<Versioned<Programme>>.Forbidden($"Only a finance officer acting for {funderId} sets up its programmes.");
        var errors = new ValidationErrors();
        if (draft.Validate(errors) is not { } d) return Outcome<Versioned<Programme>>.Invalid(errors);
        if (!await store.ClaimProgrammeIdAsync(d.Id, funderId)) return Outcome<Versioned<Programme>>.Conflict($"Programme id {d.Id} is taken by another funder.");
        var programme = Programme.Create(d.Id, funderId, d.Title, d.Year, d.Pot, d.Conditions, d.Formula, caller.Subject, clock.GetUtcNow());
        var version = await store.SaveProgrammeAsync(programme, 0, audit.For(caller, "programme.created", "programme", programme.Id, null, programme),
            reply: once?.Prepare(new(programme, 1)));
        return version is null ? Outcome<Versioned<Programme>>.Conflict($"Programme {d.Id} already exists.") : Outcome<Versioned<Programme>>.Ok(new(programme, version.Value));
    }

    /// <summary>Runs the programme's formula over the inputs and records the proposal beside the programme (the finance
    /// officer then awards each allocation, adjusting where needed, and the record shows both).</summary>
    public async Task<Outcome<Versioned<Programme>>> ProposeAsync(Caller caller, string funderId, string programmeId, ProposalDraft draft, IfMatch? ifMatch)
    {
        var current = await store.GetProgrammeAsync(funderId, programmeId);
        if (current is null) return Outcome<Versioned<Programme>>.NotFound($"Programme '{programmeId}' of '{funderId}'");
        if (!AccessRules.ActsForFunder(caller, funderId)) return Outcome<Versioned<Programme>>.Forbidden($"Only a finance officer acting for {funderId} proposes allocations.");
        if (ifMatch is not null && !ifMatch.Matches(current.Version)) return Outcome<Versioned<Programme>>.Stale();
        var errors = new ValidationErrors();
        if (draft.Validate(errors) is not { } inputs) return Outcome<Versioned<Programme>>.Invalid(errors);
        var decided = current.Value.Propose(inputs);
        if (!decided.IsOk) return Refused<Versioned<Programme>>(decided.Broken!);
        var version = await store.SaveProgrammeAsync(decided.Value!, current.Version, audit.For(caller, "programme.proposed", "programme", programmeId, current.Value, decided.Value!));
        return version is null ? Outcome<Versioned<Programme>>.Stale() : Outcome<Versioned<Programme>>.Ok(new(decided.Value!, version.Value));
    }

    // The allocation's own life

    /// <summary>Awards a provisional allocation of a programme to the partnership (the funder's finance officer). One per
    /// partnership per programme; the formula's proposal, if any, is kept beside the amount awarded.</summary>
    public async Task<AllocationOutcome> CreateAllocationAsync(Member<KnownPartnership> member, AllocationDraft draft, IdempotentWrite<Versioned<Allocation>>? once = null)
    {
        var errors = new ValidationErrors();
        if (draft.Validate(errors) is not { } d) return AllocationOutcome.Invalid(errors);
        return await CreateAllocationAsync(member.Caller, member.PartnershipId, d.ProgrammeId, d.Amount, d.AdjustmentReason, d.Purpose, once);
    }

    private async Task<AllocationOutcome> CreateAllocationAsync(Caller caller, string partnershipId, string programmeId, Money amount, string? adjustmentReason,
        string? purpose, IdempotentWrite<Versioned<Allocation>>? once)
    {
        var funderId = await store.FunderOfProgrammeAsync(programmeId);
        var programme = funderId is null ? null : await store.GetProgrammeAsync(funderId, programmeId);
        if (programme is null) return AllocationOutcome.Invalid(new ValidationErrors().Add("programmeId", $"there is no programme {programmeId}"));
        if (!AccessRules.IsFunderFinance(caller, programme.Value.FunderId, partnershipId))
            return AllocationOutcome.Forbidden($"Only a finance officer acting for {programme.Value.FunderId} awards its allocations.");
        var proposed = programme.Value.ProposedFor(partnershipId);
        if (proposed is { } p && p != amount && adjustmentReason is null)
            return AllocationOutcome.Invalid(new ValidationErrors().Add("adjustmentReason", $"is required: the formula proposed {p}, and {amount} differs from it"));
        var awardedSoFar = Money.Sum((await store.ListProgrammeAllocationsAsync(programme.Value.FunderId, programmeId))
            .Where(a => a.Value.PartnershipId != partnershipId && a.Value.Status != AllocationStatus.Withdrawn).Select(a => a.Value.Awarded));
        if (awardedSoFar + amount > programme.Value.Pot)
            return AllocationOutcome.Conflict(new RuleBroken("allocations-within-pot",
                $"{amount} would bring the programme's allocations to {awardedSoFar + amount}, more than its {programme.Value.Pot} pot.").ToString());
        var allocation = Allocation.Create(partnershipId, programme.Value, amount, adjustmentReason, purpose, caller.Subject, clock.GetUtcNow());
        var version = await store.SaveAllocationAsync(allocation, 0, audit.For(caller, "allocation.created", "allocation", allocation.Id, null, allocation), [],
            reply: once?.Prepare(new(allocation, 1)));
        if (version is null) return AllocationOutcome.Conflict($"Partnership {partnershipId} already has an allocation of {programmeId}.");
        logger.LogInformation("Allocation {AllocationId} of {Amount} to {PartnershipId} by {Subject}", allocation.Id, amount, partnershipId, caller.Subject);
        return AllocationOutcome.Ok(new(allocation, version.Value));
    }

    public Task<AllocationOutcome> ConfirmAsync(Member<KnownPartnership> member, string allocationId, ConfirmationDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Versioned<Allocation>>? once = null)
    {
        var errors = new ValidationErrors();
        var d = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, "allocation.confirmed", errors,
            a => a.Confirm(d!.Value.PanelDate, d.Value.Reference, member.Caller.Subject, clock.GetUtcNow()), (_, after) => FundingEvents.Confirmed(after), once);
    }

    public Task<AllocationOutcome> WithdrawAsync(Member<KnownPartnership> member, string allocationId, ReasonDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        var reason = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, "allocation.withdrawn", errors, a => a.Withdraw(reason!));
    }

    // How every change to an allocation is made

    /// <summary>Who may make a change.</summary>
    private enum Who { FunderFinance, Manager, FinanceContact, SpendRecorder }

    /// <summary>
    /// Reads the allocation, checks who may (404 before 403: the partnership group has already checked membership), refuses
    /// a body with errors (400), a stale If-Match (412), a broken rule (409 or 400 naming the rule), then stores the change
    /// with its audit entry, its events and the spend it appends, conditional on the version read. Without If-Match a
    /// change that lost a race is tried again on the new version (its rule checked again).
    /// </summary>
    private Task<AllocationOutcome> ChangeAsync(Member<KnownPartnership> member, string allocationId, IfMatch? ifMatch, Who who, string action,
        ValidationErrors errors, Func<Allocation, Decision<Allocation>> change,
        Func<Allocation, Allocation, IReadOnlyCollection<PendingEvent>>? events = null, IdempotentWrite<Versioned<Allocation>>? once = null,
        Func<IReadOnlyCollection<SpendEntry>>? appended = null, Func<Allocation, Task<AllocationOutcome?>>? precheck = null,
        Func<Versioned<Allocation>, IdempotentReply?>? prepare = null) =>
        OptimisticConcurrency.RetryAsync(ifMatch, async () =>
        {
            var (caller, partnershipId) = (member.Caller, member.PartnershipId);
            var current = await store.GetAllocationAsync(partnershipId, allocationId);
            if (current is null) return AllocationOutcome.NotFound($"Allocation '{allocationId}' of partnership '{partnershipId}'");
            if (Refusal(who, caller, current.Value) is { } refusal) return AllocationOutcome.Forbidden(refusal);
            if (!errors.IsEmpty) return AllocationOutcome.Invalid(errors);
            if (ifMatch is not null && !ifMatch.Matches(current.Version)) return AllocationOutcome.Stale();
            if (precheck is not null && await precheck(current.Value) is { } early) return early;
            var decided = change(current.Value);
            if (!decided.IsOk) return Refused<Versioned<Allocation>>(decided.Broken!);
            var changed = decided.Value!;
            var version = await store.SaveAllocationAsync(changed, current.Version, audit.For(caller, action, "allocation", allocationId, current.Value, changed),
                events?.Invoke(current.Value, changed) ?? [], newSpend: appended?.Invoke(),
                reply: prepare is not null ? prepare(new(changed, current.Version + 1)) : once?.Prepare(new(changed, current.Version + 1)));
            if (version is null) return null;
            logger.LogInformation("{Action} on allocation {AllocationId} of {PartnershipId} by {Subject}", action, allocationId, partnershipId, caller.Subject);
            return AllocationOutcome.Ok(new(changed, version.Value));
        }, Contended);

    private static string? Refusal(Who who, Caller caller, Allocation a) => who switch
    {
        Who.FunderFinance when !AccessRules.IsFunderFinance(caller, a.FunderId, a.PartnershipId) =>
            $"Only a finance officer acting for the funder ({a.FunderId}) does this.",
        Who.Manager when !AccessRules.IsManager(caller, a.PartnershipId) => "Only the partnership's manager does this.",
        Who.FinanceContact when !AccessRules.IsFinanceContact(caller, a.PartnershipId) => "Only the partnership's finance contact does this.",
        Who.SpendRecorder when !AccessRules.CanRecordSpend(caller, a.PartnershipId) => "Only the partnership's manager or finance contact records spend.",
        _ => null,
    };

    private static Outcome<T> Refused<T>(RuleBroken broken) =>
        broken.Kind == RuleKind.Invalid ? Outcome<T>.Invalid(broken.ToErrors()) : Outcome<T>.Conflict(broken.ToString());
}
