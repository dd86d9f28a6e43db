using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Csp.BuildingBlocks.Http;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// Where idempotency keys live: a hash <c>{service}:{{partnership}}:idem:{caller}:{key}</c> of the request's fingerprint and
/// the reply to send again, expiring after <see cref="IdempotencyOptions.Expiry"/>. The caller's subject is hashed into the
/// name, so one caller's key never meets another's. The partnership hash tag keeps it in the slot of the write it goes with.
/// </summary>
public sealed class IdempotencyRecords(AggregateWriter writer, RedisKeys keys)
{
    public string KeyFor(string partnershipId, string subject, string idempotencyKey) =>
        keys.For(partnershipId, "idem", $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)))[..32]}:{idempotencyKey}");

    public async Task<StoredReply?> FindAsync(string key)
    {
        var f = await writer.Database.HashGetAsync(key, ["fingerprint", "status", "body", "location", "version"]);
        if (f[0].IsNull || f[1].IsNull) return null;
        return new StoredReply((string)f[0]!, new Reply((int)f[1], (string?)f[2] ?? "", f[3].IsNullOrEmpty ? null : (string)f[3]!, f[4].IsNullOrEmpty ? null : (long)f[4]));
    }

    /// <summary>Queues the reply into the write's transaction, on condition that no request with the key has committed
    /// first (then nothing is written, and the endpoint sends that request's reply).</summary>
    internal static void Queue(RedisWrite write, IdempotentReply reply)
    {
        write.AddCondition(WriteCondition.KeyNotExists(reply.Key));
        write.HashSet(reply.Key,
        [
            new HashEntry("fingerprint", reply.Fingerprint),
            new HashEntry("status", reply.Reply.Status),
            new HashEntry("body", reply.Reply.Body),
            new HashEntry("location", reply.Reply.Location ?? ""),
            new HashEntry("version", reply.Reply.Version?.ToString(CultureInfo.InvariantCulture) ?? ""),
        ]);
        write.KeyExpire(reply.Key, reply.Expiry);
    }
}
