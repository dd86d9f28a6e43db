using Prometheus;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>Event-bus metrics. Labels are bounded: service and topic names come from code, outcome from a fixed set.</summary>
internal static class EventBusMetrics
{
    public static class Outcome
    {
        public const string Handled = "handled";
        public const string Duplicate = "duplicate";
        public const string Failed = "failed";
        public const string DeadLettered = "deadlettered";
        public const string InProgress = "inprogress";
    }

    /// <summary>A topic as a label: a route's topic is one of ours; anything else (a malformed delivery) is "unknown".</summary>
    public static string TopicLabel(string topic) => topic.Length <= 64 && topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_') ? topic : "unknown";

    public static readonly Counter Published = Metrics.CreateCounter(
        "csp_events_published_total", "Integration events handed to the transport.", "service", "topic");

    public static readonly Counter PublishFailures = Metrics.CreateCounter(
        "csp_events_publish_failures_total", "Integration events the transport did not accept (they stay in the outbox).", "service", "topic");

    public static readonly Counter Handled = Metrics.CreateCounter(
        "csp_events_handled_total", "Integration events delivered to this service, by outcome (handled, duplicate, inprogress, failed, deadlettered).",
        "service", "topic", "outcome");

    public static readonly Gauge OutboxPending = Metrics.CreateGauge(
        "csp_outbox_pending", "Outbox entries waiting to be published, as seen by the last dispatcher pass.", "service");

    public static readonly Gauge StreamPending = Metrics.CreateGauge(
        "csp_event_stream_pending", "Entries delivered to this service's consumer group but not yet acknowledged (Redis Streams transport).",
        "service", "topic");
}
