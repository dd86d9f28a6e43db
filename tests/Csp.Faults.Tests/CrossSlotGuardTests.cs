using Csp.Faults.Tests.Support;
using StackExchange.Redis;

namespace Csp.Faults.Tests;

/// <summary>
/// The guard every case applies at its end (<see cref="FaultPlatform.CrossSlotLines"/>) looks for what a cross-slot
/// command really leaves in a log. On the cluster this asks a real Redis Cluster: a multi-key command over two slots
/// fails, and its message carries one of the markers the guard looks for.
/// </summary>
public class CrossSlotGuardTests
{
    [ClusterOnlyFact]
    public async Task A_multi_key_command_across_slots_fails_on_the_cluster_with_a_message_the_guard_finds()
    {
        var work = Directory.CreateTempSubdirectory("csp-faults-crossslot-").FullName;
        try
        {
            using var redis = new RedisProcess(work);
            await redis.StartAsync();
            // "a" and "b" hash to different slots (15495 and 3300).
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => redis.Db.StringSetAsync([new("a", "1"), new("b", "2")]));
            Assert.True(FaultPlatform.IsCrossSlotLine(failure.ToString()), failure.ToString());
            // Keys of one partnership share a hash tag, so the services' multi-key commands stay in one slot.
            await redis.Db.StringSetAsync([new("x:{medway}:a", "1"), new("x:{medway}:b", "2")]);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
    }
}
