using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>Stream key naming of the Redis Streams transport; the streams are shared by every service.</summary>
public sealed class EventStreamKeys(IOptions<EventBusOptions> options)
{
    private readonly string _prefix = options.Value.Redis.StreamPrefix;

    /// <summary>The stream of a topic, e.g. <c>events:action.completed</c>.</summary>
    public string Topic(string topic) => _prefix + topic;

    /// <summary>Entries one service gave up on, e.g. <c>events:action.completed:deadletter:kpi</c>.</summary>
    public string DeadLetter(string topic, string service) => $"{_prefix}{topic}:deadletter:{service}";
}

/// <summary>Publishes by XADD of the envelope JSON (field <c>event</c>) to the topic's stream, optionally trimmed (MAXLEN ~).</summary>
public sealed class RedisStreamsTransport(
    IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, IOptions<EventBusOptions> options, EventStreamKeys streams) : IEventTransport
{
    public const string EventField = "event";

    public async Task PublishAsync(CloudEventEnvelope envelope, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = redis.GetDatabase(redisOptions.Value.Database);
        await db.StreamAddAsync(streams.Topic(envelope.Type), EventField, envelope.ToJson(),
            maxLength: options.Value.Redis.MaxLength, useApproximateMaxLength: true);
    }
}
