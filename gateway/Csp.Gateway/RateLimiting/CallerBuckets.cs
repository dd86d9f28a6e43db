using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using static Csp.Gateway.RateLimiting.CallerRateLimiting;

namespace Csp.Gateway.RateLimiting;

/// <summary>
/// The gateway's rate limiter: one-minute fixed windows per bucket, no queueing, the caller's own bucket first and then
/// (for a caller without a valid token) the address's ceiling; a request must get a permit from both, and a request the
/// ceiling refuses has still used its permit in the caller's bucket (as ASP.NET's chained limiter did). A window starts
/// at the bucket's first request and a new one at the first request a minute or more later.
/// <para>
/// Per request: one dictionary lookup per bucket (a struct key, no string built) and a counter under the bucket's own
/// lock; nothing allocated except a bucket the first time a caller is seen. Buckets whose window has ended hold no state
/// worth keeping (a fresh window is the same as a new bucket) and are dropped by a sweep at most every
/// <see cref="SweepEvery"/>, so memory follows the callers of the last minute or so.
/// </para>
/// </summary>
internal sealed class CallerBuckets
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<BucketKey, Counter> _buckets = new();
    private readonly Partitions _partitions;
    private readonly TimeProvider _clock;
    private readonly long _windowTicks;
    private readonly long _sweepTicks;
    private long _nextSweep;

    public CallerBuckets(IOptions<RateLimitingOptions> options, TimeProvider clock)
    {
        _partitions = new Partitions(options.Value);
        _clock = clock;
        _windowTicks = (long)(Window.TotalSeconds * clock.TimestampFrequency);
        _sweepTicks = (long)(SweepEvery.TotalSeconds * clock.TimestampFrequency);
        _nextSweep = clock.GetTimestamp() + _sweepTicks;
    }

    /// <summary>Buckets held now (for tests).</summary>
    public int Count => _buckets.Count;

    /// <returns>Null when the request may go on; otherwise how long until the refusing bucket's window ends.</returns>
    public TimeSpan? TryTake(HttpContext context)
    {
        var caller = _partitions.Caller(context);
        if (caller.Kind == Bucket.Uncounted) return null;
        var now = _clock.GetTimestamp();
        if (now >= Volatile.Read(ref _nextSweep)) Sweep(now);
        if (Take(caller, now) is { } wait) return wait;
        return Partitions.HasCeiling(caller) ? Take(new BucketKey(Bucket.AddressCeiling, Address: context.Connection.RemoteIpAddress), now) : null;
    }

    private TimeSpan? Take(BucketKey key, long now)
    {
        while (true)
        {
            var counter = _buckets.GetOrAdd(key, static (k, self) => new Counter(self._partitions.Permits(k.Kind)), this);
            lock (counter)
            {
                if (counter.Dropped) continue; // swept after the lookup: take from the bucket that replaces it
                if (counter.Used == 0 || now - counter.WindowStart >= _windowTicks)
                {
                    counter.WindowStart = now;
                    counter.Used = 0;
                }
                if (counter.Used < counter.Limit)
                {
                    counter.Used++;
                    return null;
                }
                return TimeSpan.FromSeconds((double)(counter.WindowStart + _windowTicks - now) / _clock.TimestampFrequency);
            }
        }
    }

    /// <summary>Drops every bucket whose window has ended (one thread at a time; the others carry on). A bucket is marked
    /// dropped under its own lock, so no permit is ever taken from a bucket that is no longer in the dictionary.</summary>
    private void Sweep(long now)
    {
        var due = Volatile.Read(ref _nextSweep);
        if (now < due || Interlocked.CompareExchange(ref _nextSweep, now + _sweepTicks, due) != due) return;
        foreach (var (key, counter) in _buckets)
            lock (counter)
                if (now - counter.WindowStart >= _windowTicks)
                {
                    counter.Dropped = true;
                    _buckets.TryRemove(new KeyValuePair<BucketKey, Counter>(key, counter));
                }
    }

    private sealed class Counter(int limit)
    {
        public readonly int Limit = limit;
        public long WindowStart;
        public int Used;
        public bool Dropped;
    }
}
