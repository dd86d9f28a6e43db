using System.Text.Json;
using System.Text.Json.Serialization;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>
/// A CloudEvents 1.0 envelope in structured JSON mode. <see cref="Type"/> is the topic name declared in
/// Csp.Contracts (e.g. <c>action.completed</c>); <see cref="Id"/> is what consumers de-duplicate on, and it is
/// kept unchanged through the outbox, both transports and every redelivery.
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

    /// <summary>Extension attribute carrying the correlation id across services (CloudEvents extension names are lower-case alphanumerics).</summary>
    [JsonPropertyName("correlationid")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? CorrelationId { get; init; }

    /// <summary>Extension attribute: the partnership the event belongs to (also a partition key).</summary>
    [JsonPropertyName("partnership")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Partnership { get; init; }

    [JsonPropertyName("data")] public JsonElement Data { get; init; }

    public static CloudEventEnvelope Create<T>(string topic, string source, T data, string? partnership, string? subject, string? correlationId, DateTimeOffset time) => new()
    {
        Id = Guid.NewGuid().ToString("n"),
        Source = source,
        Type = topic,
        Time = time,
        Subject = subject,
        Partnership = partnership,
        CorrelationId = correlationId,
        Data = JsonSerializer.SerializeToElement(data, EventJson.Options),
    };

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
