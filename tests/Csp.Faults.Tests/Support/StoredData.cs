using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Csp.Faults.Tests.Support;

/// <summary>
/// Everything stored in the database, key by key, as a digest of its type and content (strings, hashes, lists, sets,
/// sorted sets and streams with their entries): two snapshots are equal only if nothing was written in between. On a
/// Redis Cluster it reads every master (each holds the keys of its slots); a master it cannot reach fails the snapshot.
/// </summary>
public static class StoredData
{
    public static async Task<Dictionary<string, string>> SnapshotAsync(IConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase(0);
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        var masters = redis.GetServers().Where(s => !s.IsReplica).ToList();
        var expected = redis.GetEndPoints().Length;
        if (masters.Count < expected || masters.Any(s => !s.IsConnected))
            throw new InvalidOperationException($"a snapshot must read every master: {masters.Count(s => s.IsConnected)} of {expected} connected");
        foreach (var server in masters)
        {
            await foreach (var key in server.KeysAsync(0, "*", pageSize: 1000))
            {
                var type = await db.KeyTypeAsync(key);
                string content = type switch
                {
                    RedisType.String => (string?)await db.StringGetAsync(key) ?? "",
                    RedisType.Hash => Join((await db.HashGetAllAsync(key)).Select(e => $"{e.Name}={e.Value}").Order(StringComparer.Ordinal)),
                    RedisType.List => Join((await db.ListRangeAsync(key)).Select(v => (string)v!)),
                    RedisType.Set => Join((await db.SetMembersAsync(key)).Select(v => (string)v!).Order(StringComparer.Ordinal)),
                    RedisType.SortedSet => Join((await db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => $"{e.Element}:{e.Score}")),
                    RedisType.Stream => Join((await db.StreamRangeAsync(key)).Select(e => $"{e.Id}:{Join(e.Values.Select(v => $"{v.Name}={v.Value}"))}")),
                    _ => type.ToString(),
                };
                snapshot[key!] = $"{type}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16]}";
            }
        }
        return snapshot;
    }

    /// <summary>Keys added, removed or changed between two snapshots.</summary>
    public static List<string> Differences(Dictionary<string, string> before, Dictionary<string, string> after) =>
        before.Keys.Union(after.Keys).Order(StringComparer.Ordinal)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => !before.ContainsKey(k) ? $"added {k}" : !after.ContainsKey(k) ? $"removed {k}" : $"changed {k}")
            .ToList();

    private static string Join(IEnumerable<string> parts) => string.Join('\u001f', parts);
}
