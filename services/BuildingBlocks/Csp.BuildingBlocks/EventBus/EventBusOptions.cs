using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>Configuration section <c>EventBus</c>. Defaults run locally (Redis Streams) without any configuration.</summary>
public sealed class EventBusOptions
{
    public const string Section = "EventBus";
    public const string RedisTransport = "redis";
    public const string DaprTransport = "dapr";

    /// <summary><c>redis</c> (Redis Streams: local runs and tests) or <c>dapr</c> (the sidecar's pub/sub in the cluster).</summary>
    public string Transport { get; set; } = RedisTransport;

    public RedisStreamsOptions Redis { get; set; } = new();

    public DaprPubSubOptions Dapr { get; set; } = new();

    /// <summary>How long the "already handled" marker of an event id is kept. Redeliveries later than this are handled again.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the outbox dispatcher looks for work when nobody signals it.</summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Entries read from one partnership's outbox per pass.</summary>
    public int OutboxBatchSize { get; set; } = 100;

    public bool UsesDapr => string.Equals(Transport, DaprTransport, StringComparison.OrdinalIgnoreCase);
}

/// <summary><c>EventBus:Redis</c>: the Redis Streams transport.</summary>
public sealed class RedisStreamsOptions
{
    /// <summary>Stream key prefix; the stream of a topic is <c>{StreamPrefix}{topic}</c>, shared by every service.</summary>
    public string StreamPrefix { get; set; } = "events:";

    /// <summary>Pause between reads when no stream had new entries (StackExchange.Redis cannot block on XREADGROUP).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A delivered entry not acknowledged for this long is taken over (XAUTOCLAIM) and retried.</summary>
    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deliveries after which a failing entry is moved to the dead-letter stream.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Approximate cap on a topic stream's length (XADD MAXLEN ~); null keeps everything.</summary>
    public int? MaxLength { get; set; }

    /// <summary>Entries read per topic per XREADGROUP / XAUTOCLAIM call.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Delay before retrying after Redis could not be reached.</summary>
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary><c>EventBus:Dapr</c>: the Dapr pub/sub transport.</summary>
public sealed class DaprPubSubOptions
{
    /// <summary>Name of the Dapr pub/sub component (the chart's component is called <c>pubsub</c>).</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>Deadline for one publish call to the sidecar; DaprClient has no deadline of its own.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The sidecar's gRPC endpoint; when empty DaprClient uses <c>DAPR_GRPC_ENDPOINT</c> / <c>DAPR_GRPC_PORT</c> (set by the sidecar injector).</summary>
    public string? GrpcEndpoint { get; set; }
}

/// <summary>Start-up validation of <see cref="EventBusOptions"/>, including the nested sections.</summary>
internal sealed class EventBusOptionsValidator : IValidateOptions<EventBusOptions>
{
    public ValidateOptionsResult Validate(string? name, EventBusOptions options)
    {
        var errors = new List<string>();
        if (!string.Equals(options.Transport, EventBusOptions.RedisTransport, StringComparison.OrdinalIgnoreCase) && !options.UsesDapr)
            errors.Add($"EventBus:Transport must be '{EventBusOptions.RedisTransport}' or '{EventBusOptions.DaprTransport}', not '{options.Transport}'.");
        if (options.InboxRetention <= TimeSpan.Zero) errors.Add("EventBus:InboxRetention must be positive.");
        if (options.OutboxPollInterval <= TimeSpan.Zero) errors.Add("EventBus:OutboxPollInterval must be positive.");
        if (options.OutboxBatchSize is < 1 or > 10_000) errors.Add("EventBus:OutboxBatchSize must be between 1 and 10000.");

        var redis = options.Redis;
        if (string.IsNullOrWhiteSpace(redis.StreamPrefix)) errors.Add("EventBus:Redis:StreamPrefix is required.");
        if (redis.PollInterval <= TimeSpan.Zero) errors.Add("EventBus:Redis:PollInterval must be positive.");
        if (redis.ClaimIdle <= TimeSpan.Zero) errors.Add("EventBus:Redis:ClaimIdle must be positive.");
        if (redis.MaxDeliveries < 1) errors.Add("EventBus:Redis:MaxDeliveries must be at least 1.");
        if (redis.MaxLength is < 1) errors.Add("EventBus:Redis:MaxLength must be positive when set.");
        if (redis.BatchSize is < 1 or > 1_000) errors.Add("EventBus:Redis:BatchSize must be between 1 and 1000.");
        if (redis.ErrorBackoff <= TimeSpan.Zero) errors.Add("EventBus:Redis:ErrorBackoff must be positive.");

        var dapr = options.Dapr;
        if (string.IsNullOrWhiteSpace(dapr.PubSubName)) errors.Add("EventBus:Dapr:PubSubName is required.");
        if (dapr.PublishTimeout <= TimeSpan.Zero) errors.Add("EventBus:Dapr:PublishTimeout must be positive.");

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
