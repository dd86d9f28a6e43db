using System.Security.Cryptography;
using System.Text;
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
    private const string Transport = "dapr";

    /// <summary>
    /// With the Dapr transport, maps <c>GET /dapr/subscribe</c> (programmatic subscriptions, read by the sidecar at start)
    /// and <c>POST /events/{topic}</c> for each subscription, with the dead-letter topic <c>{topic}.deadletter</c>.
    /// With the Redis transport it maps nothing (the <see cref="RedisStreamsSubscriber"/> pulls instead): those paths are 404.
    /// Every one of them requires the sidecar's app API token (<c>dapr-api-token</c> header, compared in constant time with
    /// <see cref="DaprPubSubOptions.AppApiToken"/>): a call without it, or with another, is 401 and reaches no handler. They
    /// are not behind user authentication (the sidecar has no user token); the gateway has no route to them either.
    /// The raw body is read (no <c>UseCloudEvents</c>) so the envelope and its id stay whole.
    /// </summary>
    public static IEndpointRouteBuilder MapEventBusEndpoints(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var options = services.GetRequiredService<IOptions<EventBusOptions>>().Value;
        if (!options.UsesDapr) return app;

        var token = new AppApiToken(options.Dapr.AppApiToken);
        if (!token.IsRequired)
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EventBusEndpoints).FullName!)
                .LogWarning("Dapr deliveries are accepted without an app API token (EventBus:Dapr:AllowDeliveriesWithoutToken): local runs only");

        app.MapSubscribeHandler().AddEndpointFilter(token.Filter);
        var dispatcher = services.GetRequiredService<IIntegrationEventDispatcher>();
        foreach (var subscription in dispatcher.Subscriptions)
        {
            var topic = subscription.Topic;
            app.MapPost(RoutePrefix + topic, (HttpContext context, IIntegrationEventDispatcher bus, DeadLetters deadLetters, ILoggerFactory loggers) =>
                    DeliverAsync(context, topic, bus, deadLetters, loggers.CreateLogger(typeof(EventBusEndpoints).FullName!)))
                .WithTopic(new TopicOptions { PubsubName = options.Dapr.PubSubName, Name = topic, DeadLetterTopic = topic + ".deadletter" })
                .AddEndpointFilter(token.Filter)
                .AllowAnonymous()
                .ExcludeFromDescription();
        }

        var status = services.GetRequiredService<EventBusStatus>();
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(status.MarkSubscribed);
        return app;
    }

    /// <summary>Dapr's answers (HTTP 200 with a status): SUCCESS acknowledges, RETRY redelivers, DROP drops for good.</summary>
    private static IResult Status(string status) => Results.Ok(new { status });

    private static async Task<IResult> DeliverAsync(HttpContext context, string topic, IIntegrationEventDispatcher dispatcher, DeadLetters deadLetters, ILogger logger)
    {
        string body;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
            body = await reader.ReadToEndAsync(context.RequestAborted);

        CloudEventEnvelope envelope;
        try
        {
            envelope = CloudEventEnvelope.FromJson(body);
        }
        catch (JsonException ex)
        {
            // No retry can fix it: keep it in our dead letters and tell Dapr to drop it, rather than 400 (which it retries).
            return await DropAsync(deadLetters, topic, body, $"malformed: {ex.Message}", null);
        }

        if (!string.Equals(envelope.Type, topic, StringComparison.Ordinal))
            return await DropAsync(deadLetters, topic, body, $"type '{envelope.Type}' delivered to topic '{topic}'", envelope.Id);

        try
        {
            return await dispatcher.DispatchAsync(envelope, context.RequestAborted) switch
            {
                DispatchOutcome.InProgress => Status("RETRY"), // another delivery of it is being handled: come back later
                DispatchOutcome.NoSubscription => await DropAsync(deadLetters, topic, body, "no subscription for this topic", envelope.Id),
                _ => Status("SUCCESS"),
            };
        }
        catch (UndeliverableEventException ex)
        {
            return await DropAsync(deadLetters, topic, body, ex.Message, envelope.Id);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Non-2xx: the sidecar retries by its resiliency policy and finally dead-letters. Never report success for a failure.
            logger.LogWarning(ex, "Event {EventId} on {Topic} failed; returning 500 so Dapr retries", envelope.Id, topic);
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: "Event handler failed",
                detail: $"event {envelope.Id} was not handled");
        }
    }

    private static async Task<IResult> DropAsync(DeadLetters deadLetters, string topic, string body, string reason, string? eventId)
    {
        // If the record cannot be written this throws, and the sidecar retries: the delivery is never dropped unrecorded.
        await deadLetters.RecordAsync(topic, body, reason, Transport, eventId);
        return Status("DROP");
    }

    /// <summary>The sidecar's app API token, checked on every call of ours it makes. The comparison hashes both sides first
    /// and compares the hashes in constant time, so neither the content nor the length of the token leaks through timing.</summary>
    private sealed class AppApiToken(string? expected)
    {
        private readonly byte[]? _expectedHash = string.IsNullOrEmpty(expected) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(expected));

        public bool IsRequired => _expectedHash is not null;

        public async ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            if (_expectedHash is null) return await next(context);
            var presented = context.HttpContext.Request.Headers[DaprPubSubOptions.AppApiTokenHeader];
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented.Count == 1 ? presented[0] ?? "" : ""));
            if (presented.Count == 1 && CryptographicOperations.FixedTimeEquals(hash, _expectedHash)) return await next(context);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Missing or wrong Dapr app API token",
                detail: $"Deliveries must carry the sidecar's {DaprPubSubOptions.AppApiTokenHeader} header.");
        }
    }
}
