using System.Text.Json;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Events;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Redis;
using StackExchange.Redis;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan.Storage;

/// <summary>
/// Redis storage for the action plan. Keys (all under the partnership's hash tag):
/// <c>actionplan:{p}:partnership</c>, <c>actionplan:{p}:plan:{id}</c> + set <c>plans</c>, <c>actionplan:{p}:action:{id}</c> +
/// sorted set <c>actions</c> + counter <c>action-seq</c>, <c>actionplan:{p}:round:{id}</c> + set <c>rounds</c>.
/// The list of partnerships is <c>actionplan:partnerships</c>.
/// </summary>
public sealed class ActionPlanStore(AggregateWriter writer, RedisKeys keys)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiJson.Options;
    private IDatabase Db => writer.Database;

    // Partnerships
    public async Task<IReadOnlyList<Versioned<Partnership>>> ListPartnershipsAsync()
    {
        var ids = await Db.SetMembersAsync(keys.Global("partnerships"));
        var found = await writer.ReadManyAsync<Partnership>(ids.Select(id => PartnershipKey(id!)), Json);
        return found.OrderBy(p => p.Value.Name, StringComparer.Ordinal).ToList();
    }

    public Task<Versioned<Partnership>?> GetPartnershipAsync(string id) => VersionedDocument.ReadAsync<Partnership>(Db, PartnershipKey(id), Json);

    public async Task<long?> SavePartnershipAsync(Partnership partnership, long expectedVersion, AuditEntry audit)
    {
        var version = await writer.SaveAsync(partnership.Id, PartnershipKey(partnership.Id), partnership, expectedVersion, Json, audit,
            PartnershipEvents.Changed(partnership, expectedVersion + 1));
        if (version is not null) await Db.SetAddAsync(keys.Global("partnerships"), partnership.Id);
        return version;
    }

    // Plans
    public async Task<IReadOnlyList<Versioned<Plan>>> ListPlansAsync(string partnershipId)
    {
        var ids = await Db.SetMembersAsync(keys.For(partnershipId, "plans"));
        var plans = await writer.ReadManyAsync<Plan>(ids.Select(id => PlanKey(partnershipId, id!)), Json);
        return plans.OrderBy(p => p.Value.StartYear).ThenBy(p => p.Value.Id, StringComparer.Ordinal).ToList();
    }

    public Task<Versioned<Plan>?> GetPlanAsync(string partnershipId, string planId) => VersionedDocument.ReadAsync<Plan>(Db, PlanKey(partnershipId, planId), Json);

    public Task<long?> SavePlanAsync(Plan plan, long expectedVersion, AuditEntry audit) =>
        writer.SaveAsync(plan.PartnershipId, PlanKey(plan.PartnershipId, plan.Id), plan, expectedVersion, Json, audit, [],
            tx => _ = tx.SetAddAsync(keys.For(plan.PartnershipId, "plans"), plan.Id));

    // Actions
    public Task<long> NextActionIdAsync(string partnershipId) => Db.StringIncrementAsync(keys.For(partnershipId, "action-seq"));

    public Task<Versioned<PlanAction>?> GetActionAsync(string partnershipId, long id) => VersionedDocument.ReadAsync<PlanAction>(Db, ActionKey(partnershipId, id), Json);

    public async Task<IReadOnlyList<Versioned<PlanAction>>> ListActionsAsync(string partnershipId)
    {
        var ids = await Db.SortedSetRangeByRankAsync(keys.For(partnershipId, "actions"));
        return await writer.ReadManyAsync<PlanAction>(ids.Select(id => ActionKey(partnershipId, (long)id)), Json);
    }

    /// <param name="newUpdates">Updates to append to the action's history, in the same transaction.</param>
    /// <param name="seedRef">For demo data: the seed reference recorded in the same transaction, so a reload skips it.</param>
    public Task<long?> SaveActionAsync(PlanAction action, long expectedVersion, AuditEntry audit, IReadOnlyCollection<PendingEvent> events,
        IReadOnlyCollection<ActionUpdate>? newUpdates = null, string? seedRef = null) =>
        writer.SaveAsync(action.PartnershipId, ActionKey(action.PartnershipId, action.Id), action, expectedVersion, Json, audit, events, tx =>
        {
            _ = tx.SortedSetAddAsync(keys.For(action.PartnershipId, "actions"), action.Id, action.Id);
            if (newUpdates is { Count: > 0 })
                _ = tx.ListRightPushAsync(UpdatesKey(action.PartnershipId, action.Id), newUpdates.Select(u => (RedisValue)JsonSerializer.Serialize(u, Json)).ToArray());
            if (seedRef is not null) _ = tx.HashSetAsync(keys.For(action.PartnershipId, "seed-refs"), seedRef, action.Id);
        });

    /// <summary>The action's dated updates, oldest first.</summary>
    public async Task<IReadOnlyList<ActionUpdate>> GetUpdatesAsync(string partnershipId, long actionId) =>
        (await Db.ListRangeAsync(UpdatesKey(partnershipId, actionId)))
            .Select(v => JsonSerializer.Deserialize<ActionUpdate>((string)v!, Json) ?? throw new InvalidOperationException("empty update")).ToList();

    // Update rounds
    public async Task<IReadOnlyList<Versioned<UpdateRound>>> ListRoundsAsync(string partnershipId)
    {
        var ids = await Db.SetMembersAsync(keys.For(partnershipId, "rounds"));
        var rounds = await writer.ReadManyAsync<UpdateRound>(ids.Select(id => RoundKey(partnershipId, id!)), Json);
        return rounds.OrderByDescending(r => r.Value.Period).ToList();
    }

    public Task<Versioned<UpdateRound>?> GetRoundAsync(string partnershipId, string roundId) => VersionedDocument.ReadAsync<UpdateRound>(Db, RoundKey(partnershipId, roundId), Json);

    public Task<long?> SaveRoundAsync(UpdateRound round, long expectedVersion, AuditEntry audit) =>
        writer.SaveAsync(round.PartnershipId, RoundKey(round.PartnershipId, round.Id), round, expectedVersion, Json, audit, [],
            tx => _ = tx.SetAddAsync(keys.For(round.PartnershipId, "rounds"), round.Id));

    // Demo data: which seed references have been loaded (so loading twice changes nothing).
    public Task<RedisValue> GetSeededActionIdAsync(string partnershipId, string seedRef) => Db.HashGetAsync(keys.For(partnershipId, "seed-refs"), seedRef);

    private string PartnershipKey(string id) => keys.For(id, "partnership");
    private string PlanKey(string p, string id) => keys.For(p, "plan", id);
    private string ActionKey(string p, long id) => keys.For(p, "action", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    private string RoundKey(string p, string id) => keys.For(p, "round", id);
    private string UpdatesKey(string p, long id) => $"{ActionKey(p, id)}:updates";
}
