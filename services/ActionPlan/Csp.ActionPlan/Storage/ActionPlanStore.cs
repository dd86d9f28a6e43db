using System.Globalization;
using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using StackExchange.Redis;

namespace Csp.ActionPlan.Storage;

/// <summary>
/// Redis storage for the action plan. Keys (all under the partnership's hash tag):
/// <c>actionplan:{p}:partnership</c>, <c>actionplan:{p}:plan:{id}</c> + set <c>plans</c>, <c>actionplan:{p}:action:{id}</c> +
/// sorted set <c>actions</c> + counter <c>action-seq</c> + list <c>action:{id}:updates</c>, <c>actionplan:{p}:round:{id}</c> +
/// set <c>rounds</c>, hash <c>seed-refs</c> (demo data), the list indexes <c>ix:*</c> (ActionPlanStore.Indexes.cs). The list of partnerships is <c>actionplan:partnerships</c>.
/// Documents are in <see cref="StorageJson"/>. Each save stores the events and audit entry it is given (the commands decide
/// them) in the same transaction.
/// </summary>
public sealed partial class ActionPlanStore(AggregateWriter writer, RedisKeys keys, AuditLog audit, ReplicaIdentity replica, ILogger<ActionPlanStore> logger,
    Microsoft.Extensions.Options.IOptions<ActionListOptions> listOptions)
{
    private IDatabase Db => writer.Database;

    // Partnerships
    public async Task<IReadOnlyList<Versioned<Partnership>>> ListPartnershipsAsync()
    {
        var ids = await Db.SetMembersAsync(keys.Global("partnerships"));
        var found = await writer.ReadManyAsync<Partnership>(ids.Select(id => PartnershipKey(id!)));
        return found.OrderBy(p => p.Value.Name, StringComparer.Ordinal).ToList();
    }

    public Task<Versioned<Partnership>?> GetPartnershipAsync(string id) => writer.ReadAsync<Partnership>(PartnershipKey(id));

    public async Task<long?> SavePartnershipAsync(Partnership partnership, long expectedVersion, AuditEntry audit, IReadOnlyCollection<PendingEvent> events,
        IdempotentReply? reply = null)
    {
        // The list lives outside the partnership's slot, so it cannot join the transaction: it is written first (adding twice
        // is harmless), and a member whose document was never committed is skipped by ListPartnershipsAsync.
        if (expectedVersion == 0) await Db.SetAddAsync(keys.Global("partnerships"), partnership.Id);
        // A new partnership has no actions yet, so its (empty) action indexes are complete from the start.
        return await writer.SaveAsync(partnership.Id, PartnershipKey(partnership.Id), partnership, expectedVersion, audit, events,
            expectedVersion == 0 ? tx => MarkIndexed(tx, partnership.Id) : null, reply);
    }

    // Plans
    public async Task<IReadOnlyList<Versioned<Plan>>> ListPlansAsync(string partnershipId)
    {
        var ids = await Db.SetMembersAsync(keys.For(partnershipId, "plans"));
        var plans = await writer.ReadManyAsync<Plan>(ids.Select(id => PlanKey(partnershipId, id!)));
        return plans.OrderBy(p => p.Value.StartYear).ThenBy(p => p.Value.Id, StringComparer.Ordinal).ToList();
    }

    public Task<Versioned<Plan>?> GetPlanAsync(string partnershipId, string planId) => writer.ReadAsync<Plan>(PlanKey(partnershipId, planId));

    /// <param name="stamp">When the change takes a priority or an area of focus out: the plan's action-reference stamp read
    /// before the actions were checked; the save is conditional on it, so an action defined under the plan since then
    /// (which bumps the stamp) makes the save fail rather than leave the action referring to what was taken out.</param>
    public Task<long?> SavePlanAsync(Plan plan, long expectedVersion, AuditEntry audit, IdempotentReply? reply = null, PlanReferencesStamp? stamp = null) =>
        writer.SaveAsync(plan.PartnershipId, PlanKey(plan.PartnershipId, plan.Id), plan, expectedVersion, audit, [],
            w =>
            {
                if (stamp is not null) w.AddCondition(WriteCondition.StringEqual(PlanReferencesKey(plan.PartnershipId, plan.Id), stamp.Value));
                w.SetAdd(keys.For(plan.PartnershipId, "plans"), plan.Id);
            }, reply);

    /// <summary>The plan's action-reference stamp: a counter every action save that checked its definition against the plan
    /// increments (creating an action, revising what it is).</summary>
    public async Task<PlanReferencesStamp> ReadPlanReferencesStampAsync(string partnershipId, string planId) =>
        new(await Db.StringGetAsync(PlanReferencesKey(partnershipId, planId)));

    // Actions
    public Task<long> NextActionIdAsync(string partnershipId) => Db.StringIncrementAsync(keys.For(partnershipId, "action-seq"));

    public Task<Versioned<PlanAction>?> GetActionAsync(string partnershipId, long id) => writer.ReadAsync<PlanAction>(ActionKey(partnershipId, id));

    public async Task<IReadOnlyList<Versioned<PlanAction>>> ListActionsAsync(string partnershipId)
    {
        var ids = await Db.SortedSetRangeByRankAsync(keys.For(partnershipId, "actions"));
        return await writer.ReadManyAsync<PlanAction>(ids.Select(id => ActionKey(partnershipId, (long)id)));
    }

    /// <param name="before">The action as the writer read it (the version <paramref name="expectedVersion"/>), so its index
    /// entries that no longer apply are removed in the same transaction. Without it (a new action, or an update that does not
    /// change the definition) the action is taken out of every other status and strand set, and its priority and agencies
    /// are taken as unchanged.</param>
    /// <param name="newUpdates">Updates to append to the action's history, in the same transaction.</param>
    /// <param name="seedRef">For demo data: the seed reference recorded in the same transaction, so a reload skips it.</param>
    /// <param name="references">The plan and partnership versions the action's definition was checked against: the save is
    /// conditional on both being unchanged at commit, so a plan or agency removed meanwhile cannot leave a dangling reference.</param>
    public Task<long?> SaveActionAsync(PlanAction action, long expectedVersion, AuditEntry audit, IReadOnlyCollection<PendingEvent> events,
        IReadOnlyCollection<ActionUpdate>? newUpdates = null, string? seedRef = null, ActionReferences? references = null, IdempotentReply? reply = null,
        PlanAction? before = null) =>
        writer.SaveAsync(action.PartnershipId, ActionKey(action.PartnershipId, action.Id), action, expectedVersion, audit, events, tx =>
        {
            if (references is not null)
            {
                tx.AddCondition(WriteCondition.HashEqual(PlanKey(action.PartnershipId, action.PlanId), "version", references.PlanVersion));
                tx.AddCondition(WriteCondition.HashEqual(PartnershipKey(action.PartnershipId), "version", references.PartnershipVersion));
                tx.StringIncrement(PlanReferencesKey(action.PartnershipId, action.PlanId));
            }
            tx.SortedSetAdd(keys.For(action.PartnershipId, "actions"), action.Id, action.Id);
            WriteIndexes(tx, before, action, isNew: expectedVersion == 0);
            if (newUpdates is { Count: > 0 })
                tx.ListRightPush(UpdatesKey(action.PartnershipId, action.Id), newUpdates.Select(u => (RedisValue)StorageJson.Serialize(u)).ToArray());
            if (seedRef is not null) tx.HashSet(keys.For(action.PartnershipId, "seed-refs"), seedRef, action.Id);
        }, reply);

    /// <summary>The action's dated updates, oldest first.</summary>
    public async Task<IReadOnlyList<ActionUpdate>> GetUpdatesAsync(string partnershipId, long actionId) =>
        (await Db.ListRangeAsync(UpdatesKey(partnershipId, actionId))).Select(v => StorageJson.Deserialize<ActionUpdate>((string)v!)).ToList();

    // Update rounds
    public async Task<IReadOnlyList<Versioned<UpdateRound>>> ListRoundsAsync(string partnershipId)
    {
        var ids = await Db.SetMembersAsync(keys.For(partnershipId, "rounds"));
        var rounds = await writer.ReadManyAsync<UpdateRound>(ids.Select(id => RoundKey(partnershipId, id!)));
        return rounds.OrderByDescending(r => r.Value.Period).ToList();
    }

    public Task<Versioned<UpdateRound>?> GetRoundAsync(string partnershipId, string roundId) => writer.ReadAsync<UpdateRound>(RoundKey(partnershipId, roundId));

    public Task<long?> SaveRoundAsync(UpdateRound round, long expectedVersion, AuditEntry audit, IdempotentReply? reply = null) =>
        writer.SaveAsync(round.PartnershipId, RoundKey(round.PartnershipId, round.Id), round, expectedVersion, audit, [],
            w => w.SetAdd(keys.For(round.PartnershipId, "rounds"), round.Id), reply);

    // Demo data: whether a seed reference has been loaded (so loading twice changes nothing).
    public async Task<bool> IsSeededAsync(string partnershipId, string seedRef) => await Db.HashExistsAsync(keys.For(partnershipId, "seed-refs"), seedRef);

    private string PartnershipKey(string id) => keys.For(id, "partnership");
    private string PlanKey(string p, string id) => keys.For(p, "plan", id);
    private string ActionKey(string p, long id) => keys.For(p, "action", id.ToString(CultureInfo.InvariantCulture));
    private string RoundKey(string p, string id) => keys.For(p, "round", id);
    /// <summary>One action's audit trail, newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> ReadActionAuditAsync(string partnershipId, long actionId) => audit.ReadEntityAsync(Db, partnershipId, "action", actionId);

    private string UpdatesKey(string p, long id) => $"{ActionKey(p, id)}:updates";
    private string PlanReferencesKey(string p, string planId) => $"{PlanKey(p, planId)}:action-refs";
}

/// <summary>The value of a plan's action-reference stamp when it was read (null: no action was ever defined under it).</summary>
public sealed record PlanReferencesStamp(RedisValue Value);

/// <summary>The versions of the plan and the partnership (whose agencies an action names) that an action was checked against.</summary>
public sealed record ActionReferences(long PlanVersion, long PartnershipVersion);
