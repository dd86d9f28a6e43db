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
    public static long Write<T>(ITransaction tx, string key, T value, long expectedVersion)
    {
        tx.AddCondition(expectedVersion == 0
            ? Condition.KeyNotExists(key)
            : Condition.HashEqual(key, VersionField, expectedVersion));
        var next = expectedVersion + 1;
        _ = tx.HashSetAsync(key, [new HashEntry(DataField, StorageJson.Serialize(value)), new HashEntry(VersionField, next)]);
        return next;
    }
}
