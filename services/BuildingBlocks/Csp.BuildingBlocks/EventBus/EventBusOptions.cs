using Microsoft.Extensions.Options;
using Microsoft.Extensions.Hosting;

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

    /// <summary>How long a replica's lease on one partnership's outbox lasts without renewal. Only the holder publishes that
    /// outbox; when it dies, another replica takes the partnership over once the lease has run out.</summary>
    public TimeSpan OutboxLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a delivery's claim on an event id lasts without renewal (renewed while the handler runs). While it
    /// is held, another delivery of the same event is told to come back later instead of running the handler too.</summary>
    public TimeSpan HandlerLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Approximate cap on the dead-letter stream of the service (<c>{service}:deadletters</c>).</summary>
    public int DeadLetterMaxLength { get; set; } = 10_000;

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
    /// <summary>The environment variable the Dapr sidecar and the app share the app API token through.</summary>
    public const string AppApiTokenVariable = "APP_API_TOKEN";

    /// <summary>The header the sidecar sends the app API token in.</summary>
    public const string AppApiTokenHeader = "dapr-api-token";

    /// <summary>Name of the Dapr pub/sub component (the chart's component is called <c>pubsub</c>).</summary>
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>Deadline for one publish call to the sidecar; DaprClient has no deadline of its own.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The sidecar's gRPC endpoint; when empty DaprClient uses <c>DAPR_GRPC_ENDPOINT</c> / <c>DAPR_GRPC_PORT</c> (set by the sidecar injector).</summary>
    public string? GrpcEndpoint { get; set; }

    /// <summary>Dapr's app API token: every call of the sidecar to this app carries it in the <c>dapr-api-token</c> header.
    /// When empty it is read from <c>APP_API_TOKEN</c>, the variable Dapr itself reads. Required with the Dapr transport.</summary>
    public string? AppApiToken { get; set; }

    /// <summary>Start without an app API token, accepting deliveries from anyone who can reach the port: only for a local
    /// <c>dapr run</c>. Refused in the Production environment.</summary>
    public bool AllowDeliveriesWithoutToken { get; set; }
}

/// <summary>Start-up validation of <see cref="EventBusOptions"/>, including the nested sections.</summary>
internal sealed class EventBusOptionsValidator(IHostEnvironment environment) : IValidateOptions<EventBusOptions>
{
    public ValidateOptionsResult Validate(string? name, EventBusOptions options)
    {
        var errors = new List<string>();
        if (!string.Equals(options.Transport, EventBusOptions.RedisTransport, StringComparison.OrdinalIgnoreCase) && !options.UsesDapr)
            errors.Add($"EventBus:Transport must be '{EventBusOptions.RedisTransport}' or '{EventBusOptions.DaprTransport}', not '{options.Transport}'.");
        if (options.InboxRetention <= TimeSpan.Zero) errors.Add("EventBus:InboxRetention must be positive.");
        if (options.OutboxPollInterval <= TimeSpan.Zero) errors.Add("EventBus:OutboxPollInterval must be positive.");
        if (options.OutboxBatchSize is < 1 or > 10_000) errors.Add("EventBus:OutboxBatchSize must be between 1 and 10000.");
        if (options.OutboxLease <= TimeSpan.Zero) errors.Add("EventBus:OutboxLease must be positive.");
        if (options.HandlerLease <= TimeSpan.Zero) errors.Add("EventBus:HandlerLease must be positive.");
        if (options.DeadLetterMaxLength < 1) errors.Add("EventBus:DeadLetterMaxLength must be positive.");

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
        if (options.UsesDapr && string.IsNullOrEmpty(dapr.AppApiToken))
        {
            if (!dapr.AllowDeliveriesWithoutToken)
                errors.Add("EventBus:Dapr:AppApiToken (or APP_API_TOKEN) is required with the Dapr transport: without it anyone who reaches the port can post events. " +
                           "For a local 'dapr run' only, set EventBus:Dapr:AllowDeliveriesWithoutToken=true.");
            else if (environment.IsProduction())
                errors.Add("EventBus:Dapr:AllowDeliveriesWithoutToken is refused in Production: set APP_API_TOKEN (the chart does).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
