using System.Globalization;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.Funding.Domain;
using StackExchange.Redis;

namespace Csp.Funding.Storage;

/// <summary>
/// Redis storage for funding. It stores what the commands give it; it decides no rule and no event.
/// <para>A funder's records are under the funder's own hash tag, <c>funding:{funder.&lt;f&gt;}:...</c> (a partnership id is a
/// slug and never contains a dot, so the two never meet): <c>funder</c> (the funder), <c>programme:{id}</c> + set
/// <c>programmes</c>, and <c>programme:{id}:partnerships</c>, the partnerships holding an allocation of the programme
/// (the PCC's overview reads it). The list of funders is <c>funding:funders</c>.</para>
/// <para>A partnership's records are under its tag, <c>funding:{p}:...</c>: <c>allocation:{programmeId}</c> + set
/// <c>allocations</c>, and <c>allocations:by-year</c>, the same ids scored by their financial year's first calendar year
/// (written when the allocation is created: its year never changes), complete once <c>allocations:by-year:built</c> is set; its summary for the funder's view <c>allocation:{id}:summary</c> (rewritten in every transaction of the
/// allocation); its spend entries <c>allocation:{id}:spend</c> (a list, appended in the allocation's transaction,
/// read a page at a time); <c>action-allocations:{actionId}</c> (the allocations whose projects deliver an action, so an
/// action event finds them without a scan); <c>completed-actions</c>. The partnerships with funding are
/// <c>funding:partnerships</c>. (The partnership copy, <c>funding:{p}:partnership</c>, is the building blocks'.)</para>
/// <para>Writes across slots (docs/architecture.md): the funder's index of a programme's partnerships and the global sets
/// are written <i>before</i> the partnership's transaction, idempotently, and their readers skip members without an
/// allocation document.</para>
/// </summary>
public sealed class FundingStore(AggregateWriter writer, RedisKeys keys, AuditLog audit)
{
    private IDatabase Db => writer.Database;

    /// <summary>The hash tag of a funder's records (<c>funder.kent-pcc</c>); used as the "partition" of its writes and audit trail.</summary>
    public static string FunderPartition(string funderId) => "funder." + funderId;

    // Funders and programmes

    public Task<Versioned<Funder>?> GetFunderAsync(string funderId) => writer.ReadAsync<Funder>(FunderKey(funderId));

    public async Task<IReadOnlyList<Funder>> ListFundersAsync()
    {
        var ids = (await Db.SetMembersAsync(keys.Global("funders"))).Select(v => (string)v!).Order(StringComparer.Ordinal);
        return (await writer.ReadManyAsync<Funder>(ids.Select(FunderKey))).Select(f => f.Value).ToList();
    }

    public async Task<long?> SaveFunderAsync(Funder funder, long expectedVersion, AuditEntry entry)
    {
        await Db.SetAddAsync(keys.Global("funders"), funder.Id);
        return await writer.SaveAsync(FunderPartition(funder.Id), FunderKey(funder.Id), funder, expectedVersion, entry, []);
    }

    public Task<Versioned<Programme>?> GetProgrammeAsync(string funderId, string programmeId) => writer.ReadAsync<Programme>(ProgrammeKey(funderId, programmeId));

    public async Task<IReadOnlyList<Versioned<Programme>>> ListProgrammesAsync(string funderId)
    {
        var ids = (await Db.SetMembersAsync(keys.For(FunderPartition(funderId), "programmes"))).Select(v => (string)v!).Order(StringComparer.Ordinal);
        return await writer.ReadManyAsync<Programme>(ids.Select(id => ProgrammeKey(funderId, id)));
    }

    /// <summary>Programme ids are unique across funders (an allocation is keyed by its programme's id): <c>funding:programme-funders</c>
    /// maps each to its funder, claimed first (HSETNX, idempotent for the same funder).</summary>
    public async Task<bool> ClaimProgrammeIdAsync(string programmeId, string funderId)
    {
        await Db.HashSetAsync(keys.Global("programme-funders"), programmeId, funderId, When.NotExists);
        return (string?)await Db.HashGetAsync(keys.Global("programme-funders"), programmeId) == funderId;
    }

    public async Task<string?> FunderOfProgrammeAsync(string programmeId) => await Db.HashGetAsync(keys.Global("programme-funders"), programmeId);

    public Task<long?> SaveProgrammeAsync(Programme programme, long expectedVersion, AuditEntry entry, IdempotentReply? reply = null) =>
        writer.SaveAsync(FunderPartition(programme.FunderId), ProgrammeKey(programme.FunderId, programme.Id), programme, expectedVersion, entry, [],
            w => w.SetAdd(keys.For(FunderPartition(programme.FunderId), "programmes"), programme.Id), reply);

    // Allocations

    public async Task<IReadOnlyList<string>> ListPartnershipsAsync() =>
        (await Db.SetMembersAsync(keys.Global("partnerships"))).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();

