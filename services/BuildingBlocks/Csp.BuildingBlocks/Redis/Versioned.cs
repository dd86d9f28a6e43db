using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>A stored aggregate and its version (the ETag).</summary>
public sealed record Versioned<T>(T Value, long Version);

/// <summary>
/// Aggregates are stored as a hash <c>{data, version}</c> in <see cref="StorageJson"/>. Writes go into a transaction whose
/// condition is the version the writer read: a stale writer's transaction does not execute, so nothing is written (the API
/// turns that into 412).
/// </summary>
public static class VersionedDocument
{
    private const string DataField = "data";
    private const string VersionField = "version";
    /// <summary>The id of the write that made the stored version: after a transaction reported as not executed, it tells
    /// whether this writer's transaction committed after all (<see cref="ExplainRefusalAsync"/>).</summary>
    private const string WriteField = "write";

    public static async Task<Versioned<T>?> ReadAsync<T>(IDatabaseAsync db, string key) =>
        await ReadJsonAsync(db, key) is { } stored ? new Versioned<T>(Deserialize<T>(key, stored.Value), stored.Version) : null;

    /// <summary>Reads stored JSON as <typeparamref name="T"/>; a document that cannot be read throws
    /// <see cref="UnreadableRecordException"/> naming its key (scans skip and count it).</summary>
    public static T Deserialize<T>(string key, string json)
    {
        try
        {
            return StorageJson.Deserialize<T>(json);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidCastException or FormatException)
        {
            throw new UnreadableRecordException(key, typeof(T).Name, ex);
        }
    }

    /// <summary>The stored JSON and its version, unread: for a store that upgrades documents kept in an earlier format.</summary>
    public static async Task<Versioned<string>?> ReadJsonAsync(IDatabaseAsync db, string key)
    {
        var fields = await db.HashGetAsync(key, [DataField, VersionField]);
        if (fields[0].IsNull || fields[1].IsNull) return null;
        return new Versioned<string>((string)fields[0]!, (long)fields[1]);
    }

    /// <summary>Queues a rewrite of a document in a newer format, keeping its version (its content, and so its ETag, is
    /// unchanged), on condition that it is still at <paramref name="version"/>.</summary>
    public static void Rewrite(ITransaction tx, string key, string json, long version)
    {
        tx.AddCondition(Condition.HashEqual(key, VersionField, version));
        _ = tx.HashSetAsync(key, DataField, json);
    }

    /// <summary>Queues a write of <paramref name="value"/> as version <paramref name="expectedVersion"/> + 1.
    /// <paramref name="expectedVersion"/> 0 means "must not exist yet".</summary>
    public static long Write<T>(ITransaction tx, string key, T value, long expectedVersion, string? writeId = null)
    {
        tx.AddCondition(expectedVersion == 0
            ? Condition.KeyNotExists(key)
            : Condition.HashEqual(key, VersionField, expectedVersion));
        var next = expectedVersion + 1;
        HashEntry[] fields = writeId is null
            ? [new HashEntry(DataField, StorageJson.Serialize(value)), new HashEntry(VersionField, next)]
            : [new HashEntry(DataField, StorageJson.Serialize(value)), new HashEntry(VersionField, next), new HashEntry(WriteField, writeId)];
        _ = tx.HashSetAsync(key, fields);
        return next;
    }

    /// <summary>
    /// Why a transaction written by <see cref="Write{T}"/> with <paramref name="writeId"/> came back "not executed", read
    /// afresh from the store. The client reports "not executed" for more than a failed condition: a condition check that
    /// got an error reply (a cluster node that is loading, down or not the slot's owner) or timed out counts as failed.
    /// </summary>
    public static async Task<RefusedWrite> ExplainRefusalAsync(IDatabaseAsync db, string key, long expectedVersion, string writeId)
    {
        var fields = await db.HashGetAsync(key, [VersionField, WriteField]);
        if (fields[1] == writeId) return RefusedWrite.CommittedAfterAll;
        var stored = fields[0].IsNull ? 0 : (long)fields[0];
        return stored == expectedVersion ? RefusedWrite.VersionUnchanged : RefusedWrite.VersionMoved;
    }
}

/// <summary>What a re-read says about a write the client reported as not executed.</summary>
public enum RefusedWrite
{
    /// <summary>Another writer moved the version on: a real conflict.</summary>
    VersionMoved,
    /// <summary>The version is still the one read: another condition refused it (a reference changed, the idempotency key was
    /// used meanwhile) or the condition checks themselves failed.</summary>
    VersionUnchanged,
    /// <summary>The stored version carries this write's id: it committed and only the reply said otherwise.</summary>
    CommittedAfterAll,
}
