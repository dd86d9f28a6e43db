using System.Net.Http.Json;
using StackExchange.Redis;
using Csp.TestSupport;

namespace Csp.EndToEnd.Tests;

/// <summary>
/// The platform on Redis as the cluster sees it: every key it writes carries the test's prefix (so suites can share a
/// cluster's one database), and a write that would span hash slots cannot pass unnoticed.
/// </summary>
public class RedisKeyspaceTests(Platform platform) : PlatformTest(platform)
{
    [Fact]
    public async Task Every_key_the_platform_writes_is_under_its_key_prefix()
    {
        // Something through every path: a write (state, index, outbox, audit), its event (stream, consumer group, inbox).
        using var manager = await Platform.SignInAsync("sam.patel");
        var risks = (await manager.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/api/partnerships/medway/risks"))!["items"]!.AsArray();
        Assert.NotEmpty(risks!);
        await Eventually.TrueAsync(async () => await Platform.Redis.KeyExistsAsync("events:partnership.changed"), "partnership events are published");

        var all = await Platform.Keyspace.AllKeysInDatabaseAsync();
        var ours = await Platform.Keyspace.AllKeysAsync();
        Assert.NotEmpty(ours);
        Assert.Contains(ours, k => k.StartsWith(Platform.Keyspace.KeyPrefix + "events:", StringComparison.Ordinal));
        Assert.Contains(ours, k => k.StartsWith(Platform.Keyspace.KeyPrefix + "actionplan:{medway}:", StringComparison.Ordinal));
        Assert.Contains(ours, k => k.StartsWith(Platform.Keyspace.KeyPrefix + "risk:{medway}:", StringComparison.Ordinal));
        // Nothing is outside a test keyspace's prefix: on one server this class has its own database, so everything there is
        // ours; on a cluster (one database) the other classes' platforms run beside it, each under its own t{n}: prefix.
        Assert.DoesNotContain(all.Except(ours), k => !System.Text.RegularExpressions.Regex.IsMatch(k, @"\At[0-9]+:"));
        if (!RedisServer.Instance.IsCluster) Assert.Empty(all.Except(ours));
    }

    [Fact]
    public async Task A_transaction_across_partnerships_is_refused_on_a_cluster_and_the_partnership_tag_keeps_one_in_one_slot()
    {
        if (RedisServer.Instance.IsCluster) // the client knows the slots only of a cluster
        {
            var connection = RedisServer.Instance.Connection;
            var medway = $"{Platform.Keyspace.KeyPrefix}actionplan:{{medway}}:action:1";
            var medwayIndex = $"{Platform.Keyspace.KeyPrefix}actionplan:{{medway}}:actions";
            var swale = $"{Platform.Keyspace.KeyPrefix}actionplan:{{swale}}:action:1";
            Assert.Equal(connection.HashSlot(medway), connection.HashSlot(medwayIndex));
            Assert.NotEqual(connection.HashSlot(medway), connection.HashSlot(swale));
        }

        var sameSlot = Platform.Redis.CreateTransaction();
        _ = sameSlot.StringSetAsync("actionplan:{medway}:probe", "1");
        _ = sameSlot.HashSetAsync("actionplan:{medway}:probe-2", "field", "1");
        Assert.True(await sameSlot.ExecuteAsync());

        var crossSlot = Platform.Redis.CreateTransaction();
        _ = crossSlot.StringSetAsync("actionplan:{medway}:probe", "2");
        _ = crossSlot.HashSetAsync("actionplan:{swale}:probe", "field", "2");
        if (RedisServer.Instance.IsCluster)
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => crossSlot.ExecuteAsync());
            Assert.True(refused.ToString().Contains("CROSSSLOT", StringComparison.Ordinal) || refused.ToString().Contains("single slot", StringComparison.Ordinal),
                refused.ToString());
        }
        else
        {
            Assert.True(await crossSlot.ExecuteAsync()); // one server has no slots: only the cluster run can catch this
        }
        foreach (var key in new[] { "actionplan:{medway}:probe", "actionplan:{medway}:probe-2", "actionplan:{swale}:probe" })
            await Platform.Redis.KeyDeleteAsync(key);
    }
}