    public Task<Versioned<Allocation>?> GetAllocationAsync(string partnershipId, string allocationId) => writer.ReadAsync<Allocation>(AllocationKey(partnershipId, allocationId));

    public async Task<IReadOnlyList<Versioned<Allocation>>> ListAllocationsAsync(string partnershipId)
    {
        var ids = (await Db.SetMembersAsync(keys.For(partnershipId, "allocations"))).Select(v => (string)v!).Order(StringComparer.Ordinal);
        return await writer.ReadManyAsync<Allocation>(ids.Select(id => AllocationKey(partnershipId, id)));
    }

    /// <summary>
    /// The partnership's allocations of one financial year, read from the year index: only that year's documents, however
    /// many years the partnership has. A partnership whose allocations were stored before the index is indexed on its first
    /// such read (each allocation's immutable year, added idempotently, then the marker; an allocation created meanwhile
    /// adds itself), and answered after that.
    /// </summary>
    public async Task<IReadOnlyList<Versioned<Allocation>>> ListAllocationsAsync(string partnershipId, FinancialYear year)
    {
        for (var attempt = 0; ; attempt++)
        {
            var tx = Db.CreateTransaction();
            tx.AddCondition(Condition.StringEqual(ByYearBuiltKey(partnershipId), "1"));
            var ids = tx.SortedSetRangeByScoreAsync(ByYearKey(partnershipId), year.StartYear, year.StartYear);
            if (await tx.ExecuteAsync())
            {
                var found = await writer.ReadManyAsync<Allocation>((await ids).Select(id => AllocationKey(partnershipId, (string)id!)));
                return found.OrderBy(a => a.Value.Id, StringComparer.Ordinal).ToList();
            }
            if (attempt > 0) throw new InvalidOperationException($"The year index of {partnershipId}'s allocations was not built.");
            var all = await ListAllocationsAsync(partnershipId);
            var build = Db.CreateBatch();
            var adds = all.Select(a => build.SortedSetAddAsync(ByYearKey(partnershipId), a.Value.Id, a.Value.Year.StartYear)).ToList();
            build.Execute();
            await Task.WhenAll(adds);
            await Db.StringSetAsync(ByYearBuiltKey(partnershipId), "1");
        }
    }

    /// <summary>Every partnership's allocation of one programme: the funder's index, then every allocation in one pipelined
    /// round trip (one read per partnership, no scan of their records). Index members without an allocation (a first write
    /// that did not commit) are skipped.</summary>
    public async Task<IReadOnlyList<Versioned<Allocation>>> ListProgrammeAllocationsAsync(string funderId, string programmeId)
    {
        var partnerships = await Db.SetMembersAsync(ProgrammePartnershipsKey(funderId, programmeId));
        return await writer.ReadManyAsync<Allocation>(partnerships.Select(p => AllocationKey((string)p!, programmeId)));
    }

    /// <summary>Every partnership's summary of one programme's allocation (<see cref="AllocationSummary"/>, written with each
    /// change to the allocation): the funder's index, then every summary in one pipelined round trip, one small read per
    /// partnership. Index members without a summary (a first write that did not commit) are skipped.</summary>
    public async Task<IReadOnlyList<AllocationSummary>> ListProgrammeSummariesAsync(string funderId, string programmeId)
    {
        var partnerships = await Db.SetMembersAsync(ProgrammePartnershipsKey(funderId, programmeId));
        var batch = Db.CreateBatch();
        var reads = partnerships.Select(p => batch.StringGetAsync(SummaryKey((string)p!, programmeId))).ToList();
        batch.Execute();
        var summaries = new List<AllocationSummary>(reads.Count);
        foreach (var read in reads)
            if (await read is { IsNull: false } json) summaries.Add(StorageJson.Deserialize<AllocationSummary>((string)json!));
        return summaries;
    }

