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
/// Each replica is a consumer with a name of its own (<see cref="ReplicaIdentity"/>). New entries are read with XREADGROUP
/// and acknowledged only after the dispatcher returns (handled, duplicate or not subscribed); while a batch is handled its
/// unfinished entries are kept fresh, so no other replica takes them over. A failed entry, or one whose event another
/// delivery is handling right now, stays pending; once idle for <see cref="RedisStreamsOptions.ClaimIdle"/> it is taken
/// over with XAUTOCLAIM (by this or another replica) and retried. When its handler has failed
/// <see cref="RedisStreamsOptions.MaxDeliveries"/> times it is recorded in the service's <see cref="DeadLetters"/> and
/// acknowledged; so is an entry that can never succeed (not a CloudEvent, or data of the wrong shape), at once. Failures
/// are counted in a hash of their own per stream and group (<c>{stream}:failures:{group}</c>, by entry id), not taken from
/// XPENDING's delivery count: a delivery that found the event claimed by another (a replica still handling it, or one
/// killed mid-handling whose claim has not run out yet) is not a failure, and must not use up the retries.
/// <para>When no stream had new entries the loop waits <see cref="RedisStreamsOptions.PollInterval"/>, cut short by a
/// wake-up: the subscriber listens (SUBSCRIBE, on the multiplexer's subscription connection, never blocking the shared
/// one) on each topic's <see cref="EventStreamKeys.WakeChannel"/>, where <see cref="RedisStreamsTransport"/> announces
/// every entry it adds. A wake-up that is lost (a reconnect, a publisher that XADDs without announcing) costs at most the
/// poll interval, which stays the safety net.</para>
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
    private readonly DeadLetters _deadLetters;
    // Released by a wake-up; at most one is kept, so a burst of announcements costs one extra read, not one each.
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Action<RedisChannel, RedisValue> _onWake;
    private RedisChannel[] _wakeChannels = [];

    public RedisStreamsSubscriber(
        IIntegrationEventDispatcher dispatcher, IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, EventStreamKeys streams,
        IOptions<EventBusOptions> options, EventBusStatus status, ServiceIdentity identity, ReplicaIdentity replica, DeadLetters deadLetters,
        ILogger<RedisStreamsSubscriber> logger)
    {
        _deadLetters = deadLetters;
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
        _consumer = replica.Name;
        _onWake = (_, _) => Wake();
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
        var listening = false;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!listening)
                {
                    await ListenForWakeUpsAsync(topics);
                    listening = true;
                }

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
                    await _wake.WaitAsync(_options.PollInterval, stoppingToken);
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
        await StopListeningAsync();
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

    /// <summary>Subscribes to the topics' wake-up channels. Subscribed before the first read, so an entry added after that
    /// read is announced to a listener. StackExchange.Redis subscribes again by itself after a reconnect.</summary>
    private async Task ListenForWakeUpsAsync(IEnumerable<string> topics)
    {
        var subscriber = _redis.GetSubscriber();
        var channels = new List<RedisChannel>();
        foreach (var topic in topics)
        {
            var channel = _streams.WakeChannel(topic);
            await subscriber.SubscribeAsync(channel, _onWake);
            channels.Add(channel);
        }
        _wakeChannels = [.. channels];
    }

    private async Task StopListeningAsync()
    {
        var subscriber = _redis.GetSubscriber();
        foreach (var channel in _wakeChannels)
        {
            try { await subscriber.UnsubscribeAsync(channel, _onWake); }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _logger.LogDebug(ex, "Could not unsubscribe from {Channel}; the connection closes anyway", channel.ToString());
            }
        }
        _wakeChannels = [];
    }

    private void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { /* already awake */ }
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
        await DeliverBatchAsync(db, topic, entries.Select(e => (e, 1L)).ToList(), cancellationToken);
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
            var batch = new List<(StreamEntry Entry, long Deliveries)>();
            foreach (var entry in result.ClaimedEntries)
            {
                if (entry.IsNull) continue;
                claimed++;
                // XAUTOCLAIM has just counted this delivery; XPENDING tells how many there have been in all.
                var pending = await db.StreamPendingMessagesAsync(key, _group, 1, _consumer, entry.Id, entry.Id);
                batch.Add((entry, pending.Length == 1 ? pending[0].DeliveryCount : 1));
            }
            await DeliverBatchAsync(db, topic, batch, cancellationToken);
            cursor = result.NextStartId;
        } while (cursor != "0-0" && !cancellationToken.IsCancellationRequested);

        var summary = await db.StreamPendingAsync(key, _group);
        EventBusMetrics.StreamPending.WithLabels(_service, topic).Set(summary.PendingMessageCount);
        return claimed;
    }

    /// <summary>
    /// Handles a batch one entry at a time while keeping every entry not yet finished fresh: every third of
    /// <see cref="RedisStreamsOptions.ClaimIdle"/> an <c>XCLAIM ... JUSTID</c> of them by this consumer resets their idle time
    /// (without counting a delivery), so no other replica's XAUTOCLAIM takes over an entry this one is handling, or about
    /// to handle, however slow the handler ahead of it is. An entry that failed is left out at once, so it goes idle and is
    /// retried after ClaimIdle.
    /// </summary>
    private async Task DeliverBatchAsync(IDatabase db, string topic, IReadOnlyList<(StreamEntry Entry, long Deliveries)> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return;
        var key = _streams.Topic(topic);
        var unfinished = new ConcurrentDictionary<string, RedisValue>(batch.Select(b => KeyValuePair.Create((string)b.Entry.Id!, b.Entry.Id)));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var keeper = KeepFreshAsync(db, key, unfinished, stop.Token);
        try
        {
            foreach (var (entry, deliveries) in batch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // A first delivery has no failures yet: only a redelivery costs a look-up.
                var failures = deliveries > 1 ? (long?)await db.HashGetAsync(FailuresKey(topic), entry.Id) ?? 0 : 0;
                if (failures >= _options.MaxDeliveries)
                    await DeadLetterAsync(db, topic, entry, failures,
                        _lastFailure.TryGetValue(entry.Id!, out var reason) ? reason : "unknown (last failure seen by another consumer)");
                else
                {
                    if (deliveries > 1)
                        _logger.LogInformation("Retrying entry {EntryId} on {Topic} (delivery {Delivery}, {Failures} failed of {MaxDeliveries} allowed)",
                            (string?)entry.Id, topic, deliveries, failures, _options.MaxDeliveries);
                    await DeliverAsync(db, topic, entry, cancellationToken);
                }
                unfinished.TryRemove((string)entry.Id!, out _);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await keeper;
        }
    }

    private async Task KeepFreshAsync(IDatabase db, string key, ConcurrentDictionary<string, RedisValue> unfinished, CancellationToken stop)
    {
        var every = TimeSpan.FromTicks(Math.Max(_options.ClaimIdle.Ticks / 3, TimeSpan.FromMilliseconds(5).Ticks));
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var ids = unfinished.Values.ToArray();
                if (ids.Length == 0) continue;
                try { await db.StreamClaimIdsOnlyAsync(key, _group, _consumer, 0, ids); }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    _logger.LogWarning(ex, "Could not keep {Count} entries of {Stream} fresh; another replica may take them over", ids.Length, key);
                }
            }
        }
        catch (OperationCanceledException) { }
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
            await DeadLetterAsync(db, topic, entry, 1, "malformed: " + ex.Message);
            return;
        }

        DispatchOutcome outcome;
        try
        {
            outcome = await _dispatcher.DispatchAsync(envelope, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (UndeliverableEventException ex)
        {
            await DeadLetterAsync(db, topic, entry, 1, ex.Message, envelope.Id);
            return;
        }
        catch (Exception ex)
        {
            // Not acknowledged: it stays pending and is retried after ClaimIdle. The dispatcher has logged it.
            RememberFailure(entry.Id!, ex);
            await db.HashIncrementAsync(FailuresKey(topic), entry.Id);
            return;
        }

        // Another delivery of the same event holds its claim: leave this entry pending; once idle it comes back and finds "done".
        if (outcome == DispatchOutcome.InProgress) return;
        await db.StreamAcknowledgeAsync(key, _group, entry.Id);
        await ForgetFailuresAsync(db, topic, entry.Id);
    }

    /// <summary>Failed handler runs per entry id of one stream for this service's group (one key: no cross-slot command).</summary>
    private RedisKey FailuresKey(string topic) => $"{_streams.Topic(topic)}:failures:{_group}";

    private async Task ForgetFailuresAsync(IDatabase db, string topic, RedisValue entryId)
    {
        _lastFailure.TryRemove(entryId!, out _);
        await db.HashDeleteAsync(FailuresKey(topic), entryId);
    }

    private async Task DeadLetterAsync(IDatabase db, string topic, StreamEntry entry, long deliveries, string reason, string? eventId = null)
    {
        var json = entry[RedisStreamsTransport.EventField];
        await _deadLetters.RecordAsync(topic, json.IsNull ? "" : json.ToString(), reason, EventBusOptions.RedisTransport, eventId ?? TryReadId(json), deliveries, entry.Id);
        // A crash between the two commands leaves the entry pending, so it may be dead-lettered twice: never lost.
        await db.StreamAcknowledgeAsync(_streams.Topic(topic), _group, entry.Id);
        await ForgetFailuresAsync(db, topic, entry.Id);
    }

    private static string? TryReadId(RedisValue json)
    {
        try { return json.IsNullOrEmpty ? null : CloudEventEnvelope.FromJson(json.ToString()).Id; }
        catch (JsonException) { return null; }
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
