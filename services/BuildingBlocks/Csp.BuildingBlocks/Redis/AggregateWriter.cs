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
/// request with an <c>Idempotency-Key</c>, the reply to send again to a retry, all in one <see cref="RedisWrite"/>: one Lua
/// script, one round trip, that checks every condition and then applies everything. Either all of it is stored or none of
/// it is. Every key it touches carries the partnership's hash tag (one Redis Cluster slot). Stores call it; commands
/// decide the events.
/// </summary>
/// <remarks>Writes to keys outside the partnership's slot (the list of partnerships, the outbox's partition index) cannot
/// join the script on Redis Cluster: they are made before it, idempotently, and their readers skip a member whose
/// document does not exist (docs/architecture.md, "Writes across slots").</remarks>
public sealed class AggregateWriter(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    Outbox.Outbox outbox, AuditLog audit, ServiceIdentity service, TimeProvider clock, IEnumerable<IBeforeCommit> beforeCommit,
    TopologyRefresh topology, Microsoft.Extensions.Logging.ILogger<AggregateWriter> logger)
{
    /// <summary>A write refused while its version is unchanged is tried once more, after a topology refresh (the
    /// transaction path: a script's refusal is an answer, not a doubt).</summary>
    public const int MaxAttempts = 2;

    private readonly IBeforeCommit[] _beforeCommit = beforeCommit.ToArray();

    public IDatabase Database => redis.GetDatabase(options.Value.Database);

    /// <returns>The new version, or <c>null</c> when a condition failed (nothing written): the stored version was not
    /// <paramref name="expectedVersion"/>, a condition added by <paramref name="alsoWrite"/> failed, or a request with the
    /// same idempotency key committed first.</returns>
    public async Task<long?> SaveAsync<T>(
        string partnershipId, string key, T value, long expectedVersion,
        AuditEntry auditEntry, IReadOnlyCollection<PendingEvent> events, Action<RedisWrite>? alsoWrite = null, IdempotentReply? reply = null)
    {
        if (events.Count > 0) await outbox.RegisterPartitionAsync(partnershipId);
        var writeId = Guid.NewGuid().ToString("N");
        var script = options.Value.WriteMode == RedisWriteMode.Script;
        var resent = false;
        for (var attempt = 1; ; attempt++)
        {
            var write = new RedisWrite();
            var version = VersionedDocument.Write(write, key, value, expectedVersion, writeId);
            alsoWrite?.Invoke(write);
            foreach (var e in events)
                outbox.Enqueue(write, partnershipId, e.ToEnvelope(service.EventSource, partnershipId, clock.GetUtcNow()));
            if (events.Count > 0 && script) outbox.QueueWakeUp(write);
            audit.Append(write, partnershipId, auditEntry);
            if (reply is not null) IdempotencyRecords.Queue(write, reply);
            foreach (var hook in _beforeCommit) await hook.BeforeCommitAsync(key);

            if (script)
            {
                switch (await RunScriptAsync(write, key, expectedVersion, writeId))
                {
                    case ScriptOutcome.Applied:
                        return Committed(version);
                    case ScriptOutcome.Refused when resent && ReferenceEquals(write.Refused, write.Conditions[0])
                        && await VersionedDocument.ExplainRefusalAsync(Database, key, expectedVersion, writeId) == RefusedWrite.CommittedAfterAll:
                        // The first send, thought lost, ran after all, and this one found its version: one write, committed.
                        return Committed(version);
                    case ScriptOutcome.Refused:
                        return null;
                    case ScriptOutcome.NotRun when attempt < MaxAttempts:
                        resent = true; // send it again: the version condition stops it from applying twice
                        continue;
                    default:
                        return null;
                }
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var tx = Database.CreateTransaction();
            write.ApplyTo(tx);
            var executed = await tx.ExecuteAsync();
            RedisWriteStats.Record(started);
            if (executed) return Committed(version);

            // "Not executed" is not always a conflict (see VersionedDocument.ExplainRefusalAsync): read what happened.
            switch (await VersionedDocument.ExplainRefusalAsync(Database, key, expectedVersion, writeId))
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
            if (events.Count > 0) outbox.Notify(othersWoken: script);
            return version;
        }
    }

    private enum ScriptOutcome { Applied, Refused, NotRun }

    /// <summary>
    /// Sends the write as one script. Its answer is definite: applied, or refused by a named condition (a refusal by
    /// anything but the version, such as a reference that changed, is logged at debug). Only a lost reply (a time-out, a
    /// broken connection: the script may or may not have run) is doubtful: then the stored version and the id of the write
    /// that made it say what happened (<see cref="VersionedDocument.ExplainRefusalAsync"/>): it committed after all, or the
    /// version is unchanged (it did not run: <see cref="ScriptOutcome.NotRun"/>, sent again after a topology refresh), or
    /// another write moved it (the original error is thrown: the caller cannot know, and says so).
    /// </summary>
    private async Task<ScriptOutcome> RunScriptAsync(RedisWrite write, string key, long expectedVersion, string writeId)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            var applied = await write.ExecuteAsync(Database);
            RedisWriteStats.Record(started);
            if (applied) return ScriptOutcome.Applied;
            if (!ReferenceEquals(write.Refused, write.Conditions[0]))
                logger.LogDebug("The write of {Key} was refused by its condition {Condition}", key, write.Refused);
            return ScriptOutcome.Refused;
        }
        catch (Exception ex) when (ex is RedisTimeoutException or RedisConnectionException)
        {
            RefusedWrite explained;
            try
            {
                explained = await VersionedDocument.ExplainRefusalAsync(Database, key, expectedVersion, writeId);
            }
            catch (Exception again) when (again is RedisTimeoutException or RedisConnectionException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex); // the first error says what the write met
                throw;
            }
            switch (explained)
            {
                case RefusedWrite.CommittedAfterAll:
                    logger.LogWarning(ex, "The write of {Key} lost its reply but had committed", key);
                    return ScriptOutcome.Applied;
                case RefusedWrite.VersionUnchanged:
                    logger.LogWarning(ex, "The write of {Key} lost its reply and had not run; refreshing the Redis topology and sending it again", key);
                    await topology.RefreshAsync();
                    return ScriptOutcome.NotRun;
                default:
                    throw;
            }
        }
    }

    /// <summary>Runs a write that is not an aggregate's (a store's own conditional write, a migration) the way
    /// <see cref="SaveAsync{T}"/> runs its own (<see cref="RedisOptions.WriteMode"/>). False when a condition failed.</summary>
    public async Task<bool> TryWriteAsync(RedisWrite write)
    {
        if (options.Value.WriteMode == RedisWriteMode.Script) return await write.ExecuteAsync(Database);
        var tx = Database.CreateTransaction();
        write.ApplyTo(tx);
        return await tx.ExecuteAsync();
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
