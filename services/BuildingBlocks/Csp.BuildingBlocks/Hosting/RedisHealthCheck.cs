using Csp.BuildingBlocks.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// Ready only while Redis serves a keyed read. A PING is not enough on a Redis Cluster: a node answers PING while the
/// cluster is down (re-forming after its masters restarted), and refuses every key with CLUSTERDOWN.
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis, IOptions<RedisOptions> options) : IHealthCheck
{
    /// <summary>A key never written: reading it costs one EXISTS on the node that owns its slot.</summary>
    public const string ProbeKey = "csp:health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await redis.GetDatabase(options.Value.Database).KeyExistsAsync(ProbeKey).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"keyed read {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis is not reachable", ex);
        }
    }
}
