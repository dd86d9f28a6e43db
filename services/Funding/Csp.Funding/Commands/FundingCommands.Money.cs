using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Funding.Domain;
using AllocationOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Funding.Domain.Allocation>>;

namespace Csp.Funding.Commands;

/// <summary>The money: the payment schedule and its tranches, spend, monitoring returns, variations and the year end.</summary>
public sealed partial class FundingCommands
{
    public Task<AllocationOutcome> SetScheduleAsync(Member<KnownPartnership> member, string allocationId, ScheduleDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        // The tranches depend on the award (a template's shares of it), so the body is checked once the allocation is read.
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, "allocation.schedule-set", errors,
            a => a.SetSchedule(draft.Validate(a.Awarded, a.Year, new ValidationErrors())!),
            precheck: a => Task.FromResult(draft.Validate(a.Awarded, a.Year, errors) is null ? AllocationOutcome.Invalid(errors) : null));
    }

    public Task<AllocationOutcome> ReleaseTrancheAsync(Member<KnownPartnership> member, string allocationId, int trancheId, ReleaseDraft draft, IfMatch? ifMatch,
        IdempotentWrite<Versioned<Allocation>>? once = null) =>
        ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, "allocation.tranche-released", new ValidationErrors(),
            a => a.ReleaseTranche(trancheId, draft.ReleasedOn ?? Today, member.Caller.Subject), (_, after) => FundingEvents.TrancheReleased(after, trancheId), once);

    public Task<AllocationOutcome> CancelTrancheAsync(Member<KnownPartnership> member, string allocationId, int trancheId, CancelDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        var reason = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, "allocation.tranche-cancelled", errors, a => a.CancelTranche(trancheId, reason));
    }

    /// <summary>Appends a spend entry (the manager or the finance contact); a correction names the entry it corrects.
    /// Returns the allocation and the new entry.</summary>
    public async Task<Outcome<(Versioned<Allocation> Allocation, SpendEntry Entry)>> RecordSpendAsync(Member<KnownPartnership> member, string allocationId, SpendDraft draft,
        IdempotentWrite<(Versioned<Allocation> Allocation, SpendEntry Entry)>? once = null)
    {
        var errors = new ValidationErrors();
        var details = draft.Validate(errors);
        SpendEntry? corrected = null;
        var alreadyCorrected = Money.Zero;
        SpendEntry entry = null!;
        var outcome = await ChangeAsync(member, allocationId, null, Who.SpendRecorder, "allocation.spend-recorded", errors,
            a => a.RecordSpend(details!, corrected, alreadyCorrected, member.Caller.Subject, clock.GetUtcNow(), out entry),
            (_, after) => FundingEvents.SpendRecorded(after, entry), appended: () => [entry], prepare: v => once?.Prepare((v, entry)),
            precheck: async _ =>
            {
                if (details!.CorrectsEntryId is { } id) (corrected, alreadyCorrected) = await store.GetSpendEntryAsync(member.PartnershipId, allocationId, id);
                return null;
            });
        return outcome.IsOk ? Outcome<(Versioned<Allocation>, SpendEntry)>.Ok((outcome.Value!, entry)) : outcome.As<(Versioned<Allocation>, SpendEntry)>();
    }

    public Task<AllocationOutcome> SubmitReturnAsync(Member<KnownPartnership> member, string allocationId, ReturnDraft draft,
        IdempotentWrite<Versioned<Allocation>>? once = null)
    {
        var errors = new ValidationErrors();
        var details = draft.Validate(errors);
        return ChangeAsync(member, allocationId, null, Who.Manager, "allocation.return-submitted", errors,
            a => a.SubmitReturn(details!, member.Caller.Subject, clock.GetUtcNow(), Today), (_, after) => FundingEvents.ReturnSubmitted(after, details!.Quarter), once);
    }

    public Task<AllocationOutcome> SignOffReturnAsync(Member<KnownPartnership> member, string allocationId, string quarter, SignOffDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        var q = Periods.ReadQuarter("quarter", quarter, errors);
        var note = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.FinanceContact, "allocation.return-signed-off", errors,
            a => a.SignOffReturn(q!.Value, member.Caller.Subject, clock.GetUtcNow(), note));
    }

    public Task<AllocationOutcome> DecideReturnAsync(Member<KnownPartnership> member, string allocationId, string quarter, DecisionDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        var q = Periods.ReadQuarter("quarter", quarter, errors);
        var d = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, d?.Approve == false ? "allocation.return-returned" : "allocation.return-accepted", errors,
            a => a.DecideReturn(q!.Value, d!.Value.Approve, d.Value.Reason, member.Caller.Subject, clock.GetUtcNow()),
            (_, after) => d!.Value.Approve ? FundingEvents.ReturnAccepted(after, q!.Value) : []);
    }

    public Task<AllocationOutcome> RequestVariationAsync(Member<KnownPartnership> member, string allocationId, VariationDraft draft,
        IdempotentWrite<Versioned<Allocation>>? once = null)
    {
        var errors = new ValidationErrors();
        var details = draft.Validate(errors);
        return ChangeAsync(member, allocationId, null, Who.Manager, "allocation.variation-requested", errors,
            a => a.RequestVariation(details!, member.Caller.Subject, clock.GetUtcNow(), out _), once: once);
    }

    public Task<AllocationOutcome> DecideVariationAsync(Member<KnownPartnership> member, string allocationId, int variationId, DecisionDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        var d = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, d?.Approve == false ? "allocation.variation-rejected" : "allocation.variation-approved", errors,
            a => a.DecideVariation(variationId, d!.Value.Approve, d.Value.Reason, member.Caller.Subject, clock.GetUtcNow()));
    }

    /// <summary>The year end (the funder's finance officer): outturn recorded, underspend returned, allocation closed.</summary>
    public Task<AllocationOutcome> CloseYearAsync(Member<KnownPartnership> member, string allocationId, YearEndDraft draft, IfMatch? ifMatch)
    {
        var errors = new ValidationErrors();
        var d = draft.Validate(errors);
        return ChangeAsync(member, allocationId, ifMatch, Who.FunderFinance, "allocation.closed", errors,
            a => a.CloseYear(d!.Value.Outturn, d.Value.ReturnedOn ?? Today, d.Value.Reference, member.Caller.Subject, clock.GetUtcNow()));
    }
}
