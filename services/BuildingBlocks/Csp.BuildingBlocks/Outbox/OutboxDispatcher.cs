using System.Text.Json;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Outbox;

/// <summary>
/// Publishes what <see cref="Outbox"/> wrote: for each partnership in the outbox set whose lease this replica holds, reads
/// the oldest entries (XRANGE), hands each to the transport and deletes it (XDEL) once the transport accepted it. A failed
/// publish leaves the entry (and the entries after it in that partnership, to keep their order) for the next pass.
/// <para>One publisher per partnership: the lease <c>{service}:{{partnership}}:outbox-lease</c> (SET NX PX
/// <see cref="EventBusOptions.OutboxLease"/>, renewed by its holder on every pass and before each publish once a third of it
/// has gone) decides which replica publishes that partnership's outbox; the others skip it. When the holder dies its lease
/// runs out and the next replica to pass takes the partnership over. So an entry is published once in the normal case;
/// a crash between publish and XDEL, or a holder that stalls longer than its lease, publishes it again, and consumers
/// de-duplicate by event id.</para>
/// </summary>
public sealed class OutboxDispatcher(
    IEventTransport transport, IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, RedisKeys keys,
    OutboxSignal signal, IOptions<EventBusOptions> options, ServiceIdentity identity, ReplicaIdentity replica, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    /// <summary>The lease that makes one replica the publisher of a partnership's outbox (a single key in its slot).</summary>
    public static string LeaseKey(RedisKeys keys, string partnershipId) => keys.For(partnershipId, "outbox-lease");

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _held = new();
    private Action<RedisChannel, RedisValue>? _onWake;
    private bool _listening;

    /// <summary>Another replica's commit wakes this one (<see cref="Outbox.Notify"/>): it may hold the lease of the
    /// partnership written. Without the subscription (Redis unreachable at start) the poll still finds the work.</summary>
    private async Task ListenForWakeUpsAsync()
    {
        _onWake = (_, _) => signal.Notify();
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Outbox.WakeChannel(keys, redisOptions.Value), _onWake);
            _listening = true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not listen for outbox wake-ups; other replicas' events wait for the poll ({Poll})", options.Value.OutboxPollInterval);
        }
    }

    /// <summary>Gives back the leases this replica holds, so another replica takes their partnerships over at once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_listening)
        {
            try { await redis.GetSubscriber().UnsubscribeAsync(Outbox.WakeChannel(keys, redisOptions.Value), _onWake); }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogDebug(ex, "Could not unsubscribe from the outbox wake-ups; the connection closes anyway");
            }
        }
        var db = redis.GetDatabase(redisOptions.Value.Database);
        foreach (var partnership in _held.Keys)
        {
            try { await RedisLease.ReleaseAsync(db, LeaseKey(keys, partnership), replica.Name); }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not give back the outbox lease of {Partnership}; it runs out by itself", partnership);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ListenForWakeUpsAsync();
        var poll = options.Value.OutboxPollInterval;
        var backoff = poll;
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = poll;
            try
            {
                var result = await DispatchPassAsync(stoppingToken);
                if (result.Failures > 0)
                {
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                    delay = backoff;
                }
                else
                {
                    backoff = poll;
                    // A full batch means there is more: go again without waiting.
                    if (result.MoreWaiting) continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Outbox pass failed; retrying in {Delay}", backoff);
                delay = backoff;
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }

            try
            {
                await signal.WaitAsync(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One pass over every partnership's outbox; returns how many events were published.</summary>
    public async Task<int> DispatchPendingAsync(CancellationToken cancellationToken) =>
        (await DispatchPassAsync(cancellationToken)).Published;

    private async Task<PassResult> DispatchPassAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase(redisOptions.Value.Database);
        var batch = options.Value.OutboxBatchSize;
        var published = 0;
        var failures = 0;
        var more = false;
        long waiting = 0;
        var oldestAge = TimeSpan.Zero;

        var leaseTime = options.Value.OutboxLease;
        foreach (var partnership in await db.SetMembersAsync(keys.OutboxPartitions))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stream = keys.Outbox(partnership!);
            var lease = LeaseKey(keys, partnership!);
            if (!await RedisLease.HoldAsync(db, lease, replica.Name, leaseTime))
            {
                _held.TryRemove(partnership!, out _);
                continue; // another replica publishes this one
            }
            _held[partnership!] = true;
            var renewed = DateTimeOffset.UtcNow;
            var entries = await db.StreamRangeAsync(stream, "-", "+", batch);
            foreach (var entry in entries)
            {
                if (DateTimeOffset.UtcNow - renewed > leaseTime / 3)
                {
                    // A slow transport ate into the lease: make sure it is still ours before publishing more.
                    if (!await RedisLease.ExtendAsync(db, lease, replica.Name, leaseTime)) break;
                    renewed = DateTimeOffset.UtcNow;
                }

                var json = entry[Outbox.EventField];
                if (json.IsNullOrEmpty)
                {
                    logger.LogError("Outbox entry {EntryId} of {Partnership} has no event; removing it", (string?)entry.Id, (string?)partnership);
                    await db.StreamDeleteAsync(stream, [entry.Id]);
                    continue;
                }

                CloudEventEnvelope envelope;
                try
                {
                    envelope = CloudEventEnvelope.FromJson(json!);
                }
                catch (JsonException ex)
                {
                    // Cannot be published, and must not block the partnership's later events: set it aside for an operator.
                    logger.LogError(ex, "Outbox entry {EntryId} of {Partnership} is not a CloudEvent; moving it to {Quarantine}",
                        (string?)entry.Id, (string?)partnership, keys.For(partnership!, "outbox-quarantine"));
                    await db.StreamAddAsync(keys.For(partnership!, "outbox-quarantine"), Outbox.EventField, json);
                    await db.StreamDeleteAsync(stream, [entry.Id]);
                    continue;
                }

                try
                {
                    await transport.PublishAsync(envelope, cancellationToken);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    EventBusMetrics.PublishFailures.WithLabels(identity.Name, envelope.Type).Inc();
                    logger.LogWarning(ex, "Publishing event {EventId} on {Topic} failed; it stays in the outbox of {Partnership}",
                        envelope.Id, envelope.Type, (string?)partnership);
                    break;
                }

                EventBusMetrics.Published.WithLabels(identity.Name, envelope.Type).Inc();
                // A crash here publishes the event again on the next pass; consumers de-duplicate by its id.
                await db.StreamDeleteAsync(stream, [entry.Id]);
                published++;
            }

            if (entries.Length == batch && failures == 0) more = true;
            var left = await db.StreamLengthAsync(stream);
            waiting += left;
            if (left > 0 && OutboxAge.Of(await db.StreamRangeAsync(stream, "-", "+", 1), DateTimeOffset.UtcNow) is { } age && age > oldestAge) oldestAge = age;
        }

        EventBusMetrics.OutboxPending.WithLabels(identity.Name).Set(waiting);
        OutboxAge.Oldest.WithLabels(identity.Name).Set(oldestAge.TotalSeconds);
        return new PassResult(published, failures, more);
    }

    private readonly record struct PassResult(int Published, int Failures, bool MoreWaiting);
}
