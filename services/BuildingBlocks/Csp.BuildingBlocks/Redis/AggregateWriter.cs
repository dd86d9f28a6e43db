using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// Writes one aggregate of a partnership the way every service must: the new version (only if the stored version is the
/// one the writer read), its index entries, the events it causes (into the outbox) and its audit entry, all in one Redis
/// transaction. Either all of it is stored or none of it is. Stores call it; commands decide the events.
/// </summary>
public sealed class AggregateWriter(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    Outbox.Outbox outbox, AuditLog audit, ServiceIdentity service, TimeProvider clock, Microsoft.Extensions.Logging.ILogger<AggregateWriter> logger)
{
    public IDatabase Database => redis.GetDatabase(options.Value.Database);

    /// <returns>The new version, or <c>null</c> when the stored version was not <paramref name="expectedVersion"/> (nothing written).</returns>
    public async Task<long?> SaveAsync<T>(
        string partnershipId, string key, T value, long expectedVersion,
        AuditEntry auditEntry, IReadOnlyCollection<PendingEvent> events, Action<ITransaction>? alsoWrite = null)
    {
        var db = Database;
        if (events.Count > 0) await outbox.RegisterPartitionAsync(partnershipId);
        var tx = db.CreateTransaction();
        var version = VersionedDocument.Write(tx, key, value, expectedVersion);
        alsoWrite?.Invoke(tx);
        foreach (var e in events)
            outbox.Enqueue(tx, partnershipId, e.ToEnvelope(service.EventSource, partnershipId, clock.GetUtcNow()));
        audit.Append(tx, partnershipId, auditEntry);
        if (!await tx.ExecuteAsync()) return null;
        if (events.Count > 0) outbox.Notify();
        return version;
    }

    /// <summary>Reads many versioned documents in one round trip (pipelined). A document that cannot be read is skipped and
    /// reported (<see cref="UnreadableRecords"/>: its key in the log, a counter), so one bad record does not stop a list or a scan.</summary>
    public async Task<IReadOnlyList<Versioned<T>>> ReadManyAsync<T>(IEnumerable<string> keys)
    {
        var batch = Database.CreateBatch();
        var reads = keys.Select(k => VersionedDocument.ReadAsync<T>(batch, k)).ToList();
        batch.Execute();
        var results = new List<Versioned<T>>(reads.Count);
        foreach (var read in reads)
        {
            try
            {
                if (await read is { } found) results.Add(found);
            }
            catch (UnreadableRecordException ex)
            {
                UnreadableRecords.Report(logger, service.Name, ex);
            }
        }
        return results;
    }

    public Task<Versioned<T>?> ReadAsync<T>(string key) => VersionedDocument.ReadAsync<T>(Database, key);
}
