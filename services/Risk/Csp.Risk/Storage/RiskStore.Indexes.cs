using System.Globalization;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Domain;
using StackExchange.Redis;

namespace Csp.Risk.Storage;

/// <summary><c>Risk:ListMode</c>: <c>Index</c> (the default) or <c>Scan</c>, the path before the indexes (every risk read
/// and filtered), kept only so the benchmark can measure both in one run.</summary>
public sealed class RiskListOptions
{
    public const string Key = "Risk:ListMode";
    public bool Scan { get; set; }
}

/// <summary>
/// The register list's indexes (under the partnership's hash tag, written in each risk's own transaction): sorted sets
/// scored by risk id, one per filter value: <c>risk:{p}:ix:register:{slug}</c>, <c>ix:band:{band}</c> (the current
/// rating's band, as stored with the rating), <c>ix:status:{Open|Closed}</c>. <c>ix:built</c> says they hold every risk of
/// the partnership; a partnership without it (risks stored before the indexes, or none yet) is indexed once on its first
/// list, under a lease. A query is one script (intersect, count, the page's ids), then the page's documents.
/// </summary>
public sealed partial class RiskStore
{
    private const string IndexFormat = "1";

    /// <summary>The risks matching <paramref name="filter"/>, by id, <paramref name="take"/> of them from
    /// <paramref name="skip"/> (all with <c>null</c>), and how many match. The indexes narrow, the domain's
    /// <see cref="RiskFilter.Matches"/> confirms each document read (one changed between the two reads is left out).</summary>
    public async Task<(IReadOnlyList<Versioned<RiskEntry>> Items, int Total)> QueryRisksAsync(string partnershipId, RiskFilter filter, int skip, int? take)
    {
        if (!listOptions.Value.Scan)
        {
            if (await QueryIndexesAsync(partnershipId, filter, skip, take) is { } page) return page;
            // No marker and no risks: nothing to index, and a list must not write (the first risk saved marks them built).
            if (await Db.SortedSetLengthAsync(keys.For(partnershipId, "risks")) == 0) return ([], 0);
            if (await RebuildIndexesAsync(partnershipId) && await QueryIndexesAsync(partnershipId, filter, skip, take) is { } rebuilt) return rebuilt;
        }
        // The old path (the benchmark's Risk:ListMode=Scan), or another replica is building the indexes: read every risk.
        var matching = (await ListRisksAsync(partnershipId)).Where(r => filter.Matches(r.Value)).OrderBy(r => r.Value.Id).ToList();
        return (matching.Skip(skip).Take(take ?? int.MaxValue).ToList(), matching.Count);
    }

    private async Task<(IReadOnlyList<Versioned<RiskEntry>> Items, int Total)?> QueryIndexesAsync(string p, RiskFilter filter, int skip, int? take)
    {
        var filters = new List<RedisKey>();
        if (filter.Register is { } register) filters.Add(IndexKey(p, "register", register));
        if (filter.Band is { } band) filters.Add(IndexKey(p, "band", band));
        if (filter.Status != RiskStatusFilter.All)
            filters.Add(IndexKey(p, "status", (filter.Status == RiskStatusFilter.Open ? RiskStatus.Open : RiskStatus.Closed).ToString()));
        if (await new IndexQuery(IndexKey(p, "built"), IndexFormat, keys.For(p, "risks"), IndexKey(p, "scratch"), IndexKey(p, "scratch:b"),
                filters, skip, take is { } t ? (long)skip + t - 1 : -1).RunAsync(Db) is not { } found) return null;
        var (total, ids) = found;
        var risks = await ReadRisksAsync(ids.Select(id => RiskKey(p, id)));
        return (risks.Where(r => filter.Matches(r.Value)).OrderBy(r => r.Value.Id).ToList(), total);
    }

    /// <summary>Builds the indexes of a partnership whose risks were stored before they existed (or that has none yet).
    /// Idempotent: each risk's entries in a transaction conditional on the version read (a risk saved meanwhile was indexed
    /// by its own write), the marker last. Under a lease; false when another replica holds it.</summary>
    public async Task<bool> RebuildIndexesAsync(string partnershipId)
    {
        var written = await IndexRebuild.RunAsync<RiskEntry>(writer, IndexKey(partnershipId, "rebuild-lease"), replica.Name, IndexKey(partnershipId, "built"),
            IndexFormat, () => ListRisksAsync(partnershipId), r => RiskKey(partnershipId, r.Id), (w, r) => WriteIndexes(w, null, r, isNew: false));
        if (written is null) return false;
        logger.LogInformation("Risk indexes of {PartnershipId} built: {Written} risks written (others were saved meanwhile)", partnershipId, written);
        return true;
    }

    /// <summary>A risk's index entries, in its own transaction: out of the sets of values it no longer has
    /// (<paramref name="before"/> is the state the writer read), into those it has. Without <paramref name="before"/> (and not
    /// new) it is taken out of the other status's set, and its register and band are taken as unchanged.</summary>
    private void WriteIndexes(RedisWrite tx, RiskEntry? before, RiskEntry after, bool isNew)
    {
        var p = after.PartnershipId;
        if (before is null && !isNew)
            foreach (var status in Enum.GetValues<RiskStatus>().Where(s => s != after.Status))
                tx.SortedSetRemove(IndexKey(p, "status", status.ToString()), after.Id);
        FilterIndexes.Move(tx, (field, value) => IndexKey(p, field, value), before is null ? null : IndexEntries(before), IndexEntries(after).ToList(), after.Id);
    }

    private static IEnumerable<(string Field, string Value)> IndexEntries(RiskEntry risk)
    {
        yield return ("register", risk.Register);
        yield return ("band", risk.Current.Band);
        yield return ("status", risk.Status.ToString());
    }

    private void MarkIndexed(RedisWrite write, string partnershipId) => write.StringSet(IndexKey(partnershipId, "built"), IndexFormat);

    private string IndexKey(string p, string name) => keys.For(p, "ix", name);
    private string IndexKey(string p, string field, string value) => keys.For(p, "ix", $"{field}:{value}");
}
