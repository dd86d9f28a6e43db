using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Redis;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Outbox;

/// <summary>
/// The transactional outbox: an event is appended to the partnership's outbox stream inside the same Redis transaction as
/// the state change that caused it. <see cref="OutboxDispatcher"/> later publishes it and removes it. A crash between the
/// two leaves the entry in the outbox, so it is published on the next pass (consumers de-duplicate by event id).
/// </summary>
public sealed class Outbox
{
    public const string EventField = "event";

    /// <summary>How long this process trusts that a partnership it registered is still in the partition index before it
    /// registers it again (see <see cref="RegisterPartitionAsync"/>).</summary>
    public static readonly TimeSpan RegistrationLifetime = TimeSpan.FromSeconds(30);

    private readonly RedisKeys keys;
    private readonly IConnectionMultiplexer redis;
    private readonly Microsoft.Extensions.Options.IOptions<RedisOptions> redisOptions;
    private readonly OutboxSignal signal;
    private readonly TimeProvider clock;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _registered = new(StringComparer.Ordinal);

    public Outbox(RedisKeys keys, IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RedisOptions> redisOptions, OutboxSignal signal, TimeProvider? clock = null)
    {
        this.keys = keys;
        this.redis = redis;
        this.redisOptions = redisOptions;
        this.signal = signal;
        this.clock = clock ?? TimeProvider.System;
        // A Redis that restarted may have lost the index (no persistence, or a failover to a replica that had not got it):
        // every reconnection forgets what was registered, so the next write with events registers its partnership again.
        redis.ConnectionRestored += (_, _) => ForgetRegistrations();
    }

    /// <summary>How many times this process has sent the registration (SADD) since it started: for tests and benchmarks.</summary>
    public long Registrations => Interlocked.Read(ref _registrations);
    private long _registrations;

    /// <summary>
    /// Must be awaited before a write with events: registers the partnership with the dispatcher (a separate key, so a
    /// separate command: in Redis Cluster it lives in another slot, and cannot join the write's script). Adding twice is
    /// harmless, so it is sent once per partnership per <see cref="RegistrationLifetime"/> per process, not before every
    /// write: an update then costs one round trip, not two. The cache is forgotten on every reconnection to Redis (a
    /// restart that lost the index), and expires in any case, so a partnership whose index entry vanished some other way
    /// (FLUSHALL, a failover that lost it) has its outbox found again within that lifetime.
    /// </summary>
    public async Task RegisterPartitionAsync(string partnershipId)
    {
        var now = clock.GetTimestamp();
        if (_registered.TryGetValue(partnershipId, out var at) && clock.GetElapsedTime(at, now) < RegistrationLifetime) return;
        await redis.GetDatabase(redisOptions.Value.Database).SetAddAsync(keys.OutboxPartitions, partnershipId);
        Interlocked.Increment(ref _registrations);
        _registered[partnershipId] = now;
    }

    /// <summary>Forgets which partnerships were registered, so the next write with events registers its own again.</summary>
    public void ForgetRegistrations() => _registered.Clear();

    /// <summary>Queues the event into <paramref name="write"/>; it is stored only if the write is applied.</summary>
    public void Enqueue(RedisWrite write, string partnershipId, CloudEventEnvelope envelope) =>
        write.StreamAdd(keys.Outbox(partnershipId), EventField, envelope.ToJson());

    /// <summary>Queues the wake-up of every replica's dispatcher into the write itself (a PUBLISH inside the script, sent
    /// only if the write is applied, and after its entries are stored): no command of its own.</summary>
    public void QueueWakeUp(RedisWrite write) => write.Publish(WakeChannel(keys, redisOptions.Value), RedisValue.EmptyString);

    /// <summary>Tells the dispatcher there is work now (it also polls, so a missed signal only delays): this replica's at
    /// once, and, unless the write carried its own wake-up (<see cref="QueueWakeUp"/>), the others' through
    /// <see cref="WakeChannel"/> (fire-and-forget, no round trip waited for), because the replica that holds this
    /// partnership's outbox lease, the only one that publishes it, may be another.</summary>
    public void Notify(bool othersWoken = false)
    {
        signal.Notify();
        if (!othersWoken)
            redis.GetSubscriber().Publish(WakeChannel(keys, redisOptions.Value), RedisValue.EmptyString, CommandFlags.FireAndForget);
    }

    /// <summary>The channel that wakes every replica's outbox dispatcher of this service, e.g. <c>risk:outbox-partitions:wake@0</c>.
    /// Channels are not keys (no key prefix, no database), so both are written into the name.</summary>
    public static RedisChannel WakeChannel(RedisKeys keys, RedisOptions options) =>
        RedisChannel.Literal($"{options.KeyPrefix}{keys.OutboxPartitions}:wake@{options.Database}");
}

/// <summary>Wakes the outbox dispatcher after a commit so events leave promptly instead of at the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); } catch (SemaphoreFullException) { /* already signalled */ }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
