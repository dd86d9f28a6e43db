using System.Diagnostics;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>
/// Runs the handler subscribed to an envelope's topic, once per event id, with an atomic claim in the inbox key
/// <see cref="RedisKeys.Inbox"/> (one key per event, a single-key command, so it may live in any Redis Cluster slot):
/// <list type="bullet">
/// <item><c>SET inbox "processing:{owner}" NX PX HandlerLease</c> claims the event; the claim is renewed while the handler
/// runs, so a slow handler keeps it;</item>
/// <item>on success the key becomes a "done" marker kept for <see cref="EventBusOptions.InboxRetention"/>
/// (<see cref="DispatchOutcome.Handled"/>); a later delivery finds it and is a <see cref="DispatchOutcome.Duplicate"/>;</item>
/// <item>on failure the claim is released (compare-and-delete) and the exception propagates, so the transport retries;</item>
/// <item>a delivery that finds another delivery's live claim is <see cref="DispatchOutcome.InProgress"/>: the transport
/// must not acknowledge it, and delivers it again later, when it will find "done" (or a released claim).</item>
/// </list>
/// Two deliveries of one event therefore never run the handler at the same time, and a handled event is not handled again
/// while its marker is kept. A process that dies between the handler's own writes and the "done" marker leaves a claim
/// that runs out after the lease, and the event is handled again: handlers stay idempotent.
/// </summary>
public sealed class IntegrationEventDispatcher : IIntegrationEventDispatcher
{
    /// <summary>The source of the "handle event" activities, for OpenTelemetry if it is listening.</summary>
    public static readonly ActivitySource Tracing = new("Csp.EventBus");

    private const string ProcessingPrefix = "processing:";
    private const string DonePrefix = "done:";

    private readonly IReadOnlyDictionary<string, EventSubscription> _byTopic;
    private readonly IServiceScopeFactory _scopes;
    private readonly IConnectionMultiplexer _redis;
    private readonly int _database;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _inboxRetention;
    private readonly TimeSpan _handlerLease;
    private readonly string _service;
    private readonly string _replica;
    private readonly ILogger<IntegrationEventDispatcher> _logger;

    public IntegrationEventDispatcher(
        IEnumerable<EventSubscription> subscriptions, IServiceScopeFactory scopes, IConnectionMultiplexer redis,
        IOptions<RedisOptions> redisOptions, RedisKeys keys, IOptions<EventBusOptions> options, ServiceIdentity identity,
        ReplicaIdentity replica, ILogger<IntegrationEventDispatcher> logger)
    {
        _byTopic = subscriptions.ToDictionary(s => s.Topic, StringComparer.Ordinal);
        Subscriptions = _byTopic.Values.ToList();
        _scopes = scopes;
        _redis = redis;
        _database = redisOptions.Value.Database;
        _keys = keys;
        _inboxRetention = options.Value.InboxRetention;
        _handlerLease = options.Value.HandlerLease;
        _service = identity.Name;
        _replica = replica.Name;
        _logger = logger;
    }

    public IReadOnlyCollection<EventSubscription> Subscriptions { get; }

