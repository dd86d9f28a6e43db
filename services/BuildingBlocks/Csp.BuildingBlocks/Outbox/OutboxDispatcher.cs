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
/// Publishes what <see cref="Outbox"/> wrote: for each partnership in the outbox set, reads the oldest entries (XRANGE),
/// hands each to the transport and deletes it (XDEL) once the transport accepted it. A failed publish leaves the entry
/// (and the entries after it in that partnership, to keep their order) for the next pass.
/// Delivery is at least once: a crash between publish and XDEL publishes the entry again after restart, and several
/// replicas may publish the same entry concurrently; consumers de-duplicate by event id, so both are harmless.
/// </summary>
public sealed class OutboxDispatcher(
    IEventTransport transport, IConnectionMultiplexer redis, IOptions<RedisOptions> redisOptions, RedisKeys keys,
    OutboxSignal signal, IOptions<EventBusOptions> options, ServiceIdentity identity, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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

        foreach (var partnership in await db.SetMembersAsync(keys.OutboxPartitions))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var stream = keys.Outbox(partnership!);
            var entries = await db.StreamRangeAsync(stream, "-", "+", batch);
            foreach (var entry in entries)
            {
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
            waiting += await db.StreamLengthAsync(stream);
        }

        EventBusMetrics.OutboxPending.WithLabels(identity.Name).Set(waiting);
        return new PassResult(published, failures, more);
    }

    private readonly record struct PassResult(int Published, int Failures, bool MoreWaiting);
}
