using Csp.BuildingBlocks.Http;

namespace Csp.BuildingBlocks.Redis;

/// <summary>
/// The retry loop of an optimistic write, written once. An attempt reads the record, decides, and saves conditionally on
/// the version it read; it returns the outcome, or <c>null</c> when its save lost the race. With If-Match a lost race is
/// 412 at once (the caller's ETag is stale); without it (an update or assessment that adds to history rather than
/// overwriting) the attempt runs again on the newer version, a few times, then gives up with 409.
/// </summary>
public static class OptimisticConcurrency
{
    public const int Attempts = 5;

    public static async Task<Outcome<T>> RetryAsync<T>(IfMatch? ifMatch, Func<Task<Outcome<T>?>> attempt, string contended)
    {
        for (var i = 0; i < Attempts; i++)
        {
            if (await attempt() is { } outcome) return outcome;
            if (ifMatch is not null) return Outcome<T>.Stale();
        }
        return Outcome<T>.Conflict(contended);
    }
}