    public async Task<DispatchOutcome> DispatchAsync(CloudEventEnvelope envelope, CancellationToken cancellationToken)
    {
        if (!_byTopic.TryGetValue(envelope.Type, out var target))
        {
            _logger.LogDebug("No subscription for event {EventId} of type {Topic}", envelope.Id, envelope.Type);
            return DispatchOutcome.NoSubscription;
        }

        using var activity = StartHandling(envelope);
        using var logScope = _logger.BeginScope(new Dictionary<string, object?>
        {
            ["EventId"] = envelope.Id,
            ["Topic"] = envelope.Type,
        });

        var db = _redis.GetDatabase(_database);
        var inboxKey = _keys.Inbox(envelope.Id);
        var owner = $"{ProcessingPrefix}{_replica}:{Guid.NewGuid():n}";
        var (claimed, existing) = await ClaimAsync(db, inboxKey, owner);
        if (!claimed)
        {
            if (existing.StartsWith(ProcessingPrefix, StringComparison.Ordinal))
            {
                _logger.LogInformation("Event {EventId} on {Topic} is being handled by another delivery; leaving it for later", envelope.Id, envelope.Type);
                EventBusMetrics.Handled.WithLabels(_service, envelope.Type, EventBusMetrics.Outcome.InProgress).Inc();
                return DispatchOutcome.InProgress;
            }
            _logger.LogInformation("Event {EventId} on {Topic} was already handled; skipping the duplicate", envelope.Id, envelope.Type);
            EventBusMetrics.Handled.WithLabels(_service, envelope.Type, EventBusMetrics.Outcome.Duplicate).Inc();
            return DispatchOutcome.Duplicate;
        }

        try
        {
            await using (RedisLease.KeepAlive(db, inboxKey, owner, _handlerLease))
            {
                await using var scope = _scopes.CreateAsyncScope();
                await target.Invoke(scope.ServiceProvider, envelope, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            await ReleaseQuietlyAsync(db, inboxKey, owner);
            if (ex is UndeliverableEventException)
                _logger.LogWarning(ex, "Event {EventId} on {Topic} can never be handled by {Handler}", envelope.Id, envelope.Type, target.HandlerType.Name);
            else
            {
                _logger.LogWarning(ex, "Handler {Handler} failed for event {EventId} on {Topic}", target.HandlerType.Name, envelope.Id, envelope.Type);
                EventBusMetrics.Handled.WithLabels(_service, envelope.Type, EventBusMetrics.Outcome.Failed).Inc();
            }
            throw;
        }

        // The handler's own writes are not in this command: a crash right here leaves the claim to run out, and one more delivery.
        await db.StringSetAsync(inboxKey, DonePrefix + DateTimeOffset.UtcNow.ToString("O"), _inboxRetention);
        EventBusMetrics.Handled.WithLabels(_service, envelope.Type, EventBusMetrics.Outcome.Handled).Inc();
        _logger.LogDebug("Handled event {EventId} on {Topic}", envelope.Id, envelope.Type);
        return DispatchOutcome.Handled;
    }

    /// <summary>Claims the event, or tells what holds it: a live claim (<c>processing:...</c>) or a done marker.</summary>
    private async Task<(bool Claimed, string Existing)> ClaimAsync(IDatabase db, string inboxKey, string owner)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (await db.StringSetAsync(inboxKey, owner, _handlerLease, When.NotExists)) return (true, "");
            var existing = await db.StringGetAsync(inboxKey);
            if (!existing.IsNull) return (false, existing.ToString());
            // The other claim was released (or ran out) between the two commands: try again.
        }
        return (false, ProcessingPrefix);
    }

    private async Task ReleaseQuietlyAsync(IDatabase db, string inboxKey, string owner)
    {
        try { await RedisLease.ReleaseAsync(db, inboxKey, owner); }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _logger.LogWarning(ex, "Could not release the claim {InboxKey}; it runs out after {Lease}", inboxKey, _handlerLease);
        }
    }
    /// <summary>The handler runs under the publisher's trace: a child of the envelope's <c>traceparent</c>, so its logs and
    /// the events it causes carry the same trace id as the request that started it all.</summary>
    private static Activity StartHandling(CloudEventEnvelope envelope)
    {
        var name = "handle " + envelope.Type;
        var parent = ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, out var context) ? context : default;
        var activity = Tracing.StartActivity(name, ActivityKind.Consumer, parent) ?? new Activity(name);
        if (activity.Id is null)
        {
            if (parent != default) activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
            activity.Start();
        }
        activity.SetTag("messaging.message.id", envelope.Id);
        activity.SetTag("messaging.destination.name", envelope.Type);
        return activity;
    }
}
