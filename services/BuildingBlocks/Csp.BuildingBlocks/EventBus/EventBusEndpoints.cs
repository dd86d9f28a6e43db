using System.Text.Json;
using Dapr;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>The Dapr side of subscriptions: <c>/dapr/subscribe</c> and one delivery endpoint per topic.</summary>
public static class EventBusEndpoints
{
    public const string RoutePrefix = "/events/";

    /// <summary>
    /// With the Dapr transport, maps <c>GET /dapr/subscribe</c> (programmatic subscriptions, read by the sidecar at start)
    /// and <c>POST /events/{topic}</c> for each subscription, with the dead-letter topic <c>{topic}.deadletter</c>.
    /// With the Redis transport it maps nothing (the <see cref="RedisStreamsSubscriber"/> pulls instead).
    /// The endpoints are anonymous because only the sidecar, on the pod's loopback, calls them: the gateway has no route
    /// to <c>/events</c> or <c>/dapr</c>. The raw body is read (no <c>UseCloudEvents</c>) so the envelope and its id stay whole.
    /// </summary>
    public static IEndpointRouteBuilder MapEventBusEndpoints(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var options = services.GetRequiredService<IOptions<EventBusOptions>>().Value;
        if (!options.UsesDapr) return app;

        app.MapSubscribeHandler();
        var dispatcher = services.GetRequiredService<IIntegrationEventDispatcher>();
        foreach (var subscription in dispatcher.Subscriptions)
        {
            var topic = subscription.Topic;
            app.MapPost(RoutePrefix + topic, (HttpContext context, IIntegrationEventDispatcher bus, ILoggerFactory loggers) =>
                    DeliverAsync(context, topic, bus, loggers.CreateLogger(typeof(EventBusEndpoints).FullName!)))
                .WithTopic(new TopicOptions { PubsubName = options.Dapr.PubSubName, Name = topic, DeadLetterTopic = topic + ".deadletter" })
                .AllowAnonymous()
                .ExcludeFromDescription();
        }

        var status = services.GetRequiredService<EventBusStatus>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(status.MarkSubscribed);
        return app;
    }

    private static async Task<IResult> DeliverAsync(HttpContext context, string topic, IIntegrationEventDispatcher dispatcher, ILogger logger)
    {
        CloudEventEnvelope envelope;
        try
        {
            envelope = await JsonSerializer.DeserializeAsync<CloudEventEnvelope>(context.Request.Body, EventJson.Options, context.RequestAborted)
                ?? throw new JsonException("Empty CloudEvent");
        }
        catch (JsonException ex)
        {
            // Dapr retries any status but 2xx and 404, then sends the message to the dead-letter topic: nothing is lost silently.
            logger.LogError(ex, "Delivery on {Topic} is not a CloudEvent envelope", topic);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed CloudEvent", detail: ex.Message);
        }

        if (!string.Equals(envelope.Type, topic, StringComparison.Ordinal))
        {
            logger.LogError("Event {EventId} of type {EventType} arrived on the route of {Topic}", envelope.Id, envelope.Type, topic);
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "CloudEvent type does not match the topic",
                detail: $"type '{envelope.Type}' delivered to topic '{topic}'");
        }

        try
        {
            await dispatcher.DispatchAsync(envelope, context.RequestAborted);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Non-2xx: the sidecar retries by its resiliency policy and finally dead-letters. Never report success for a failure.
            logger.LogWarning(ex, "Event {EventId} on {Topic} failed; returning 500 so Dapr retries", envelope.Id, topic);
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Event handler failed",
                detail: $"event {envelope.Id} was not handled");
        }

        return Results.Ok(new { status = "SUCCESS" });
    }
}
