using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Redis;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Outbox;

/// <summary>
/// The transactional outbox: an event is appended to the partnership's outbox stream inside the same Redis transaction as
/// the state change that caused it. <see cref="OutboxDispatcher"/> later publishes it and removes it. A crash between the
/// two leaves the entry in the outbox, so it is published on the next pass (consumers de-duplicate by event id).
/// </summary>
public sealed class Outbox(RedisKeys keys, IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RedisOptions> redisOptions, OutboxSignal signal)
{
    public const string EventField = "event";

    /// <summary>Must be awaited before the transaction executes: registers the partnership with the dispatcher.
    /// (A separate key, so a separate command: in Redis Cluster it lives in another slot.)</summary>
    public Task RegisterPartitionAsync(string partnershipId) =>
        redis.GetDatabase(redisOptions.Value.Database).SetAddAsync(keys.OutboxPartitions, partnershipId);

    /// <summary>Queues the event into <paramref name="tx"/>; it is stored only if the transaction commits.</summary>
    public void Enqueue(ITransaction tx, string partnershipId, CloudEventEnvelope envelope) =>
        _ = tx.StreamAddAsync(keys.Outbox(partnershipId), EventField, envelope.ToJson());

    /// <summary>Tells the dispatcher there is work now (it also polls, so a missed signal only delays): this replica's at
    /// once, and the others' through <see cref="WakeChannel"/> (fire-and-forget, no round trip waited for), because the
    /// replica that holds this partnership's outbox lease, the only one that publishes it, may be another.</summary>
    public void Notify()
    {
        signal.Notify();
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
