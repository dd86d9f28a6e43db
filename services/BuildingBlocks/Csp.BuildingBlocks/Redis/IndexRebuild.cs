using Csp.BuildingBlocks.Hosting;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// The one-off build of a partnership's list indexes for records stored before the indexes existed (the action list, the
/// risk register). Idempotent: each record's entries are written in one script conditional on the version read (a record
/// saved meanwhile was indexed by its own write), and the "built" marker last. Under a lease, so one replica builds while
/// the others keep answering by reading every record.
/// </summary>
public static class IndexRebuild
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <param name="documentKey">The record's versioned document key (the condition's key).</param>
    /// <param name="writeEntries">Queues the record's index entries.</param>
    /// <returns>How many records' entries were written (the others were saved meanwhile), or null when another replica
    /// holds the lease and nothing was done.</returns>
    public static async Task<int?> RunAsync<T>(AggregateWriter writer, string leaseKey, string owner, string builtKey, string format,
        Func<Task<IReadOnlyList<Versioned<T>>>> readAll, Func<T, string> documentKey, Action<RedisWrite, T> writeEntries)
    {
        var db = writer.Database;
        if (!await RedisLease.HoldAsync(db, leaseKey, owner, Lease)) return null;
        try
        {
            await using (RedisLease.KeepAlive(db, leaseKey, owner, Lease))
            {
                var records = await readAll();
                var writes = records.Select(r =>
                {
                    var write = new RedisWrite();
                    write.AddCondition(WriteCondition.HashEqual(documentKey(r.Value), VersionedDocument.VersionField, r.Version));
                    writeEntries(write, r.Value);
                    return writer.TryWriteAsync(write);
                }).ToList();
                var written = (await Task.WhenAll(writes)).Count(ok => ok);
                await db.StringSetAsync(builtKey, format);
                return written;
            }
        }
        finally
        {
            await RedisLease.ReleaseAsync(db, leaseKey, owner);
        }
    }
}

/// <summary>
/// A record's filter index entries (one sorted set per field and value, scored by the record's id), moved in the record's
/// own write: out of the sets of the values it no longer has, into those it has.
/// </summary>
public static class FilterIndexes
{
    /// <param name="before">The entries of the record as the writer read it; null for a new record (or when the caller
    /// removes stale entries itself).</param>
    public static void Move(RedisWrite write, Func<string, string, string> setKey, IEnumerable<(string Field, string Value)>? before,
        IReadOnlyCollection<(string Field, string Value)> after, long id)
    {
        var now = after.ToHashSet();
        foreach (var (field, value) in (before ?? []).Where(e => !now.Contains(e))) write.SortedSetRemove(setKey(field, value), id);
        foreach (var (field, value) in now) write.SortedSetAdd(setKey(field, value), id, id);
    }
}

