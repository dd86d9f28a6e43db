using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>Whether this process is receiving its subscribed events; read by the readiness check.</summary>
public sealed class EventBusStatus
{
    private volatile bool _isSubscribed;

    public bool IsSubscribed => _isSubscribed;

    public void MarkSubscribed() => _isSubscribed = true;

    public void MarkUnsubscribed() => _isSubscribed = false;
}

/// <summary>Readiness: unhealthy until the subscriptions are in place (healthy at once for a service with none).
/// With Dapr the subscriptions are the mapped endpoints, registered when the app starts.</summary>
public sealed class EventBusHealthCheck(EventBusStatus status, IIntegrationEventDispatcher dispatcher) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(dispatcher.Subscriptions.Count == 0 || status.IsSubscribed
            ? HealthCheckResult.Healthy($"{dispatcher.Subscriptions.Count} subscription(s) active")
            : HealthCheckResult.Unhealthy("event bus subscriptions are not running yet"));
}
