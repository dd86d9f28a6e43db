using Csp.BuildingBlocks.Outbox;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.Redis;

/// <summary>
/// One write = one script: every condition checked first, then every operation applied, or nothing. Runs on one server
/// and on a Redis Cluster (<c>CSP_TEST_REDIS=cluster</c>), under a key prefix as the services use it.
/// </summary>
public sealed class RedisWriteTests
{
    private static readonly TestKeyspace Keyspace = RedisServer.Instance.TakeKeyspace();
    private readonly IDatabase _db = Keyspace.Redis;
    private readonly string _p = "{w" + Guid.NewGuid().ToString("N")[..8] + "}";

    private string K(string name) => $"test:{_p}:{name}";

    /// <summary>A write that queues one of every operation, each on its own fresh key.</summary>
    private RedisWrite EveryOperation()
    {
        var w = new RedisWrite();
        w.HashSet(K("hash"), [new HashEntry("a", "1"), new HashEntry("b", "2")]);
        w.SetAdd(K("set"), ["x", "y"]);
        w.SetRemove(K("set"), "y");
        w.SortedSetAdd(K("zset"), "m", 2.5);
        w.SortedSetAdd(K("zset"), "n", 3);
        w.SortedSetRemove(K("zset"), "n");
        w.ListRightPush(K("list"), ["l1", "l2"]);
        w.StreamAdd(K("stream"), [new NameValueEntry("f", "v")], maxLength: 100);
        w.StringSet(K("string"), "s");
        w.StringIncrement(K("counter"), 5);
        w.StringSet(K("expiring"), "e");
        w.KeyExpire(K("expiring"), TimeSpan.FromMinutes(5));
        w.StringSet(K("deleted"), "d");
        w.KeyDelete(K("deleted"));
        return w;
    }

    private static readonly string[] Written = ["hash", "set", "zset", "list", "stream", "string", "counter", "expiring"];

    [Fact]
    public async Task A_write_whose_conditions_hold_applies_every_operation_in_one_script()
    {
        await _db.HashSetAsync(K("doc"), "version", 3);
        await _db.StringSetAsync(K("inputs"), 7);
        await _db.ListRightPushAsync(K("spend"), ["a", "b"]);
        var w = EveryOperation();
        w.AddCondition(WriteCondition.HashEqual(K("doc"), "version", 3));
        w.AddCondition(WriteCondition.HashExists(K("doc"), "version"));
        w.AddCondition(WriteCondition.HashNotExists(K("doc"), "other"));
        w.AddCondition(WriteCondition.StringEqual(K("inputs"), 7));
        w.AddCondition(WriteCondition.ListLengthEqual(K("spend"), 2));
        w.AddCondition(WriteCondition.KeyNotExists(K("absent")));

        Assert.True(await w.ExecuteAsync(_db));

        Assert.Null(w.Refused);
        Assert.Equal("2", (string?)await _db.HashGetAsync(K("hash"), "b"));
        Assert.Equal(["x"], (await _db.SetMembersAsync(K("set"))).Select(v => (string)v!));
        Assert.Equal(2.5, await _db.SortedSetScoreAsync(K("zset"), "m"));
        Assert.Null(await _db.SortedSetScoreAsync(K("zset"), "n"));
        Assert.Equal(["l1", "l2"], (await _db.ListRangeAsync(K("list"))).Select(v => (string)v!));
        Assert.Equal("v", (string?)Assert.Single(await _db.StreamRangeAsync(K("stream")))["f"]);
        Assert.Equal("s", (string?)await _db.StringGetAsync(K("string")));
        Assert.Equal(5, (long)await _db.StringGetAsync(K("counter")));
        Assert.NotNull(await _db.KeyTimeToLiveAsync(K("expiring")));
        Assert.False(await _db.KeyExistsAsync(K("deleted")));
    }

    public static TheoryData<string> FailingConditions => ["hash-equal", "hash-exists", "hash-not-exists", "string-equal", "list-length", "key-not-exists"];

    [Theory]
    [MemberData(nameof(FailingConditions))]
    public async Task A_write_refused_by_any_condition_stores_nothing_and_names_the_condition(string failing)
    {
        await _db.HashSetAsync(K("doc"), "version", 3);
        await _db.StringSetAsync(K("inputs"), 7);
        await _db.ListRightPushAsync(K("spend"), ["a", "b"]);
        var w = EveryOperation();
        w.AddCondition(WriteCondition.KeyNotExists(K("hash")));
        var condition = failing switch
        {
            "hash-equal" => WriteCondition.HashEqual(K("doc"), "version", 2),
            "hash-exists" => WriteCondition.HashExists(K("doc"), "other"),
            "hash-not-exists" => WriteCondition.HashNotExists(K("doc"), "version"),
            "string-equal" => WriteCondition.StringEqual(K("inputs"), 8),
            "list-length" => WriteCondition.ListLengthEqual(K("spend"), 3),
            _ => WriteCondition.KeyNotExists(K("doc")),
        };
        w.AddCondition(condition); // the last one: every operation and every other condition came before it

        Assert.False(await w.ExecuteAsync(_db));

        Assert.Same(condition, w.Refused);
        foreach (var name in Written.Append("deleted")) Assert.False(await _db.KeyExistsAsync(K(name)), $"{name} was written");
    }

