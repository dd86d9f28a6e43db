using Prometheus;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Outbox;

/// <summary>
/// How long the oldest unpublished outbox entry has waited, from its stream id (Redis's own clock: <c>ms-seq</c>), after
/// each dispatcher pass: <c>csp_outbox_oldest_age_seconds{service}</c>, the oldest over the partnerships this replica
/// publishes (0 when they are empty). Replicas that publish nothing report 0, so <c>max by (service)</c> is the answer.
/// </summary>
public static class OutboxAge
{
    public static readonly Gauge Oldest = Metrics.CreateGauge("csp_outbox_oldest_age_seconds",
        "Age of the oldest outbox entry left unpublished by the last dispatcher pass (0 when none), from its stream id.", "service");

    /// <summary>The age of the first of <paramref name="entries"/> at <paramref name="now"/>, or null when there is none or its
    /// id is not a Redis-generated one.</summary>
    public static TimeSpan? Of(StreamEntry[] entries, DateTimeOffset now)
    {
        if (entries.Length == 0) return null;
        var id = (string?)entries[0].Id;
        var dash = id?.IndexOf('-') ?? -1;
        if (dash <= 0 || !long.TryParse(id.AsSpan(0, dash), out var ms)) return null;
        var age = now - DateTimeOffset.FromUnixTimeMilliseconds(ms);
        return age < TimeSpan.Zero ? TimeSpan.Zero : age;
    }
}
