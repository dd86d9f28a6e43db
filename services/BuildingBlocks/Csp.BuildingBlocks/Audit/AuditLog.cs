using System.Diagnostics;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Redis;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Audit;

/// <summary>One audited write: who, when, what, and the fields it changed (JSON objects in the stored format: <see cref="Before"/>
/// holds the changed fields' old values, <see cref="After"/> their new ones; null before = created, and then after is the
/// whole new record). The correlation id is the W3C trace id of the work that made the write, so an entry leads to that
/// request's logs across services.</summary>
public sealed record AuditEntry(
    string Actor, DateTimeOffset At, string Action, string EntityType, string EntityId,
    string? Before, string? After, string? CorrelationId);

/// <summary>Makes audit entries the same way in every service: who (the caller), what, of which record, what changed
/// (in the stored format), now, under the current trace. An entry holds only what changed, never two whole copies of the
/// record, so its size is the size of the change.</summary>
public sealed class AuditEntries(TimeProvider clock)
{
    /// <param name="before">The record before the change; null when it is being created.</param>
    public AuditEntry For<T>(Caller who, string action, string entityType, string entityId, T? before, T after) where T : class
    {
        var (was, now) = before is null ? (null, StorageJson.Serialize(after)) : AuditDiff.Changed(StorageJson.Serialize(before), StorageJson.Serialize(after));
        return new(who.Subject, clock.GetUtcNow(), action, entityType, entityId, was, now, Activity.Current?.TraceId.ToHexString());
    }

    public AuditEntry For<T>(Caller who, string action, string entityType, long entityId, T? before, T after) where T : class =>
        For(who, action, entityType, entityId.ToString(System.Globalization.CultureInfo.InvariantCulture), before, after);
}

/// <summary>
/// The fields that differ between two stored documents. Objects are compared field by field, nested objects recursively
/// (<c>{"latest":{"current":...}}</c>); any other value, arrays included, is compared whole. A field that disappeared is
/// null after; a field that appeared is null before.
/// </summary>
public static class AuditDiff
{
    public static (string Before, string After) Changed(string beforeJson, string afterJson)
    {
        var before = JsonNode.Parse(beforeJson);
        var after = JsonNode.Parse(afterJson);
        if (before is JsonObject b && after is JsonObject a)
        {
            var (was, now) = Diff(b, a);
            return (was.ToJsonString(), now.ToJsonString());
        }
        return (beforeJson, afterJson);
    }

    private static (JsonObject Before, JsonObject After) Diff(JsonObject before, JsonObject after)
    {
        var was = new JsonObject();
        var now = new JsonObject();
        foreach (var name in before.Select(p => p.Key).Union(after.Select(p => p.Key), StringComparer.Ordinal))
        {
            var b = before[name];
            var a = after[name];
            if (JsonNode.DeepEquals(b, a)) continue;
            if (b is JsonObject bo && a is JsonObject ao)
            {
                var (innerWas, innerNow) = Diff(bo, ao);
                was[name] = innerWas;
                now[name] = innerNow;
                continue;
            }
            was[name] = b?.DeepClone();
            now[name] = a?.DeepClone();
        }
        return (was, now);
    }
}

/// <summary>
/// The audit streams: <c>{service}:{{partnership}}:audit</c> and, per record, <c>{service}:{{partnership}}:audit:{type}:{id}</c>. Entries are queued into the same transaction as the write they
/// describe, so there is never a write without its audit entry, nor an audit entry for a write that did not happen.
/// </summary>
public sealed class AuditLog(RedisKeys keys)
{
    /// <summary>Queues the entry onto the partnership's audit stream and onto the entity's own, so one record's trail is
    /// read without scanning the partnership's.</summary>
    public void Append(RedisWrite write, string partnershipId, AuditEntry entry)
    {
        NameValueEntry[] fields =
        [
            new("actor", entry.Actor),
            new("at", entry.At.ToString("O")),
            new("action", entry.Action),
            new("entityType", entry.EntityType),
            new("entityId", entry.EntityId),
            new("before", entry.Before ?? ""),
            new("after", entry.After ?? ""),
            new("correlationId", entry.CorrelationId ?? ""),
        ];
        write.StreamAdd(keys.Audit(partnershipId), fields);
        write.StreamAdd(EntityKey(partnershipId, entry.EntityType, entry.EntityId), fields);
    }

    /// <summary>The trail of one record (e.g. action 42), newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> ReadEntityAsync(IDatabaseAsync db, string partnershipId, string entityType, long entityId, int count = 1000) =>
        ReadEntityAsync(db, partnershipId, entityType, entityId.ToString(System.Globalization.CultureInfo.InvariantCulture), count);

    public Task<IReadOnlyList<AuditEntry>> ReadEntityAsync(IDatabaseAsync db, string partnershipId, string entityType, string entityId, int count = 1000) =>
        ReadStreamAsync(db, EntityKey(partnershipId, entityType, entityId), count);

    /// <summary>The partnership's trail, newest first.</summary>
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(IDatabaseAsync db, string partnershipId, int count = 100) =>
        ReadStreamAsync(db, keys.Audit(partnershipId), count);

    private string EntityKey(string partnershipId, string entityType, string entityId) => $"{keys.Audit(partnershipId)}:{entityType}:{entityId}";

    private static async Task<IReadOnlyList<AuditEntry>> ReadStreamAsync(IDatabaseAsync db, string key, int count)
    {
        var entries = await db.StreamRangeAsync(key, "-", "+", count, Order.Descending);
        return entries.Select(e =>
        {
            string F(string name) => (string?)e[name] ?? "";
            string? N(string name) => F(name) is { Length: > 0 } s ? s : null;
            return new AuditEntry(F("actor"), DateTimeOffset.Parse(F("at"), System.Globalization.CultureInfo.InvariantCulture), F("action"),
                F("entityType"), F("entityId"), N("before"), N("after"), N("correlationId"));
        }).ToList();
    }
}
