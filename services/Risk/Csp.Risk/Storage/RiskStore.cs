using System.Globalization;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Domain;
using StackExchange.Redis;
using Csp.BuildingBlocks.Http;

namespace Csp.Risk.Storage;

/// <summary>
/// Redis storage for the risk register. Keys (all under the partnership's hash tag): <c>risk:{p}:matrix</c> (absent = the
/// default council matrix), <c>risk:{p}:risk:{id}</c> + sorted set <c>risks</c> + counter <c>risk-seq</c>, the reverse
/// index <c>risk:{p}:action-risks:{actionId}</c> (set of risk ids a completed action mitigates), <c>risk:{p}:seed-refs</c>
/// (demo data). The partnerships that have a register are <c>risk:partnerships</c>.
/// </summary>
public sealed class RiskStore(AggregateWriter writer, RedisKeys keys)
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = ApiJson.Options;
    private IDatabase Db => writer.Database;

    public async Task<IReadOnlyList<string>> ListPartnershipsAsync() =>
        (await Db.SetMembersAsync(keys.Global("partnerships"))).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();

    // The partnership as known from the action-plan service's partnership.changed events
    public Task<Versioned<KnownPartnership>?> GetKnownPartnershipAsync(string partnershipId) =>
        VersionedDocument.ReadAsync<KnownPartnership>(Db, keys.For(partnershipId, "partnership"), Json);

    public Task<long?> SaveKnownPartnershipAsync(KnownPartnership partnership, long expectedVersion, AuditEntry audit) =>
        writer.SaveAsync(partnership.Id, keys.For(partnership.Id, "partnership"), partnership, expectedVersion, Json, audit, []);

    // The matrix
    public Task<Versioned<RiskMatrix>?> GetStoredMatrixAsync(string partnershipId) => VersionedDocument.ReadAsync<RiskMatrix>(Db, MatrixKey(partnershipId), Json);

    /// <summary>The partnership's matrix, or the default council 6×4 matrix when none has been loaded.</summary>
    public async Task<RiskMatrix> GetMatrixAsync(string partnershipId) => (await GetStoredMatrixAsync(partnershipId))?.Value ?? RiskMatrix.CouncilDefault;

    public async Task<long?> SaveMatrixAsync(string partnershipId, RiskMatrix matrix, long expectedVersion, AuditEntry audit)
    {
        var version = await writer.SaveAsync(partnershipId, MatrixKey(partnershipId), matrix, expectedVersion, Json, audit, []);
        if (version is not null) await Db.SetAddAsync(keys.Global("partnerships"), partnershipId);
        return version;
    }

    // Risks
    public Task<long> NextRiskIdAsync(string partnershipId) => Db.StringIncrementAsync(keys.For(partnershipId, "risk-seq"));

    public Task<Versioned<RiskEntry>?> GetRiskAsync(string partnershipId, long id) => VersionedDocument.ReadAsync<RiskEntry>(Db, RiskKey(partnershipId, id), Json);

    public async Task<IReadOnlyList<Versioned<RiskEntry>>> ListRisksAsync(string partnershipId)
    {
        var ids = await Db.SortedSetRangeByRankAsync(keys.For(partnershipId, "risks"));
        return await writer.ReadManyAsync<RiskEntry>(ids.Select(id => RiskKey(partnershipId, (long)id)), Json);
    }

    /// <summary>Stores a risk with its index entries: the risk list, the action → risks reverse index for its mitigations,
    /// and (demo data) its seed reference, all in the same transaction as the risk, its events and audit entry.</summary>
    /// <param name="unlessCompleted">Actions whose completion must not have been recorded meanwhile (a new open mitigation):
    /// if one has, nothing is written and the caller re-reads.</param>
    public async Task<long?> SaveRiskAsync(RiskEntry risk, long expectedVersion, AuditEntry audit, IReadOnlyCollection<PendingEvent> events, string? seedRef = null,
        IReadOnlyCollection<long>? unlessCompleted = null)
    {
        var version = await writer.SaveAsync(risk.PartnershipId, RiskKey(risk.PartnershipId, risk.Id), risk, expectedVersion, Json, audit, events, tx =>
        {
            foreach (var actionId in unlessCompleted ?? []) tx.AddCondition(Condition.HashNotExists(CompletedActionsKey(risk.PartnershipId), actionId));
            _ = tx.SortedSetAddAsync(keys.For(risk.PartnershipId, "risks"), risk.Id, risk.Id);
            foreach (var m in risk.Mitigations) _ = tx.SetAddAsync(ActionRisksKey(risk.PartnershipId, m.ActionId), risk.Id);
            if (seedRef is not null) _ = tx.HashSetAsync(keys.For(risk.PartnershipId, "seed-refs"), seedRef, risk.Id);
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

    private string CompletedActionsKey(string partnershipId) => keys.For(partnershipId, "completed-actions");

    /// <summary>The risks an action mitigates (reverse index), so a completed action finds its risks without a scan.</summary>
    public async Task<IReadOnlyList<long>> RisksMitigatedByAsync(string partnershipId, long actionId) =>
        (await Db.SetMembersAsync(ActionRisksKey(partnershipId, actionId))).Select(v => (long)v).Order().ToList();

    public Task<RedisValue> GetSeededRiskIdAsync(string partnershipId, string seedRef) => Db.HashGetAsync(keys.For(partnershipId, "seed-refs"), seedRef);

    private string MatrixKey(string p) => keys.For(p, "matrix");
    private string RiskKey(string p, long id) => keys.For(p, "risk", id.ToString(CultureInfo.InvariantCulture));
    private string ActionRisksKey(string p, long actionId) => keys.For(p, "action-risks", actionId.ToString(CultureInfo.InvariantCulture));
}