    [Fact]
    public async Task An_operation_that_would_fail_half_way_refuses_the_whole_write_before_anything_is_applied()
    {
        // Redis rolls nothing back, in a script or in MULTI/EXEC: an RPUSH onto a string after an HSET would leave the HSET
        // applied. The script checks every written key's type before the first operation, so nothing is.
        await _db.StringSetAsync(K("list"), "not a list");
        await _db.StringSetAsync(K("counter"), "not a number");
        var w = new RedisWrite();
        w.HashSet(K("first"), "a", "1");
        w.ListRightPush(K("list"), "x");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => w.ExecuteAsync(_db));

        Assert.Contains("WRONGTYPE", error.Message);
        Assert.False(await _db.KeyExistsAsync(K("first")));

        var increment = new RedisWrite();
        increment.HashSet(K("first"), "a", "1");
        increment.StringIncrement(K("counter"));
        await Assert.ThrowsAsync<RedisServerException>(() => increment.ExecuteAsync(_db));
        Assert.False(await _db.KeyExistsAsync(K("first")));
    }

    [Fact]
    public async Task A_write_across_hash_slots_is_refused_before_it_is_sent()
    {
        var w = new RedisWrite();
        w.HashSet(K("doc"), "a", "1");
        w.SetAdd("test:partnerships", "medway"); // no hash tag: another slot

        Assert.Throws<InvalidOperationException>(w.AssertOneSlot);
        await Assert.ThrowsAsync<InvalidOperationException>(() => w.ExecuteAsync(_db));
        Assert.False(await _db.KeyExistsAsync(K("doc")));
        Assert.Equal("medway", RedisWrite.HashTag("actionplan:{medway}:action:1"));
        Assert.Equal(RedisWrite.HashTag("t3:actionplan:{medway}:outbox"), RedisWrite.HashTag("risk:{medway}:risk:2"));
    }

    [Fact]
    public async Task A_long_push_is_split_into_commands_of_one_script_and_stays_all_or_nothing()
    {
        var values = Enumerable.Range(0, 20_000).Select(i => (RedisValue)i).ToArray();
        var w = new RedisWrite();
        w.ListRightPush(K("long"), values);
        Assert.True(w.OperationCount > 1);
        Assert.True(await w.ExecuteAsync(_db));
        Assert.Equal(20_000, await _db.ListLengthAsync(K("long")));

        var refused = new RedisWrite();
        refused.ListRightPush(K("long2"), values);
        refused.AddCondition(WriteCondition.KeyNotExists(K("long")));
        Assert.False(await refused.ExecuteAsync(_db));
        Assert.False(await _db.KeyExistsAsync(K("long2")));
    }

    [Fact]
    public async Task The_same_write_through_a_transaction_stores_the_same_thing()
    {
        var w = EveryOperation();
        w.AddCondition(WriteCondition.KeyNotExists(K("absent")));
        var tx = _db.CreateTransaction();
        w.ApplyTo(tx);

        Assert.True(await tx.ExecuteAsync());

        foreach (var name in Written) Assert.True(await _db.KeyExistsAsync(K(name)), $"{name} was not written");
        Assert.False(await _db.KeyExistsAsync(K("deleted")));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    [Fact]
    public async Task The_outbox_registers_a_partnership_once_per_lifetime_and_again_after_it_lapses_or_is_forgotten()
    {
        var keys = new RedisKeys("regtest" + Guid.NewGuid().ToString("N")[..6]);
        var options = Options.Create(new RedisOptions { Database = Keyspace.Database, KeyPrefix = Keyspace.KeyPrefix });
        var multiplexer = KeyPrefixedMultiplexer.Wrap(RedisServer.Instance.Connection, Keyspace.KeyPrefix);
        var clock = new ManualClock();
        var outbox = new Outbox.Outbox(keys, multiplexer, options, new OutboxSignal(), clock);

        await outbox.RegisterPartitionAsync("medway");
        Assert.True(await _db.SetContainsAsync(keys.OutboxPartitions, "medway"));

        // Gone from Redis (a restart without persistence, a FLUSHALL): within the lifetime this process does not look.
        await _db.KeyDeleteAsync(keys.OutboxPartitions);
        await outbox.RegisterPartitionAsync("medway");
        Assert.Equal(1, outbox.Registrations);
        Assert.False(await _db.SetContainsAsync(keys.OutboxPartitions, "medway"));

        // Once it lapses, the next write with events registers it again.
        clock.Advance(Outbox.Outbox.RegistrationLifetime);
        await outbox.RegisterPartitionAsync("medway");
        Assert.Equal(2, outbox.Registrations);
        Assert.True(await _db.SetContainsAsync(keys.OutboxPartitions, "medway"));

        // A reconnection (how a Redis restart shows) forgets them at once.
        await _db.KeyDeleteAsync(keys.OutboxPartitions);
        outbox.ForgetRegistrations();
        await outbox.RegisterPartitionAsync("medway");
        Assert.Equal(3, outbox.Registrations);
        Assert.True(await _db.SetContainsAsync(keys.OutboxPartitions, "medway"));

        // Another partnership is registered on its own first write.
        await outbox.RegisterPartitionAsync("kent");
        Assert.Equal(4, outbox.Registrations);
    }
}
