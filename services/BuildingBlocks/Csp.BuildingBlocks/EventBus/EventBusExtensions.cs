using Csp.BuildingBlocks.Outbox;
using Csp.Contracts.IntegrationEvents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.EventBus;

public static class EventBusExtensions
{
    /// <summary>
    /// The event bus chosen by <c>EventBus:Transport</c>: the outbox and its dispatcher, the idempotent dispatcher, the
    /// transport (Redis Streams publisher and subscriber, or DaprClient), and the <c>eventbus</c> readiness check.
    /// Needs <c>AddCspRedis()</c> and a <see cref="Hosting.ServiceIdentity"/>. With Dapr, also call
    /// <see cref="EventBusEndpoints.MapEventBusEndpoints"/> on the app.
    /// </summary>
    public static EventBusBuilder AddCspEventBus(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // Registering twice would start the hosted services twice; later calls only add subscriptions.
        if (services.Any(d => d.ServiceType == typeof(EventBusStatus))) return new EventBusBuilder(services);

        var section = builder.Configuration.GetSection(EventBusOptions.Section);
        services.AddOptions<EventBusOptions>().Bind(section).ValidateOnStart()
            // Dapr hands the app its API token in APP_API_TOKEN (the chart sets it from a secret).
            .PostConfigure(o => { if (string.IsNullOrEmpty(o.Dapr.AppApiToken)) o.Dapr.AppApiToken = builder.Configuration[DaprPubSubOptions.AppApiTokenVariable]; });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventBusOptions>, EventBusOptionsValidator>());

        services.TryAddSingleton<EventBusStatus>();
        services.TryAddSingleton<Hosting.ReplicaIdentity>();
        services.TryAddSingleton<Hosting.BusinessGaugeLease>();
        services.AddHostedService(sp => sp.GetRequiredService<Hosting.BusinessGaugeLease>());
        services.TryAddSingleton<DeadLetters>();
        services.TryAddSingleton<IIntegrationEventDispatcher, IntegrationEventDispatcher>();
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<Outbox.Outbox>();
        services.TryAddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddHealthChecks().AddCheck<EventBusHealthCheck>("eventbus", tags: ["ready"]);

        var transport = section[nameof(EventBusOptions.Transport)] ?? EventBusOptions.RedisTransport;
        if (string.Equals(transport, EventBusOptions.DaprTransport, StringComparison.OrdinalIgnoreCase))
        {
            services.AddDaprClient((sp, dapr) =>
            {
                var endpoint = sp.GetRequiredService<IOptions<EventBusOptions>>().Value.Dapr.GrpcEndpoint;
                if (!string.IsNullOrWhiteSpace(endpoint)) dapr.UseGrpcEndpoint(endpoint);
            });
            services.TryAddSingleton<IEventTransport, DaprEventTransport>();
        }
        else
        {
            // Unknown values fall through here and are rejected by the options validator at start.
            services.TryAddSingleton<EventStreamKeys>();
            services.TryAddSingleton<IEventTransport, RedisStreamsTransport>();
            services.TryAddSingleton<RedisStreamsSubscriber>();
            services.AddHostedService(sp => sp.GetRequiredService<RedisStreamsSubscriber>());
        }

        return new EventBusBuilder(services);
    }
}

/// <summary>Fluent subscription registration: <c>AddCspEventBus().AddSubscription&lt;ActionCompleted, ActionCompletedHandler&gt;()</c>.
/// The topic is the event record's own (<see cref="IIntegrationEvent.Topic"/>).</summary>
public sealed class EventBusBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Subscribes <typeparamref name="THandler"/> (scoped) to <typeparamref name="TEvent"/>'s topic. One handler per
    /// topic per service.</summary>
    public EventBusBuilder AddSubscription<TEvent, THandler>()
        where TEvent : IIntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        if (Services.Any(d => d.ServiceType == typeof(EventSubscription) && ((EventSubscription)d.ImplementationInstance!).Topic == TEvent.Topic))
            throw new InvalidOperationException($"Topic '{TEvent.Topic}' already has a handler in this service.");
        Services.TryAddScoped<THandler>();
        Services.AddSingleton(new EventSubscription(TEvent.Topic, typeof(TEvent), typeof(THandler),
            static (services, envelope, cancellationToken) =>
                services.GetRequiredService<THandler>().HandleAsync(Read<TEvent>(envelope), envelope, cancellationToken)));
        return this;
    }

    /// <summary>The event's data as its record; data of another shape can never be handled, so it is undeliverable.</summary>
    private static TEvent Read<TEvent>(CloudEventEnvelope envelope) where TEvent : IIntegrationEvent
    {
        try
        {
            return envelope.GetData<TEvent>();
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new UndeliverableEventException($"data is not a {typeof(TEvent).Name}: {ex.Message}", ex);
        }
    }
}
