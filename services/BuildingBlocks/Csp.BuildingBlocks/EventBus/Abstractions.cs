using Csp.Contracts.IntegrationEvents;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>Handles one integration event type. The same handler runs whichever transport delivered the event.
/// Throwing means "not handled": the transport redelivers and, after the configured number of failures, dead-letters.</summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : IIntegrationEvent
{
    Task HandleAsync(TEvent @event, CloudEventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>Sends an envelope to the pub/sub transport chosen by configuration (Redis Streams locally, Dapr in the cluster).
/// Services do not call this directly: they write events to the outbox, and the outbox dispatcher calls it.</summary>
public interface IEventTransport
{
    Task PublishAsync(CloudEventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>Runs the subscribed handler on a delivered envelope, in the given DI scope.</summary>
public delegate Task EventHandlerInvoker(IServiceProvider services, CloudEventEnvelope envelope, CancellationToken cancellationToken);

/// <summary>One subscription: a topic, the handler for the event type carried on it, and the typed call to it.</summary>
public sealed record EventSubscription(string Topic, Type EventType, Type HandlerType, EventHandlerInvoker Invoke);

/// <summary>Runs the handler for a delivered envelope: idempotency by event id, trace context, metrics.
/// Returns normally when the event is handled (or was already handled); throws when the handler failed.</summary>
public interface IIntegrationEventDispatcher
{
    IReadOnlyCollection<EventSubscription> Subscriptions { get; }
    Task<DispatchOutcome> DispatchAsync(CloudEventEnvelope envelope, CancellationToken cancellationToken);
}

/// <summary>What a delivery came to. <see cref="InProgress"/>: another delivery of the same event holds its claim right now;
/// the transport must not acknowledge this one, and delivers it again later.</summary>
public enum DispatchOutcome { Handled, Duplicate, NoSubscription, InProgress }
