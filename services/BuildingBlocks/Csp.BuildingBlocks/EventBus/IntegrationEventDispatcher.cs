using System.Diagnostics;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>
/// Runs the handler subscribed to an envelope's topic, once per event id: a handled event leaves an inbox marker
/// (<see cref="RedisKeys.Inbox"/>, kept for <see cref="EventBusOptions.InboxRetention"/>), and a delivery that finds the
/// marker is reported as <see cref="DispatchOutcome.Duplicate"/> without calling the handler. The marker is written only
/// after the handler returns, so a handler that fails (or a process that dies mid-handler) is retried; two deliveries
/// racing each other can both run the handler, which is why handlers must still be idempotent.
/// </summary>
public sealed class IntegrationEventDispatcher : IIntegrationEventDispatcher
{
    /// <summary>The source of the "handle event" activities, for OpenTelemetry if it is listening.</summary>
    public static readonly ActivitySource Tracing = new("Csp.EventBus");

    private readonly IReadOnlyDictionary<string, EventSubscription> _byTopic;
    private readonly IServiceScopeFactory _scopes;
    private readonly IConnectionMultiplexer _redis;
    private readonly int _database;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _inboxRetention;
    private readonly string _service;
    private readonly ILogger<IntegrationEventDispatcher> _logger;

    public IntegrationEventDispatcher(
        IEnumerable<EventSubscription> subscriptions, IServiceScopeFactory scopes, IConnectionMultiplexer redis,
        IOptions<RedisOptions> redisOptions, RedisKeys keys, IOptions<EventBusOptions> options, ServiceIdentity identity,
        ILogger<IntegrationEventDispatcher> logger)
    {
        _byTopic = subscriptions.ToDictionary(s => s.Topic, StringComparer.Ordinal);
        Subscriptions = _byTopic.Values.ToList();
        _scopes = scopes;
        _redis = redis;
        _database = redisOptions.Value.Database;
        _keys = keys;
        _inboxRetention = options.Value.InboxRetention;
        _service = identity.Name;
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
        if (await db.KeyExistsAsync(inboxKey))
        {
            _logger.LogInformation("Event {EventId} on {Topic} was already handled; skipping the duplicate", envelope.Id, envelope.Type);
            EventBusMetrics.Handled.WithLabels(_service, envelope.Type, EventBusMetrics.Outcome.Duplicate).Inc();
            return DispatchOutcome.Duplicate;
        }

        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            await target.Invoke(scope.ServiceProvider, envelope, cancellationToken);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Handler {Handler} failed for event {EventId} on {Topic}", target.HandlerType.Name, envelope.Id, envelope.Type);
            EventBusMetrics.Handled.WithLabels(_service, envelope.Type, EventBusMetrics.Outcome.Failed).Inc();
            throw;
        }

        // The handler's own writes are not in this transaction: a crash right here means one more delivery, which handlers tolerate.
        await db.StringSetAsync(inboxKey, DateTimeOffset.UtcNow.ToString("O"), _inboxRetention);
        EventBusMetrics.Handled.WithLabels(_service, envelope.Type, EventBusMetrics.Outcome.Handled).Inc();
        _logger.LogDebug("Handled event {EventId} on {Topic}", envelope.Id, envelope.Type);
        return DispatchOutcome.Handled;
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
