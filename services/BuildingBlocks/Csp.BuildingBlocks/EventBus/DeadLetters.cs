using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>
/// The service's dead-letter store: one Redis stream, <c>{service}:deadletters</c>, capped at about
/// <see cref="EventBusOptions.DeadLetterMaxLength"/> entries (XADD MAXLEN ~). It keeps what a delivery carried (the raw
/// payload, as received), its topic, why it was set aside and when, for an operator to read and, if the cause is fixed,
/// republish. Both transports write here: deliveries that can never succeed (malformed, unknown, data of the wrong shape)
/// at once, and events whose handler kept failing after the last retry.
/// </summary>
public sealed class DeadLetters(IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, RedisKeys keys, IOptions<EventBusOptions> options,
    ServiceIdentity identity, ILogger<DeadLetters> logger)
{
    public const string PayloadField = "payload";

    /// <summary>The stream's key, e.g. <c>risk:deadletters</c> (a global key of the service: one command, any slot).</summary>
    public string Key => keys.Global("deadletters");

    /// <summary>Records one dead letter. <paramref name="eventId"/> is the envelope's id when it could be read.</summary>
    public async Task RecordAsync(string topic, string payload, string reason, string transport, string? eventId = null, long deliveries = 1, string? entryId = null)
    {
        var fields = new List<NameValueEntry>
        {
            new("topic", topic),
            new(PayloadField, payload),
            new("reason", reason),
            new("transport", transport),
            new("service", identity.Name),
            new("deliveries", deliveries),
            new("at", DateTimeOffset.UtcNow.ToString("O")),
        };
        if (eventId is not null) fields.Add(new("eventId", eventId));
        if (entryId is not null) fields.Add(new("entry", entryId));
        await redis.GetDatabase(redisOptions.Value.Database).StreamAddAsync(Key, fields.ToArray(),
            maxLength: options.Value.DeadLetterMaxLength, useApproximateMaxLength: true);
        EventBusMetrics.Handled.WithLabels(identity.Name, EventBusMetrics.TopicLabel(topic), EventBusMetrics.Outcome.DeadLettered).Inc();
        logger.LogError("Delivery on {Topic} (event {EventId}) dead-lettered to {DeadLetters} after {Deliveries} deliveries: {Reason}",
            topic, eventId ?? "unreadable", Key, deliveries, reason);
    }
}

/// <summary>Thrown for a delivery that no retry can make succeed (its data is not the topic's event): the transports
/// record it in <see cref="DeadLetters"/> and acknowledge it (Dapr: <c>DROP</c>) instead of retrying.</summary>
public sealed class UndeliverableEventException(string reason, Exception? inner = null) : Exception(reason, inner);
