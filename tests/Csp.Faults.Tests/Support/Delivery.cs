using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.Faults.Tests.Support;

/// <summary>Bounded waits on the real bus: the outbox has published everything, a consumer group has handled everything.</summary>
public static class Delivery
{
    public static Task OutboxDrainedAsync(IDatabase db, string service, TimeSpan within) =>
        Eventually.TrueAsync(async () =>
        {
            foreach (var partition in await db.SetMembersAsync($"{service}:outbox-partitions"))
                if (await db.StreamLengthAsync($"{service}:{{{partition}}}:outbox") > 0) return false;
            return true;
        }, $"the {service} outbox is empty", within);

    /// <summary>The group has been delivered the last entry of the topic's stream and holds nothing pending.</summary>
    public static Task ConsumedAsync(IDatabase db, string topic, string group, TimeSpan within) =>
        Eventually.TrueAsync(async () =>
        {
            var key = $"events:{topic}";
            if (!await db.KeyExistsAsync(key)) return true;
            var last = (await db.StreamInfoAsync(key)).LastGeneratedId;
            var info = (await db.StreamGroupInfoAsync(key)).FirstOrDefault(g => g.Name == group);
            return info.Name == group && info.PendingMessageCount == 0 && info.LastDeliveredId == last;
        }, $"consumer group {group} has handled everything on {topic}", within);

    public static async Task<long> DeadLettersAsync(IDatabase db, string topic, string service) =>
        await db.KeyExistsAsync($"events:{topic}:deadletter:{service}") ? await db.StreamLengthAsync($"events:{topic}:deadletter:{service}") : 0;
}
