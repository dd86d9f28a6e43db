using System.Text.Json;
using Csp.BuildingBlocks.Redis;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Audit;

/// <summary>One audited write: who, when, what, before and after (JSON snapshots; null before = created).</summary>
public sealed record AuditEntry(
    string Actor, DateTimeOffset At, string Action, string EntityType, string EntityId,
    string? Before, string? After, string? CorrelationId);

/// <summary>
/// The audit stream: <c>{service}:{{partnership}}:audit</c>. Entries are queued into the same transaction as the write they
/// describe, so there is never a write without its audit entry, nor an audit entry for a write that did not happen.
/// </summary>
public sealed class AuditLog(RedisKeys keys)
{
    public void Append(ITransaction tx, string partnershipId, AuditEntry entry) =>
        _ = tx.StreamAddAsync(keys.Audit(partnershipId),
        [
            new NameValueEntry("actor", entry.Actor),
            new NameValueEntry("at", entry.At.ToString("O")),
            new NameValueEntry("action", entry.Action),
            new NameValueEntry("entityType", entry.EntityType),
            new NameValueEntry("entityId", entry.EntityId),
            new NameValueEntry("before", entry.Before ?? ""),
            new NameValueEntry("after", entry.After ?? ""),
            new NameValueEntry("correlationId", entry.CorrelationId ?? ""),
        ]);

    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(IDatabaseAsync db, string partnershipId, int count = 100)
    {
        var entries = await db.StreamRangeAsync(keys.Audit(partnershipId), "-", "+", count, Order.Descending);
        return entries.Select(e =>
        {
            string F(string name) => (string?)e[name] ?? "";
            string? N(string name) => F(name) is { Length: > 0 } s ? s : null;
            return new AuditEntry(F("actor"), DateTimeOffset.Parse(F("at"), System.Globalization.CultureInfo.InvariantCulture), F("action"),
                F("entityType"), F("entityId"), N("before"), N("after"), N("correlationId"));
        }).ToList();
    }

    public static string Snapshot<T>(T value, JsonSerializerOptions json) => JsonSerializer.Serialize(value, json);
}
