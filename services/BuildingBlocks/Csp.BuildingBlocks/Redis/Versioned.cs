using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>A stored aggregate and its version (the ETag).</summary>
public sealed record Versioned<T>(T Value, long Version);

/// <summary>
/// Aggregates are stored as a hash <c>{data, version}</c> in <see cref="StorageJson"/>. Writes go into a
/// <see cref="RedisWrite"/> whose first condition is the version the writer read: a stale writer's write is refused, so
/// nothing is written (the API turns that into 412).
/// </summary>
public static class VersionedDocument
{
    private const string DataField = "data";
    internal const string VersionField = "version";
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
    public static void Rewrite(RedisWrite write, string key, string json, long version)
    {
        write.AddCondition(WriteCondition.HashEqual(key, VersionField, version));
        write.HashSet(key, DataField, json);
    }

    /// <summary>Queues a write of <paramref name="value"/> as version <paramref name="expectedVersion"/> + 1.
    /// <paramref name="expectedVersion"/> 0 means "must not exist yet".</summary>
    public static long Write<T>(RedisWrite write, string key, T value, long expectedVersion, string? writeId = null)
    {
        write.AddCondition(expectedVersion == 0
            ? WriteCondition.KeyNotExists(key)
            : WriteCondition.HashEqual(key, VersionField, expectedVersion));
        var next = expectedVersion + 1;
        HashEntry[] fields = writeId is null
            ? [new HashEntry(DataField, StorageJson.Serialize(value)), new HashEntry(VersionField, next)]
            : [new HashEntry(DataField, StorageJson.Serialize(value)), new HashEntry(VersionField, next), new HashEntry(WriteField, writeId)];
        write.HashSet(key, fields);
        return next;
    }

    /// <summary>
    /// Why a write made by <see cref="Write{T}"/> with <paramref name="writeId"/> came back without a clear answer, read
    /// afresh from the store: a transaction reported "not executed" (the client reports that for more than a failed
    /// condition: a condition check that got an error reply or timed out counts as failed), or a script whose reply was
    /// lost (a time-out or a broken connection: it may or may not have run).
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
