namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// Key naming for one service: <c>{service}:{{partnership}}:{type}:{id}</c>, e.g. <c>actionplan:{medway}:action:42</c>.
/// The partnership is a hash tag, so all of a partnership's keys (state, indexes, outbox, audit) share one Redis Cluster
/// slot and can be written in one transaction.
/// </summary>
public sealed class RedisKeys(string service)
{
    public string Service { get; } = service;

    public string Partition(string partnershipId) => $"{Service}:{{{partnershipId}}}";

    public string For(string partnershipId, string type, string id) => $"{Partition(partnershipId)}:{type}:{id}";

    public string For(string partnershipId, string type) => $"{Partition(partnershipId)}:{type}";

    /// <summary>A key outside any partnership, e.g. the list of partnerships.</summary>
    public string Global(string name) => $"{Service}:{name}";

    public string Outbox(string partnershipId) => For(partnershipId, "outbox");

    public string Audit(string partnershipId) => For(partnershipId, "audit");

    /// <summary>The set of partnerships that have ever had an outbox entry (read by the outbox dispatcher).</summary>
    public string OutboxPartitions => Global("outbox-partitions");

    /// <summary>Marker that an integration event was handled by this service (idempotency by event id).</summary>
    public string Inbox(string eventId) => Global($"inbox:{eventId}");
}
