using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Validation;
using Csp.Funding.Domain;
using AllocationOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Funding.Domain.Allocation>>;

namespace Csp.Funding.Commands;

/// <summary>The platform's own writes, as <see cref="Caller.System"/>: action events reaching projects, and demo data.</summary>
public sealed partial class FundingCommands
{
    /// <summary>An action completed or changed status: every allocation whose projects deliver it shows it ("delivered: ready to
    /// close" once all of a project's actions are completed; flagged while one is off track). Returns how many allocations
    /// changed; throws if one stays contended, so the bus redelivers.</summary>
    public async Task<int> UpdateActionAsync(string partnershipId, long actionId, bool completed, bool offTrack, DateTimeOffset at)
    {
        if (completed) await store.RecordActionCompletedAsync(partnershipId, actionId, at);
        var changed = 0;
        foreach (var allocationId in await store.AllocationsDeliveringAsync(partnershipId, actionId))
        {
            var outcome = await OptimisticConcurrency.RetryAsync(null, async () =>
            {
                var current = await store.GetAllocationAsync(partnershipId, allocationId);
                if (current is null || !current.Value.TryUpdateAction(actionId, completed, offTrack, out var updated)) return Outcome<bool>.Ok(false);
                var version = await store.SaveAllocationAsync(updated, current.Version,
                    audit.For(Caller.System, completed ? "allocation.action-completed" : "allocation.action-status-changed", "allocation", allocationId, current.Value, updated), []);
                return version is null ? null : Outcome<bool>.Ok(true);
            }, Contended);
            if (!outcome.IsOk) throw new InvalidOperationException($"Allocation {allocationId} in {partnershipId} kept changing; the event will be retried.");
            if (outcome.Value) changed++;
        }
        return changed;
    }

    /// <summary>Adds a demo funder if it is not there yet.</summary>
    public async Task<bool> SeedFunderAsync(Funder funder)
    {
        if (await store.GetFunderAsync(funder.Id) is not null) return false;
        return await store.SaveFunderAsync(funder, 0, audit.For(Caller.System, "funder.added", "funder", funder.Id, null, funder)) is not null;
    }

    /// <summary>Adds a demo programme if it is not there yet.</summary>
    public async Task<bool> SeedProgrammeAsync(string funderId, ProgrammeDraft draft)
    {
        var errors = new ValidationErrors();
        if (draft.Validate(errors) is not { } d) throw new InvalidDataException($"Demo programme {draft.Id}: {string.Join("; ", errors.ToDictionary().Select(e => e.Key + " " + string.Join(", ", e.Value)))}");
        if (await store.GetProgrammeAsync(funderId, d.Id) is not null) return false;
        if (!await store.ClaimProgrammeIdAsync(d.Id, funderId)) throw new InvalidDataException($"Demo programme id {d.Id} belongs to another funder.");
        var programme = Programme.Create(d.Id, funderId, d.Title, d.Year, d.Pot, d.Conditions, d.Formula, Caller.System.Subject, clock.GetUtcNow());
        return await store.SaveProgrammeAsync(programme, 0, audit.For(Caller.System, "programme.created", "programme", programme.Id, null, programme)) is not null;
    }

    /// <summary>
    /// Stores a demo allocation with its whole story (confirmation, projects, schedule, releases, spend, returns, variations,
    /// year end), built by the same domain methods the API uses, in ONE transaction: loading it again finds it there and
    /// changes nothing. <paramref name="story"/> applies the steps; a broken rule is a mistake in the demo file (thrown).
    /// Project actions are linked as given (demo data may load before the action-plan service answers).
    /// </summary>
    public async Task<bool> SeedAllocationAsync(string partnershipId, string programmeId, Money amount, string? adjustmentReason, string? purpose,
        Func<Allocation, List<SpendEntry>, Allocation> story)
    {
        if (await store.GetAllocationAsync(partnershipId, programmeId) is not null) return false;
        var funderId = await store.FunderOfProgrammeAsync(programmeId) ?? throw new InvalidDataException($"Demo allocation: no programme {programmeId}.");
        var programme = (await store.GetProgrammeAsync(funderId, programmeId))!.Value;
        var created = Allocation.Create(partnershipId, programme, amount, adjustmentReason, purpose, Caller.System.Subject, clock.GetUtcNow());
        var spend = new List<SpendEntry>();
        var allocation = story(created, spend);
        var version = await store.SaveAllocationAsync(allocation, 0, audit.For(Caller.System, "allocation.created", "allocation", allocation.Id, null, allocation),
            SeedEvents(allocation), newSpend: spend);
        return version is not null;
    }

    /// <summary>The events a seeded allocation's story would have published (confirmation, releases), so subscribers see the demo too.</summary>
    private static IReadOnlyCollection<Csp.BuildingBlocks.EventBus.PendingEvent> SeedEvents(Allocation a) =>
    [
        .. a.Confirmation is not null ? FundingEvents.Confirmed(a) : [],
        .. a.Tranches.Where(t => t.Status == TrancheStatus.Released).SelectMany(t => FundingEvents.TrancheReleased(a, t.Id)),
    ];

    /// <summary>Unwraps a demo step: a broken rule is a mistake in the demo file.</summary>
    public static Allocation Must(Decision<Allocation> decision, string step) =>
        decision.IsOk ? decision.Value! : throw new InvalidDataException($"Demo funding data: {step}: {decision.Broken}");
}
