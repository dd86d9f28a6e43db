using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>Stream key naming of the Redis Streams transport; the streams are shared by every service.</summary>
public sealed class EventStreamKeys(IOptions<EventBusOptions> options, IOptions<RedisOptions> redisOptions)
{
    private readonly string _prefix = options.Value.Redis.StreamPrefix;
    // Channels are not keys: neither the key prefix nor the database applies to them (PUBLISH reaches every database's
    // subscribers), so both are written into the name, and hosts on other databases or prefixes are not woken for nothing.
    private readonly string _channelPrefix = $"{redisOptions.Value.KeyPrefix}{options.Value.Redis.StreamPrefix}";
    private readonly string _channelSuffix = $":wake@{redisOptions.Value.Database}";

    /// <summary>The stream of a topic, e.g. <c>events:action.completed</c>.</summary>
    public string Topic(string topic) => _prefix + topic;

    /// <summary>Entries one service gave up on, e.g. <c>events:action.completed:deadletter:kpi</c>.</summary>
    public string DeadLetter(string topic, string service) => $"{_prefix}{topic}:deadletter:{service}";

    /// <summary>The pub/sub channel that announces new entries on a topic's stream, e.g. <c>events:action.completed:wake@0</c>
    /// (with the key prefix in front when one is set). A plain channel, not a sharded one: in Redis Cluster a PUBLISH
    /// reaches the subscribers on every node.</summary>
    public RedisChannel WakeChannel(string topic) => RedisChannel.Literal(_channelPrefix + topic + _channelSuffix);
}

/// <summary>Publishes by XADD of the envelope JSON (field <c>event</c>) to the topic's stream, optionally trimmed (MAXLEN ~),
/// then announces the new entry on the topic's wake-up channel (<see cref="EventStreamKeys.WakeChannel"/>) so that idle
/// subscribers read at once instead of at their next poll.</summary>
public sealed class RedisStreamsTransport(
    IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<EventBusOptions> options, EventStreamKeys streams) : IEventTransport
{
    public const string EventField = "event";
    private readonly ISubscriber _subscriber = redis.GetSubscriber();

    public async Task PublishAsync(CloudEventEnvelope envelope, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase(redisOptions.Value.Database);
        var id = await db.StreamAddAsync(streams.Topic(envelope.Type), EventField, envelope.ToJson(),
            maxLength: options.Value.Redis.MaxLength, useApproximateMaxLength: true);
        // Only after the XADD has answered: in a cluster the channel and the stream may live on different nodes, and a
        // wake-up that overtook its entry would find nothing to read. Fire-and-forget, so the publisher waits for no second
        // round trip; a lost wake-up costs the subscriber no more than its poll interval.
        _subscriber.Publish(streams.WakeChannel(envelope.Type), id, CommandFlags.FireAndForget);
    }
}
