using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Csp.Contracts.IntegrationEvents;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>
/// A CloudEvents 1.0 envelope in structured JSON mode. <see cref="Type"/> is the event record's topic (e.g.
/// <c>action.completed</c>); <see cref="Id"/> is what consumers de-duplicate on, and it is kept unchanged through the
/// outbox, both transports and every redelivery. <see cref="TraceParent"/> and <see cref="TraceState"/> are the
/// CloudEvents distributed-tracing extension: the W3C trace context of the work that caused the event, under which its
/// handlers run.
/// </summary>
public sealed record CloudEventEnvelope
{
    public const string ContentType = "application/cloudevents+json";

    [JsonPropertyName("specversion")] public string SpecVersion { get; init; } = "1.0";
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("source")] public required string Source { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }
    [JsonPropertyName("subject")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Subject { get; init; }
    [JsonPropertyName("datacontenttype")] public string DataContentType { get; init; } = "application/json";

    /// <summary>Distributed-tracing extension: the W3C <c>traceparent</c> of the publishing work.</summary>
    [JsonPropertyName("traceparent")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? TraceParent { get; init; }

    /// <summary>Distributed-tracing extension: the W3C <c>tracestate</c>, when there is one.</summary>
    [JsonPropertyName("tracestate")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? TraceState { get; init; }

    /// <summary>Extension attribute: the partnership the event belongs to (also a partition key).</summary>
    [JsonPropertyName("partnership")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Partnership { get; init; }

    [JsonPropertyName("data")] public JsonElement Data { get; init; }

    /// <summary>The trace id the event carries (32 hex digits), or null.</summary>
    [JsonIgnore] public string? TraceId => ActivityContext.TryParse(TraceParent, TraceState, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>An envelope for <paramref name="data"/> on its own topic, under the current trace (if any).</summary>
    public static CloudEventEnvelope Create<TEvent>(TEvent data, string source, string? partnership, string? subject, DateTimeOffset time)
        where TEvent : IIntegrationEvent =>
        Create(TEvent.Topic, JsonSerializer.SerializeToElement(data, EventJson.Options), source, partnership, subject, time);

    internal static CloudEventEnvelope Create(string topic, JsonElement data, string source, string? partnership, string? subject, DateTimeOffset time)
    {
        var activity = Activity.Current;
        return new CloudEventEnvelope
        {
            Id = Guid.NewGuid().ToString("n"),
            Source = source,
            Type = topic,
            Time = time,
            Subject = subject,
            Partnership = partnership,
            TraceParent = activity?.IdFormat == ActivityIdFormat.W3C ? activity.Id : null,
            TraceState = activity?.IdFormat == ActivityIdFormat.W3C ? activity.TraceStateString : null,
            Data = data,
        };
    }

    public T GetData<T>() => Data.Deserialize<T>(EventJson.Options)
        ?? throw new JsonException($"CloudEvent {Id} of type {Type} has no data");

    public string ToJson() => JsonSerializer.Serialize(this, EventJson.Options);

    public static CloudEventEnvelope FromJson(string json) => JsonSerializer.Deserialize<CloudEventEnvelope>(json, EventJson.Options)
        ?? throw new JsonException("Empty CloudEvent");
}

/// <summary>JSON settings for event payloads: camelCase, string enums, ISO dates.</summary>
public static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}

/// <summary>
/// An event a write causes, on its own topic: <c>PendingEvent.Of(new ActionCompleted(...), "actions/42")</c>. The topic
/// comes from the event type, so it cannot be paired with the wrong payload. The write stores it in the outbox in the same
/// transaction as the change.
/// </summary>
public sealed class PendingEvent
{
    private PendingEvent(string topic, JsonElement data, string? subject)
    {
        Topic = topic;
        Data = data;
        Subject = subject;
    }

    public string Topic { get; }
    public JsonElement Data { get; }
    public string? Subject { get; }

    public static PendingEvent Of<TEvent>(TEvent data, string? subject) where TEvent : IIntegrationEvent =>
        new(TEvent.Topic, JsonSerializer.SerializeToElement(data, EventJson.Options), subject);

    internal CloudEventEnvelope ToEnvelope(string source, string partnership, DateTimeOffset time) =>
        CloudEventEnvelope.Create(Topic, Data, source, partnership, Subject, time);
}
