using StackExchange.Redis;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// A lease held in one Redis key: <c>SET key owner NX PX ttl</c> to take it, a compare-and-extend to keep it and a
/// compare-and-delete to give it back. Every command touches that one key only (the scripts too), so a lease key may live
/// in any hash slot of a Redis Cluster. Used for the outbox partitions, the inbox claims and the business gauges.
/// </summary>
public static class RedisLease
{
    private const string ExtendScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

    /// <summary>Takes the lease if it is free, or extends it if <paramref name="owner"/> already holds it.</summary>
    public static async Task<bool> HoldAsync(IDatabaseAsync db, string key, string owner, TimeSpan ttl) =>
        await db.StringSetAsync(key, owner, ttl, When.NotExists) || await ExtendAsync(db, key, owner, ttl);

    /// <summary>Extends the lease only if <paramref name="owner"/> still holds it.</summary>
    public static async Task<bool> ExtendAsync(IDatabaseAsync db, string key, string owner, TimeSpan ttl) =>
        (long)await db.ScriptEvaluateAsync(ExtendScript, [key], [owner, (long)ttl.TotalMilliseconds]) == 1;

    /// <summary>Gives the lease back, only if <paramref name="owner"/> still holds it.</summary>
    public static async Task<bool> ReleaseAsync(IDatabaseAsync db, string key, string owner) =>
        (long)await db.ScriptEvaluateAsync(ReleaseScript, [key], [owner]) == 1;

    /// <summary>Keeps extending a lease already held until disposed (every third of its time to live), for work that may
    /// outlast it. A failed extension is not an error here: the work finishes and the caller's next step decides.</summary>
    public static IAsyncDisposable KeepAlive(IDatabaseAsync db, string key, string owner, TimeSpan ttl) =>
        new Renewal(db, key, owner, ttl);

    private sealed class Renewal : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Renewal(IDatabaseAsync db, string key, string owner, TimeSpan ttl)
        {
            var every = TimeSpan.FromTicks(Math.Max(ttl.Ticks / 3, TimeSpan.FromMilliseconds(10).Ticks));
            _loop = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(every);
                try
                {
                    while (await timer.WaitForNextTickAsync(_stop.Token))
                    {
                        try { await ExtendAsync(db, key, owner, ttl); }
                        catch (Exception ex) when (ex is RedisException or TimeoutException) { /* the next tick tries again */ }
                    }
                }
                catch (OperationCanceledException) { }
            });
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}

/// <summary>Who this process is among the replicas of its service: host name, process id and a random suffix, so two
/// replicas never share a name even on one host or in one process (tests run three in one).</summary>
public sealed class ReplicaIdentity(ServiceIdentity service)
{
    public string Name { get; } = $"{service.Name}-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("n")[..8]}";
}
