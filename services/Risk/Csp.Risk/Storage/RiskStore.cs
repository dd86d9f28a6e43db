using System.Globalization;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Domain;
using StackExchange.Redis;

namespace Csp.Risk.Storage;

/// <summary>
/// Redis storage for the risk register. Keys (all under the partnership's hash tag): <c>risk:{p}:matrix</c> (absent = the default council matrix),
/// <c>risk:{p}:risk:{id}</c> + sorted set <c>risks</c> + counter <c>risk-seq</c>, the risk's assessment history
/// <c>risk:{p}:risk:{id}:assessments</c> (a sorted set of assessments scored by when they were made, written in the same
/// transaction as the risk), the reverse index <c>risk:{p}:action-risks:{actionId}</c> (set of risk ids an action
/// mitigates), <c>risk:{p}:completed-actions</c>, <c>risk:{p}:seed-refs</c> (demo data), the list indexes <c>risk:{p}:ix:*</c> (RiskStore.Indexes.cs). The partnerships that have a
/// register are <c>risk:partnerships</c> (another slot: written before the transaction, see docs/architecture.md). (The
/// partnership copy, <c>risk:{p}:partnership</c>, is kept by the building blocks' <c>KnownPartnershipStore</c>.)
/// It stores what the commands give it; it decides no rule and no event.
/// </summary>
public sealed partial class RiskStore(AggregateWriter writer, RedisKeys keys, AuditLog audit, ReplicaIdentity replica, ILogger<RiskStore> logger,
    Microsoft.Extensions.Options.IOptions<RiskListOptions> listOptions)
{
    private IDatabase Db => writer.Database;

    public async Task<IReadOnlyList<string>> ListPartnershipsAsync() =>
        (await Db.SetMembersAsync(keys.Global("partnerships"))).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();

    // The matrix
    public Task<Versioned<RiskMatrix>?> GetStoredMatrixAsync(string partnershipId) => writer.ReadAsync<RiskMatrix>(MatrixKey(partnershipId));

    /// <summary>The partnership's matrix, or the default council 6×4 matrix when none has been loaded.</summary>
    public async Task<RiskMatrix> GetMatrixAsync(string partnershipId) => (await GetStoredMatrixAsync(partnershipId))?.Value ?? RiskMatrix.CouncilDefault;

    public async Task<long?> SaveMatrixAsync(string partnershipId, RiskMatrix matrix, long expectedVersion, AuditEntry auditEntry, IdempotentReply? reply = null)
    {
        await RegisterPartnershipAsync(partnershipId);
        return await writer.SaveAsync(partnershipId, MatrixKey(partnershipId), matrix, expectedVersion, auditEntry, [], reply: reply);
    }

    // Risks
    public Task<long> NextRiskIdAsync(string partnershipId) => Db.StringIncrementAsync(keys.For(partnershipId, "risk-seq"));

    public async Task<Versioned<RiskEntry>?> GetRiskAsync(string partnershipId, long id)
    {
        var key = RiskKey(partnershipId, id);
        return await VersionedDocument.ReadJsonAsync(Db, key) is { } stored ? await LoadAsync(key, stored) : null;
    }

    public async Task<IReadOnlyList<Versioned<RiskEntry>>> ListRisksAsync(string partnershipId)
    {
        var ids = await Db.SortedSetRangeByRankAsync(keys.For(partnershipId, "risks"));
        return await ReadRisksAsync(ids.Select(id => RiskKey(partnershipId, (long)id)));
    }

    /// <summary>Risks by key in one round trip (older formats migrated as they are read); missing and unreadable ones left out.</summary>
    private async Task<IReadOnlyList<Versioned<RiskEntry>>> ReadRisksAsync(IEnumerable<string> riskKeys)
    {
        var stored = await writer.ReadManyJsonAsync(riskKeys);
        var risks = new List<Versioned<RiskEntry>>(stored.Count);
        foreach (var (key, json) in stored)
        {
            try
            {
                if (await LoadAsync(key, json) is { } risk) risks.Add(risk);
            }
            catch (UnreadableRecordException ex)
            {
                // One bad record does not stop the list or a scan: skipped, logged with its key, counted.
                UnreadableRecords.Report(logger, keys.Service, ex);
            }
        }
        return risks;
    }

    /// <summary>Stores a risk with its index entries: the risk list, the new assessments appended to its history, the action →
    /// risks reverse index for its mitigations, and (demo data) its seed reference, all in the same transaction as the risk,
    /// its events, audit entry and idempotency reply.</summary>
    /// <param name="newAssessments">Assessments this change adds (a new risk's first, a reassessment's new one).</param>
    /// <param name="seedRef">The demo record the risk was loaded from: nothing is written if it has been loaded already.</param>
    /// <param name="before">The risk as the writer read it, so index entries it no longer has are removed in the same transaction.</param>
    /// <param name="unlessCompleted">Actions whose completion must not have been recorded meanwhile (a new open mitigation):
    /// if one has, nothing is written and the caller re-reads.</param>
    public async Task<long?> SaveRiskAsync(RiskEntry risk, long expectedVersion, AuditEntry auditEntry, IReadOnlyCollection<PendingEvent> events,
        IReadOnlyCollection<Assessment>? newAssessments = null, string? seedRef = null, IReadOnlyCollection<long>? unlessCompleted = null,
        IdempotentReply? reply = null, RiskEntry? before = null)
    {
        if (expectedVersion == 0) await RegisterPartnershipAsync(risk.PartnershipId);
        // The first risk of a partnership with none: its indexes are complete from this write on (every write keeps them),
        // so it marks them built, and no list ever has to build them (a read that writes). A partnership that already has
        // risks without the marker holds risks stored before the indexes; its first list builds them once.
        var firstRisk = expectedVersion == 0 && await Db.SortedSetLengthAsync(keys.For(risk.PartnershipId, "risks")) == 0;
        var key = RiskKey(risk.PartnershipId, risk.Id);
        return await writer.SaveAsync(risk.PartnershipId, key, risk, expectedVersion, auditEntry, events, tx =>
        {
            foreach (var actionId in unlessCompleted ?? []) tx.AddCondition(WriteCondition.HashNotExists(CompletedActionsKey(risk.PartnershipId), actionId));
            tx.SortedSetAdd(keys.For(risk.PartnershipId, "risks"), risk.Id, risk.Id);
            WriteIndexes(tx, before, risk, isNew: expectedVersion == 0);
            if (firstRisk) MarkIndexed(tx, risk.PartnershipId);
            if (newAssessments is { Count: > 0 }) AppendHistory(tx, key, newAssessments);
            foreach (var m in risk.Mitigations) tx.SetAdd(ActionRisksKey(risk.PartnershipId, m.ActionId), risk.Id);
            if (seedRef is not null)
            {
                tx.AddCondition(WriteCondition.HashNotExists(SeedRefsKey(risk.PartnershipId), seedRef));
                tx.HashSet(SeedRefsKey(risk.PartnershipId), seedRef, risk.Id);
            }
        }, reply);
    }

    /// <summary>A page of the risk's assessments, oldest first, and how many there are.</summary>
    public async Task<(IReadOnlyList<Assessment> Items, long Total)> GetAssessmentsAsync(string partnershipId, long id, int skip, int take)
    {
        var key = HistoryKey(RiskKey(partnershipId, id));
        var batch = Db.CreateBatch();
        var page = batch.SortedSetRangeByRankAsync(key, skip, skip + take - 1);
        var total = batch.SortedSetLengthAsync(key);
        batch.Execute();
        return ((await page).Select(v => StorageJson.Deserialize<Assessment>((string)v!)).ToList(), await total);
    }

    /// <summary>For each risk, the newest assessment made at or before <paramref name="instant"/> (risks with none are left
    /// out): one look-up per risk in its history, all in one round trip.</summary>
    public async Task<IReadOnlyDictionary<long, Assessment>> AssessmentsInForceAsync(string partnershipId, IEnumerable<long> riskIds, DateTimeOffset instant)
    {
        var batch = Db.CreateBatch();
        var reads = riskIds.Select(id => (Id: id, Read: batch.SortedSetRangeByScoreAsync(HistoryKey(RiskKey(partnershipId, id)),
            double.NegativeInfinity, instant.ToUnixTimeMilliseconds(), Exclude.None, Order.Descending, 0, 1))).ToList();
        batch.Execute();
        await Task.WhenAll(reads.Select(r => r.Read));
        return reads.Where(r => r.Read.Result.Length > 0)
            .ToDictionary(r => r.Id, r => StorageJson.Deserialize<Assessment>((string)r.Read.Result[0]!));
    }

    /// <summary>Records that an action was completed (from <c>action.completed</c>), whether or not it is linked yet, so that
    /// a link made at the same moment cannot miss it. A write of its own, before the risks change: it must precede them (a
    /// link saved after it sees it), and writing it twice changes nothing.</summary>
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

    /// <summary>
    /// A stored risk, in the current format. A risk stored with its history inside (format 1, see <see cref="StoredRisk"/>)
    /// is migrated the first time it is read: its history is written beside it and the document rewritten without it, in
    /// one transaction that keeps its version (same content, same ETag) and holds only if no write came first. If one did,
    /// that writer read (and so migrated) it before writing, and the risk is read again.
    /// </summary>
    private async Task<Versioned<RiskEntry>?> LoadAsync(string key, Versioned<string> stored)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // One parse for a current document: it always counts its assessments (one or more); only a document without
            // that count (format 1, which held the history inside) is parsed again to be upgraded. (Every read used to
            // parse each document twice, once to look for the old format, which made a page of risks dearer than one of actions.)
            var current = VersionedDocument.Deserialize<RiskEntry>(key, stored.Value);
            if (current.AssessmentCount > 0 || Upgrade(key, stored.Value) is not { } upgraded) return new(current, stored.Version);
            var tx = new RedisWrite();
            VersionedDocument.Rewrite(tx, key, upgraded.Json, stored.Version);
            AppendHistory(tx, key, upgraded.History);
            if (await writer.TryWriteAsync(tx))
            {
                logger.LogInformation("Risk {Key} migrated: {Count} assessments moved beside it", key, upgraded.History.Count);
                return new(VersionedDocument.Deserialize<RiskEntry>(key, upgraded.Json), stored.Version);
            }
            if (await VersionedDocument.ReadJsonAsync(Db, key) is not { } again) return null;
            stored = again;
        }
        throw new InvalidOperationException($"Risk {key} kept changing while it was being migrated.");
    }

    private static StoredRisk.Upgraded? Upgrade(string key, string json)
    {
        try
        {
            return StoredRisk.Upgrade(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new UnreadableRecordException(key, nameof(RiskEntry), ex);
        }
    }

    /// <summary>Adding the same assessment twice changes nothing (same member, same score).</summary>
    private static void AppendHistory(RedisWrite tx, string riskKey, IEnumerable<Assessment> assessments) =>
        tx.SortedSetAdd(HistoryKey(riskKey),
            assessments.Select(a => new SortedSetEntry(StorageJson.Serialize(a), a.At.ToUnixTimeMilliseconds())).ToArray());

    /// <summary>The list of partnerships with a register lives outside any partnership's slot, so it cannot join a
    /// partnership's transaction: it is written first (adding twice is harmless), and readers tolerate a partnership
    /// whose first write did not commit (no matrix, no risks: counted as an empty register).</summary>
    private Task RegisterPartnershipAsync(string partnershipId) => Db.SetAddAsync(keys.Global("partnerships"), partnershipId);

    private static string HistoryKey(string riskKey) => $"{riskKey}:assessments";
    private string MatrixKey(string p) => keys.For(p, "matrix");
    private string RiskKey(string p, long id) => keys.For(p, "risk", id.ToString(CultureInfo.InvariantCulture));
    private string ActionRisksKey(string p, long actionId) => keys.For(p, "action-risks", actionId.ToString(CultureInfo.InvariantCulture));
    private string CompletedActionsKey(string p) => keys.For(p, "completed-actions");
    private string SeedRefsKey(string p) => keys.For(p, "seed-refs");
}
