using Microsoft.Extensions.Logging;
using Prometheus;

namespace Csp.BuildingBlocks.Redis;

/// <summary>A stored document that does not read as its type (corrupt JSON, a shape no longer understood). It names the key,
/// so the one bad record can be found and repaired while the rest of the service carries on.</summary>
public sealed class UnreadableRecordException(string key, string type, Exception inner)
    : Exception($"The {type} stored at {key} cannot be read: {inner.Message}", inner)
{
    public string Key { get; } = key;
    public string Type { get; } = type;
}

/// <summary>Where unreadable records are reported: a warning naming the key, and
/// <c>csp_unreadable_records_total{service,type}</c> (type is the record's CLR type name, bounded by code).</summary>
public static class UnreadableRecords
{
    private static readonly Counter Count = Metrics.CreateCounter("csp_unreadable_records_total",
        "Stored records that could not be read and were skipped (the log names each key).", "service", "type");

    public static void Report(ILogger logger, string service, UnreadableRecordException ex)
    {
        Count.WithLabels(service, ex.Type).Inc();
        logger.LogError(ex, "Skipping unreadable {RecordType} at {RecordKey}", ex.Type, ex.Key);
    }
}
