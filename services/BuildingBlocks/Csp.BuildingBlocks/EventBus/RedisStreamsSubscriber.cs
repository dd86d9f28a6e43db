using System.Collections.Concurrent;
using System.Text.Json;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>
/// The Redis Streams subscriber: one consumer group per service (named after it) on each subscribed topic's stream.
/// New entries are read with XREADGROUP and acknowledged only after the dispatcher returns (handled, duplicate or not
/// subscribed). A failed entry stays pending; once idle for <see cref="RedisStreamsOptions.ClaimIdle"/> it is taken over
/// with XAUTOCLAIM (by this or another replica) and retried. When XPENDING shows it has been delivered more than
/// <see cref="RedisStreamsOptions.MaxDeliveries"/> times it is copied to the service's dead-letter stream and acknowledged.
/// </summary>
public sealed class RedisStreamsSubscriber : BackgroundService
{
    // Diagnostic only: the reason of the last failure of an entry, for the dead-letter record.
    private const int MaxRememberedFailures = 10_000;

    private readonly IIntegrationEventDispatcher _dispatcher;
    private readonly IConnectionMultiplexer _redis;
    private readonly int _database;
    private readonly EventStreamKeys _streams;
    private readonly RedisStreamsOptions _options;
    private readonly EventBusStatus _status;
    private readonly ILogger<RedisStreamsSubscriber> _logger;
    private readonly string _service;
    private readonly string _group;
    private readonly string _consumer;
    private readonly ConcurrentDictionary<string, string> _lastFailure = new();

    public RedisStreamsSubscriber(
        IIntegrationEventDispatcher dispatcher, IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, EventStreamKeys streams,
        IOptions<EventBusOptions> options, EventBusStatus status, ServiceIdentity identity, ILogger<RedisStreamsSubscriber> logger)
    {
        _dispatcher = dispatcher;
        _redis = redis;
        _database = redisOptions.Value.Database;
        _streams = streams;
        _options = options.Value.Redis;
        _status = status;
        _logger = logger;
        _service = identity.Name;
        _group = identity.Name;
        // Each replica is its own consumer, so XPENDING shows who holds what; a dead replica's entries are reclaimed by the others.
        _consumer = $"{identity.Name}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("n")[..6]}";
    }

    public string ConsumerName => _consumer;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var topics = _dispatcher.Subscriptions.Select(s => s.Topic).ToArray();
        if (topics.Length == 0)
        {
            _status.MarkSubscribed();
            return;
        }

