using System.Text.Json;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>An event a write causes: the topic (a constant from Csp.Contracts), its data and subject (e.g. the action id).</summary>
public sealed record PendingEvent(string Topic, object Data, string? Subject);

/// <summary>
/// Writes one aggregate of a partnership the way every service must: the new version (only if the stored version is the
/// one the writer read), its index entries, the events it causes (into the outbox) and its audit entry, all in one Redis
/// transaction. Either all of it is stored or none of it is.
/// </summary>
public sealed class AggregateWriter(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    Outbox.Outbox outbox, AuditLog audit, ServiceIdentity service, TimeProvider clock)
{
    public IDatabase Database => redis.GetDatabase(options.Value.Database);

    /// <returns>The new version, or <c>null</c> when the stored version was not <paramref name="expectedVersion"/> (nothing written).</returns>
    public async Task<long?> SaveAsync<T>(
        string partnershipId, string key, T value, long expectedVersion, JsonSerializerOptions json,
        AuditEntry auditEntry, IReadOnlyCollection<PendingEvent> events, Action<ITransaction>? alsoWrite = null)
    {
        var db = Database;
        if (events.Count > 0) await outbox.RegisterPartitionAsync(partnershipId);
        var tx = db.CreateTransaction();
        var version = VersionedDocument.Write(tx, key, value, expectedVersion, json);
        alsoWrite?.Invoke(tx);
        foreach (var e in events)
        {
            outbox.Enqueue(tx, partnershipId, CloudEventEnvelope.Create(e.Topic, service.EventSource, e.Data, partnershipId, e.Subject,
                CorrelationContext.Current, clock.GetUtcNow()));
        }
        audit.Append(tx, partnershipId, auditEntry);
        if (!await tx.ExecuteAsync()) return null;
        if (events.Count > 0) outbox.Notify();
        return version;
    }

    /// <summary>Reads many versioned documents in one round trip (pipelined).</summary>
    public async Task<IReadOnlyList<Versioned<T>>> ReadManyAsync<T>(IEnumerable<string> keys, JsonSerializerOptions json)
    {
        var db = Database;
        var batch = db.CreateBatch();
        var reads = keys.Select(k => VersionedDocument.ReadAsync<T>(batch, k, json)).ToList();
        batch.Execute();
        var results = await Task.WhenAll(reads);
        return results.Where(r => r is not null).Select(r => r!).ToList();
    }
}
