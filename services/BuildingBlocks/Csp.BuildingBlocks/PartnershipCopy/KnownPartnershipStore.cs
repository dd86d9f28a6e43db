using System.Globalization;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Partnerships;
using Csp.BuildingBlocks.Redis;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.PartnershipCopy;

/// <summary>
/// Where a service keeps its partnership copies: <c>{service}:{{p}}:partnership</c> (a versioned document in the
/// partnership's slot, written with its audit entry in one transaction), the set of partnerships it has a copy of,
/// <c>{service}:known-partnerships</c>, and the bootstrap marker <c>{service}:partnership-copy</c> (a hash: when the last
/// full copy from the owner completed and how many partnerships it held). The set and the marker are global keys, each
/// written by a command of its own, never in the partnership's transaction.
/// </summary>
public sealed class KnownPartnershipStore(AggregateWriter writer, RedisKeys keys)
{
    private IDatabase Db => writer.Database;

    public string MarkerKey => keys.Global("partnership-copy");
    public string IndexKey => keys.Global("known-partnerships");
    public string CopyKey(string partnershipId) => keys.For(partnershipId, "partnership");

    public Task<Versioned<KnownPartnership>?> GetAsync(string partnershipId) => writer.ReadAsync<KnownPartnership>(CopyKey(partnershipId));

    public async Task<long?> SaveAsync(KnownPartnership partnership, long expectedVersion, AuditEntry auditEntry)
    {
        var version = await writer.SaveAsync(partnership.Id, CopyKey(partnership.Id), partnership, expectedVersion, auditEntry, []);
        if (version is not null) await Db.SetAddAsync(IndexKey, partnership.Id);
        return version;
    }

    /// <summary>How many partnerships this service has a copy of.</summary>
    public Task<long> CountAsync() => Db.SetLengthAsync(IndexKey);

    /// <summary>The last completed full copy: how many partnerships the owner listed then; null if none completed.</summary>
    public async Task<long?> CompletedCountAsync()
    {
        var count = await Db.HashGetAsync(MarkerKey, "count");
        return count.IsNull ? null : (long)count;
    }

    public Task MarkCompletedAsync(long count, DateTimeOffset at) =>
        Db.HashSetAsync(MarkerKey, [new HashEntry("count", count), new HashEntry("completedAt", at.ToString("O", CultureInfo.InvariantCulture))]);
}