    /// <summary>Stores an allocation: its document, its summary, its place in the partnership's list, the action → allocation index for
    /// its projects' actions and the spend entries this change appends, with its audit entry, events and idempotency reply,
    /// in one transaction in the partnership's slot. A new allocation is first added (idempotently) to the funder's index of
    /// the programme and the list of partnerships with funding.</summary>
    /// <param name="unlessCompleted">Actions whose completion must not have been recorded meanwhile (a new link that says
    /// "not completed"): if one has, nothing is written and the caller reads again.</param>
    public async Task<long?> SaveAllocationAsync(Allocation allocation, long expectedVersion, AuditEntry entry, IReadOnlyCollection<PendingEvent> events,
        IReadOnlyCollection<SpendEntry>? newSpend = null, IReadOnlyCollection<long>? unlessCompleted = null, IdempotentReply? reply = null)
    {
        if (expectedVersion == 0)
        {
            await Db.SetAddAsync(ProgrammePartnershipsKey(allocation.FunderId, allocation.Id), allocation.PartnershipId);
            await Db.SetAddAsync(keys.Global("partnerships"), allocation.PartnershipId);
        }
        var p = allocation.PartnershipId;
        var key = AllocationKey(p, allocation.Id);
        return await writer.SaveAsync(p, key, allocation, expectedVersion, entry, events, tx =>
        {
            foreach (var actionId in unlessCompleted ?? []) tx.AddCondition(WriteCondition.HashNotExists(CompletedActionsKey(p), actionId));
            if (expectedVersion == 0)
            {
                tx.SetAdd(keys.For(p, "allocations"), allocation.Id);
                tx.SortedSetAdd(ByYearKey(p), allocation.Id, allocation.Year.StartYear);
            }
            tx.StringSet(SummaryKey(p, allocation.Id), StorageJson.Serialize(AllocationSummary.Of(allocation)));
            foreach (var actionId in allocation.Projects.SelectMany(x => x.Actions).Select(a => a.ActionId).Distinct())
                tx.SetAdd(ActionAllocationsKey(p, actionId), allocation.Id);
            if (newSpend is { Count: > 0 })
            {
                // The list's length must be what the allocation counted before these entries: entry ids are list positions.
                tx.AddCondition(WriteCondition.ListLengthEqual(SpendKey(p, allocation.Id), allocation.SpendEntries - newSpend.Count));
                tx.ListRightPush(SpendKey(p, allocation.Id), newSpend.Select(s => (RedisValue)StorageJson.Serialize(s)).ToArray());
            }
        }, reply);
    }

    /// <summary>A page of an allocation's spend entries, oldest first (entry <c>n</c> is at position <c>n − 1</c>), and how many there are.</summary>
    public async Task<(IReadOnlyList<SpendEntry> Items, long Total)> GetSpendAsync(string partnershipId, string allocationId, int skip, int take)
    {
        var key = SpendKey(partnershipId, allocationId);
        var batch = Db.CreateBatch();
        var page = batch.ListRangeAsync(key, skip, skip + take - 1);
        var total = batch.ListLengthAsync(key);
        batch.Execute();
        return ((await page).Select(v => StorageJson.Deserialize<SpendEntry>((string)v!)).ToList(), await total);
    }

    /// <summary>One spend entry and what later corrections have taken back from it (corrections are rare: the entries after
    /// it are read to find them).</summary>
    public async Task<(SpendEntry? Entry, Money AlreadyCorrected)> GetSpendEntryAsync(string partnershipId, string allocationId, int entryId)
    {
        var key = SpendKey(partnershipId, allocationId);
        var value = await Db.ListGetByIndexAsync(key, entryId - 1);
        if (value.IsNull) return (null, Money.Zero);
        var later = await Db.ListRangeAsync(key, entryId, -1);
        var corrections = later.Select(v => StorageJson.Deserialize<SpendEntry>((string)v!)).Where(s => s.CorrectsEntryId == entryId).Select(s => s.Amount);
        return (StorageJson.Deserialize<SpendEntry>((string)value!), Money.Sum(corrections));
    }

    /// <summary>The allocations whose projects deliver the action (reverse index).</summary>
    public async Task<IReadOnlyList<string>> AllocationsDeliveringAsync(string partnershipId, long actionId) =>
        (await Db.SetMembersAsync(ActionAllocationsKey(partnershipId, actionId))).Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();

    /// <summary>Records that an action completed (from <c>action.completed</c>) before the allocations change, so a link made at
    /// the same moment cannot miss it. Writing it twice changes nothing.</summary>
    public Task RecordActionCompletedAsync(string partnershipId, long actionId, DateTimeOffset at) =>
        Db.HashSetAsync(CompletedActionsKey(partnershipId), actionId, at.ToString("O"), When.NotExists);

    public Task<bool> IsActionCompletedAsync(string partnershipId, long actionId) => Db.HashExistsAsync(CompletedActionsKey(partnershipId), actionId);

    public Task<IReadOnlyList<AuditEntry>> ReadAllocationAuditAsync(string partnershipId, string allocationId) =>
        audit.ReadEntityAsync(Db, partnershipId, "allocation", allocationId);

    private string FunderKey(string funderId) => keys.For(FunderPartition(funderId), "funder");
    private string ProgrammeKey(string funderId, string id) => keys.For(FunderPartition(funderId), "programme", id);
    private string ProgrammePartnershipsKey(string funderId, string programmeId) => keys.For(FunderPartition(funderId), "programme", programmeId + ":partnerships");
    private string AllocationKey(string p, string id) => keys.For(p, "allocation", id);
    private string ByYearKey(string p) => keys.For(p, "allocations:by-year");
    private string ByYearBuiltKey(string p) => keys.For(p, "allocations:by-year:built");
    private string SpendKey(string p, string id) => keys.For(p, "allocation", id + ":spend");
    private string SummaryKey(string p, string id) => keys.For(p, "allocation", id + ":summary");
    private string ActionAllocationsKey(string p, long actionId) => keys.For(p, "action-allocations", actionId.ToString(CultureInfo.InvariantCulture));
    private string CompletedActionsKey(string p) => keys.For(p, "completed-actions");
}
