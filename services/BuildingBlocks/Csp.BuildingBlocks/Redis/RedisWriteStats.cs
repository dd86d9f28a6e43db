using System.Diagnostics;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// Process-wide counters of the time <see cref="AggregateWriter"/> spends waiting for Redis to commit a write (from sending
/// it to its reply, client queueing included), for benchmarks: compare it with a request's whole time to see how much of
/// a write is Redis and how much is our code. Two Interlocked adds per write; nothing else reads them.
/// </summary>
public static class RedisWriteStats
{
    private static long _commits;
    private static long _ticks;

    public static long Commits => Interlocked.Read(ref _commits);

    public static TimeSpan Waiting => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    internal static void Record(long startTimestamp)
    {
        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - startTimestamp);
    }

    public static void Reset()
    {
        Interlocked.Exchange(ref _commits, 0);
        Interlocked.Exchange(ref _ticks, 0);
    }
}