        var reclaimEvery = TimeSpan.FromTicks(Math.Clamp(_options.ClaimIdle.Ticks / 2, _options.PollInterval.Ticks, TimeSpan.FromSeconds(5).Ticks));
        var nextReclaim = DateTimeOffset.UtcNow;
        var groupsReady = false;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!groupsReady)
                {
                    await EnsureGroupsAsync(topics);
                    groupsReady = true;
                    _status.MarkSubscribed();
                    _logger.LogInformation("Subscribed to {Topics} as consumer {Consumer} of group {Group}", topics, _consumer, _group);
                }

                var delivered = 0;
                foreach (var topic in topics)
                    delivered += await ReadNewAsync(topic, stoppingToken);

                if (DateTimeOffset.UtcNow >= nextReclaim)
                {
                    foreach (var topic in topics)
                        delivered += await ReclaimAsync(topic, stoppingToken);
                    nextReclaim = DateTimeOffset.UtcNow + reclaimEvery;
                }

                if (delivered == 0)
                    await Task.Delay(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (RedisServerException ex) when (ex.Message.Contains("NOGROUP", StringComparison.Ordinal))
            {
                // The stream or group was deleted under us (e.g. a flushed database): create it again.
                _logger.LogWarning(ex, "Consumer group {Group} is missing; creating it again", _group);
                groupsReady = false;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.LogWarning(ex, "Redis Streams subscriber could not reach Redis; retrying in {Delay}", _options.ErrorBackoff);
                await DelayQuietly(_options.ErrorBackoff, stoppingToken);
            }
            catch (Exception ex)
            {
                // Never let the subscriber die and take the host with it; the entry that caused this stays pending.
                _logger.LogError(ex, "Redis Streams subscriber failed unexpectedly; retrying in {Delay}", _options.ErrorBackoff);
                await DelayQuietly(_options.ErrorBackoff, stoppingToken);
            }
        }
    }

    /// <summary>Leaves the group tidy: this consumer is removed if it holds no pending entries (removing one that does would
    /// drop them from the pending list, so those are left for another replica to claim).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!_status.IsSubscribed) return;
        try
        {
            var db = _redis.GetDatabase(_database);
            foreach (var topic in _dispatcher.Subscriptions.Select(s => s.Topic))
            {
                var key = _streams.Topic(topic);
                var held = await db.StreamPendingMessagesAsync(key, _group, 1, _consumer);
                if (held.Length == 0) await db.StreamDeleteConsumerAsync(key, _group, _consumer);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning(ex, "Could not remove consumer {Consumer} from group {Group} at shutdown", _consumer, _group);
        }
    }

    /// <summary>
    /// The group starts at "0", not "$": when a service subscribes for the first time it also receives the events
    /// published before it started (bounded by the stream's MaxLength), so an event written by a publisher that started
    /// first is never lost. Once the group exists its position is kept by Redis, so restarts do not replay anything.
    /// </summary>
    private async Task EnsureGroupsAsync(IEnumerable<string> topics)
    {
        var db = _redis.GetDatabase(_database);
        foreach (var topic in topics)
        {
            try
            {
                await db.StreamCreateConsumerGroupAsync(_streams.Topic(topic), _group, StreamPosition.Beginning, createStream: true);
            }
            catch (RedisServerException ex) when (ex.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
            {
                // Already there (another replica, or an earlier run): its position is kept.
            }
        }
    }

    private async Task<int> ReadNewAsync(string topic, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase(_database);
        var entries = await db.StreamReadGroupAsync(_streams.Topic(topic), _group, _consumer, StreamPosition.NewMessages, _options.BatchSize);
        foreach (var entry in entries)
            await DeliverAsync(db, topic, entry, cancellationToken);
        return entries.Length;
    }

    private async Task<int> ReclaimAsync(string topic, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase(_database);
        var key = _streams.Topic(topic);
        var claimed = 0;
        RedisValue cursor = "0-0";
        do
        {
            var result = await db.StreamAutoClaimAsync(key, _group, _consumer, (long)_options.ClaimIdle.TotalMilliseconds, cursor, _options.BatchSize);
            if (result.IsNull) break;
            foreach (var entry in result.ClaimedEntries)
            {
                if (entry.IsNull) continue;
                claimed++;
                // XAUTOCLAIM has just counted this delivery; XPENDING tells how many there have been in all.
                var pending = await db.StreamPendingMessagesAsync(key, _group, 1, _consumer, entry.Id, entry.Id);
                var deliveries = pending.Length == 1 ? pending[0].DeliveryCount : 1;
                if (deliveries > _options.MaxDeliveries)
                    await DeadLetterAsync(db, topic, entry, deliveries - 1, _lastFailure.TryGetValue(entry.Id!, out var reason) ? reason : "unknown (last failure seen by another consumer)");
                else
                {
                    _logger.LogInformation("Retrying entry {EntryId} on {Topic} (delivery {Delivery} of {MaxDeliveries})", (string?)entry.Id, topic, deliveries, _options.MaxDeliveries);
                    await DeliverAsync(db, topic, entry, cancellationToken);
                }
            }
            cursor = result.NextStartId;
        } while (cursor != "0-0" && !cancellationToken.IsCancellationRequested);

        var summary = await db.StreamPendingAsync(key, _group);
        EventBusMetrics.StreamPending.WithLabels(_service, topic).Set(summary.PendingMessageCount);
        return claimed;
    }

    private async Task DeliverAsync(IDatabase db, string topic, StreamEntry entry, CancellationToken cancellationToken)
    {
        var key = _streams.Topic(topic);
        var json = entry[RedisStreamsTransport.EventField];
        CloudEventEnvelope envelope;
        try
        {
            envelope = CloudEventEnvelope.FromJson(json.IsNullOrEmpty ? "" : json.ToString());
        }
        catch (JsonException ex)
        {
            // No retry can fix a malformed entry: set it aside at once.
            _logger.LogError(ex, "Entry {EntryId} on {Topic} is not a CloudEvent; dead-lettering it", (string?)entry.Id, topic);
            await DeadLetterAsync(db, topic, entry, 1, "malformed: " + ex.Message);
            return;
        }

        try
        {
            await _dispatcher.DispatchAsync(envelope, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Not acknowledged: it stays pending and is retried after ClaimIdle. The dispatcher has logged it.
            RememberFailure(entry.Id!, ex);
            return;
        }

        await db.StreamAcknowledgeAsync(key, _group, entry.Id);
        _lastFailure.TryRemove(entry.Id!, out _);
    }

    private async Task DeadLetterAsync(IDatabase db, string topic, StreamEntry entry, long deliveries, string reason)
    {
        var json = entry[RedisStreamsTransport.EventField];
        await db.StreamAddAsync(_streams.DeadLetter(topic, _service),
        [
            new NameValueEntry(RedisStreamsTransport.EventField, json.IsNull ? "" : json),
            new NameValueEntry("error", reason),
            new NameValueEntry("service", _service),
            new NameValueEntry("deliveries", deliveries),
            new NameValueEntry("entry", entry.Id),
            new NameValueEntry("at", DateTimeOffset.UtcNow.ToString("O")),
        ]);
        // A crash between the two commands leaves the entry pending, so it may be dead-lettered twice: never lost.
        await db.StreamAcknowledgeAsync(_streams.Topic(topic), _group, entry.Id);
        _lastFailure.TryRemove(entry.Id!, out _);
        EventBusMetrics.Handled.WithLabels(_service, topic, EventBusMetrics.Outcome.DeadLettered).Inc();
        _logger.LogError("Entry {EntryId} on {Topic} dead-lettered to {DeadLetterStream} after {Deliveries} deliveries: {Reason}",
            (string?)entry.Id, topic, _streams.DeadLetter(topic, _service), deliveries, reason);
    }

    private void RememberFailure(string entryId, Exception ex)
    {
        if (_lastFailure.Count >= MaxRememberedFailures) _lastFailure.Clear();
        _lastFailure[entryId] = $"{ex.GetType().Name}: {ex.Message}";
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken cancellationToken)
    {
        try { await Task.Delay(delay, cancellationToken); }
        catch (OperationCanceledException) { }
    }
}
