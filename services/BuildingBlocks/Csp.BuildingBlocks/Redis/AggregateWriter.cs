using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// Writes one aggregate of a partnership the way every service must: the new version (only if the stored version is the
/// one the writer read), its index entries and history, the events it causes (into the outbox), its audit entry and, for a
/// request with an <c>Idempotency-Key</c>, the reply to send again to a retry, all in one Redis transaction. Either all of
/// it is stored or none of it is. Every key it touches carries the partnership's hash tag (one Redis Cluster slot). Stores
/// call it; commands decide the events.
/// </summary>
/// <remarks>Writes to keys outside the partnership's slot (the list of partnerships, the outbox's partition index) cannot
/// join the transaction on Redis Cluster: they are made before it, idempotently, and their readers skip a member whose
/// document does not exist (docs/architecture.md, "Writes across slots").</remarks>
public sealed class AggregateWriter(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    Outbox.Outbox outbox, AuditLog audit, ServiceIdentity service, TimeProvider clock, IEnumerable<IBeforeCommit> beforeCommit,
    TopologyRefresh topology, Microsoft.Extensions.Logging.ILogger<AggregateWriter> logger)
{
    /// <summary>A write refused while its version is unchanged is tried once more, after a topology refresh.</summary>
    public const int MaxAttempts = 2;

    private readonly IBeforeCommit[] _beforeCommit = beforeCommit.ToArray();

    public IDatabase Database => redis.GetDatabase(options.Value.Database);

    /// <returns>The new version, or <c>null</c> when a condition failed (nothing written): the stored version was not
    /// <paramref name="expectedVersion"/>, a condition added by <paramref name="alsoWrite"/> failed, or a request with the
    /// same idempotency key committed first.</returns>
    public async Task<long?> SaveAsync<T>(
        string partnershipId, string key, T value, long expectedVersion,
        AuditEntry auditEntry, IReadOnlyCollection<PendingEvent> events, Action<ITransaction>? alsoWrite = null, IdempotentReply? reply = null)
    {
        var db = Database;
        if (events.Count > 0) await outbox.RegisterPartitionAsync(partnershipId);
        var writeId = Guid.NewGuid().ToString("N");
        for (var attempt = 1; ; attempt++)
        {
            var tx = db.CreateTransaction();
            var version = VersionedDocument.Write(tx, key, value, expectedVersion, writeId);
            alsoWrite?.Invoke(tx);
            foreach (var e in events)
                outbox.Enqueue(tx, partnershipId, e.ToEnvelope(service.EventSource, partnershipId, clock.GetUtcNow()));
            audit.Append(tx, partnershipId, auditEntry);
            if (reply is not null) IdempotencyRecords.Queue(tx, reply);
            foreach (var hook in _beforeCommit) await hook.BeforeCommitAsync(key);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var executed = await tx.ExecuteAsync();
            RedisWriteStats.Record(started);
            if (executed) return Committed(version);

            // "Not executed" is not always a conflict (see VersionedDocument.ExplainRefusalAsync): read what happened.
            switch (await VersionedDocument.ExplainRefusalAsync(db, key, expectedVersion, writeId))
            {
                case RefusedWrite.VersionMoved:
                    return null;
                case RefusedWrite.CommittedAfterAll:
                    logger.LogWarning("The write of {Key} (version {Version}) was reported as not executed but had committed", key, version);
                    return Committed(version);
                case RefusedWrite.VersionUnchanged when attempt < MaxAttempts:
                    // A reference or idempotency key changed meanwhile (the retry refuses again), or the client's view of the
                    // cluster is stale: after every master restarted, conditions sent to a node that no longer serves the
                    // slot fail without the redirect plain reads follow (docs/reliability.md). Refresh it, then try again.
                    logger.LogWarning("The write of {Key} was refused with its version unchanged (attempt {Attempt}); refreshing the Redis topology and retrying", key, attempt);
                    await topology.RefreshAsync();
                    continue;
                default:
                    return null;
            }
        }

        long Committed(long version)
        {
            if (events.Count > 0) outbox.Notify();
            return version;
        }
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

    /// <summary>Reads many documents' stored JSON in one round trip, with their keys (missing ones left out).</summary>
    public async Task<IReadOnlyList<(string Key, Versioned<string> Stored)>> ReadManyJsonAsync(IEnumerable<string> keys)
    {
        var batch = Database.CreateBatch();
        var reads = keys.Select(k => (Key: k, Read: VersionedDocument.ReadJsonAsync(batch, k))).ToList();
        batch.Execute();
        await Task.WhenAll(reads.Select(r => r.Read));
        return reads.Where(r => r.Read.Result is not null).Select(r => (r.Key, r.Read.Result!)).ToList();
    }
}

/// <summary>
/// Runs between a write's reads and its commit, with the key being written. No service registers one: tests do, to change
/// the store at exactly that moment (a referenced plan removed, a concurrent write) and prove the write's conditions hold.
/// </summary>
public interface IBeforeCommit
{
    Task BeforeCommitAsync(string key);
}
