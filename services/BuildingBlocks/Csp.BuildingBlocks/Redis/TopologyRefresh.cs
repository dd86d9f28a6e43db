using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// Asks the Redis client to re-read the servers and the cluster's slot map now, rather than at its next periodic check
/// (<c>ConfigCheckSeconds</c>, 60 s by default). At most once per <see cref="MinimumInterval"/> per process, so a burst of
/// refused writes triggers one refresh, not one each.
/// </summary>
public sealed class TopologyRefresh(IConnectionMultiplexer redis, TimeProvider clock, ILogger<TopologyRefresh> logger)
{
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(2);
    private long _last = long.MinValue;

    public int Refreshes { get; private set; }

    public async Task RefreshAsync()
    {
        var now = clock.GetTimestamp();
        var last = Interlocked.Read(ref _last);
        if (last != long.MinValue && clock.GetElapsedTime(last, now) < MinimumInterval) return;
        if (Interlocked.CompareExchange(ref _last, now, last) != last) return; // another caller refreshes
        try
        {
            await redis.ConfigureAsync();
            Refreshes++;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Refreshing the Redis topology failed");
        }
    }
}
