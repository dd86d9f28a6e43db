using StackExchange.Redis;

namespace Csp.TestSupport;

/// <summary>
/// "Everything that was going to happen has happened", so a test can assert that something did not: the outbox has
/// published every event written so far, and a consumer group has acknowledged every entry of a topic's stream.
/// </summary>
public static class Drained
{
    /// <summary>Waits until every outbox of <paramref name="service"/> (e.g. <c>actionplan</c>) is empty. Writes put
    /// their events in the outbox in the same transaction, so once a write has returned and this has, its events are on
    /// their topics' streams.</summary>
    public static Task OutboxAsync(IDatabase redis, string service) =>
        Eventually.TrueAsync(async () =>
        {
            foreach (var partition in await redis.SetMembersAsync($"{service}:outbox-partitions"))
                if (await redis.StreamLengthAsync($"{service}:{{{partition}}}:outbox") > 0) return false;
            return true;
        }, $"the {service} outbox is empty");

    /// <summary>Waits until consumer group <paramref name="group"/> (a service name) has been delivered every entry of the
    /// topic's stream and has acknowledged them all: every handler that was going to run has finished.</summary>
    public static Task ConsumerGroupAsync(IDatabase redis, string topic, string group) =>
        Eventually.TrueAsync(async () =>
        {
            var key = $"events:{topic}";
            if (!await redis.KeyExistsAsync(key)) return true;
            var last = (await redis.StreamInfoAsync(key)).LastGeneratedId;
            var info = (await redis.StreamGroupInfoAsync(key)).FirstOrDefault(g => g.Name == group);
            return info.Name == group && info.PendingMessageCount == 0 && info.LastDeliveredId == last;
        }, $"consumer group {group} has handled everything on {topic}");
}
