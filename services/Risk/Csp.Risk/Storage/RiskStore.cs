using System.Globalization;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Domain;
using StackExchange.Redis;

namespace Csp.Risk.Storage;

/// <summary>
/// Redis storage for the risk register. Keys (all under the partnership's hash tag): <c>risk:{p}:matrix</c> (absent = the default council matrix),
/// <c>risk:{p}:risk:{id}</c> + sorted set <c>risks</c> + counter <c>risk-seq</c>, the reverse index
/// <c>risk:{p}:action-risks:{actionId}</c> (set of risk ids an action mitigates), <c>risk:{p}:completed-actions</c>,
/// <c>risk:{p}:seed-refs</c> (demo data). The partnerships that have a register are <c>risk:partnerships</c>. (The partnership
/// copy, <c>risk:{p}:partnership</c>, is kept by the building blocks' <c>KnownPartnershipStore</c>.)
/// It stores what the commands give it; it decides no rule and no event.
/// </summary>
public sealed class RiskStore(AggregateWriter writer, RedisKeys keys, AuditLog audit)
{
    private IDatabase Db => writer.Database;

    public async Task<IReadOnlyList<string>> ListPartnershipsAsync() =>
        (await Db.SetMembersAsync(keys.Global("partnerships"))).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();

    // The matrix
    public Task<Versioned<RiskMatrix>?> GetStoredMatrixAsync(string partnershipId) => writer.ReadAsync<RiskMatrix>(MatrixKey(partnershipId));

    /// <summary>The partnership's matrix, or the default council 6×4 matrix when none has been loaded.</summary>
    public async Task<RiskMatrix> GetMatrixAsync(string partnershipId) => (await GetStoredMatrixAsync(partnershipId))?.Value ?? RiskMatrix.CouncilDefault;

    public async Task<long?> SaveMatrixAsync(string partnershipId, RiskMatrix matrix, long expectedVersion, AuditEntry auditEntry)
    {
        var version = await writer.SaveAsync(partnershipId, MatrixKey(partnershipId), matrix, expectedVersion, auditEntry, []);
        if (version is not null) await Db.SetAddAsync(keys.Global("partnerships"), partnershipId);
        return version;
    }

    // Risks
    public Task<long> NextRiskIdAsync(string partnershipId) => Db.StringIncrementAsync(keys.For(partnershipId, "risk-seq"));

    public Task<Versioned<RiskEntry>?> GetRiskAsync(string partnershipId, long id) => writer.ReadAsync<RiskEntry>(RiskKey(partnershipId, id));

    public async Task<IReadOnlyList<Versioned<RiskEntry>>> ListRisksAsync(string partnershipId)
    {
        var ids = await Db.SortedSetRangeByRankAsync(keys.For(partnershipId, "risks"));
        return await writer.ReadManyAsync<RiskEntry>(ids.Select(id => RiskKey(partnershipId, (long)id)));
    }

    /// <summary>Stores a risk with its index entries: the risk list, the action → risks reverse index for its mitigations,
    /// and (demo data) its seed reference, all in the same transaction as the risk, its events and audit entry.</summary>
    /// <param name="seedRef">The demo record the risk was loaded from: nothing is written if it has been loaded already.</param>
    /// <param name="unlessCompleted">Actions whose completion must not have been recorded meanwhile (a new open mitigation):
    /// if one has, nothing is written and the caller re-reads.</param>
    public async Task<long?> SaveRiskAsync(RiskEntry risk, long expectedVersion, AuditEntry auditEntry, IReadOnlyCollection<PendingEvent> events,
        string? seedRef = null, IReadOnlyCollection<long>? unlessCompleted = null)
    {
        var version = await writer.SaveAsync(risk.PartnershipId, RiskKey(risk.PartnershipId, risk.Id), risk, expectedVersion, auditEntry, events, tx =>
        {
            foreach (var actionId in unlessCompleted ?? []) tx.AddCondition(Condition.HashNotExists(CompletedActionsKey(risk.PartnershipId), actionId));
            _ = tx.SortedSetAddAsync(keys.For(risk.PartnershipId, "risks"), risk.Id, risk.Id);
            foreach (var m in risk.Mitigations) _ = tx.SetAddAsync(ActionRisksKey(risk.PartnershipId, m.ActionId), risk.Id);
            if (seedRef is not null)
            {
                tx.AddCondition(Condition.HashNotExists(SeedRefsKey(risk.PartnershipId), seedRef));
                _ = tx.HashSetAsync(SeedRefsKey(risk.PartnershipId), seedRef, risk.Id);
            }
        });
        if (version is not null && expectedVersion == 0) await Db.SetAddAsync(keys.Global("partnerships"), risk.PartnershipId);
        return version;
    }

    /// <summary>Records that an action was completed (from <c>action.completed</c>), whether or not it is linked yet, so that
    /// a link made at the same moment cannot miss it.</summary>
    public Task RecordActionCompletedAsync(string partnershipId, long actionId, DateTimeOffset completedAt) =>
        Db.HashSetAsync(CompletedActionsKey(partnershipId), actionId, completedAt.ToString("O"), When.NotExists);

    /// <summary>When the action's completion was recorded, if it was.</summary>
    public async Task<DateTimeOffset?> ActionCompletedAtAsync(string partnershipId, long actionId)
    {
        var value = await Db.HashGetAsync(CompletedActionsKey(partnershipId), actionId);
        return value.IsNull ? null : DateTimeOffset.Parse((string)value!, CultureInfo.InvariantCulture);
    }

    /// <summary>The risks an action mitigates (reverse index), so a completed action finds its risks without a scan.</summary>
    public async Task<IReadOnlyList<long>> RisksMitigatedByAsync(string partnershipId, long actionId) =>
        (await Db.SetMembersAsync(ActionRisksKey(partnershipId, actionId))).Select(v => (long)v).Order().ToList();

    /// <summary>The id of the risk loaded from a demo record, if it has been loaded.</summary>
    public async Task<long?> GetSeededRiskIdAsync(string partnershipId, string seedRef)
    {
        var value = await Db.HashGetAsync(SeedRefsKey(partnershipId), seedRef);
        return value.IsNull ? null : (long)value;
    }

    /// <summary>The audit trail of one risk, newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> ReadRiskAuditAsync(string partnershipId, long id) => audit.ReadEntityAsync(Db, partnershipId, "risk", id);

    private string MatrixKey(string p) => keys.For(p, "matrix");
    private string RiskKey(string p, long id) => keys.For(p, "risk", id.ToString(CultureInfo.InvariantCulture));
    private string ActionRisksKey(string p, long actionId) => keys.For(p, "action-risks", actionId.ToString(CultureInfo.InvariantCulture));
    private string CompletedActionsKey(string p) => keys.For(p, "completed-actions");
    private string SeedRefsKey(string p) => keys.For(p, "seed-refs");
}
