using Csp.BuildingBlocks.Http;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Hosting;

/// <summary>
/// When Redis cannot be reached, or does not answer in time, the caller gets a 503 problem, not a 500. For a read that is
/// all there is to say. For a write it is not known whether it was saved: a time-out can come after Redis committed the
/// transaction but before its reply arrived. So the problem says the outcome is unknown, and that a retry with the same
/// <c>Idempotency-Key</c> is safe: it returns the first outcome if there was one, and saves once if there was not.
/// </summary>
public sealed class StoreUnavailableHandler(IProblemDetailsService problems, ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    public const string ReadDetail = "Nothing was changed. Try again shortly.";

    public const string WriteDetail = "The data store did not answer in time, so whether your change was saved is unknown: it may have been "
        + "saved just before the time-out. Retry with the same " + Idempotency.Header + " header (send one with every write): the retry returns "
        + "the first outcome if the change was saved, and saves it once if it was not.";

    /// <summary>Error replies with which Redis says "not now" rather than "no": a cluster re-forming after its masters
    /// restarted (<c>CLUSTERDOWN</c>), a slot moving or a key set split across a migration (<c>TRYAGAIN</c>), a server
    /// still loading its AOF (<c>LOADING</c>), a replica without its master (<c>MASTERDOWN</c>), a write sent to a node that
    /// became a replica in a failover (<c>READONLY</c>).</summary>
    private static readonly string[] NotNowReplies = ["CLUSTERDOWN", "TRYAGAIN", "LOADING", "MASTERDOWN", "READONLY"];

    /// <summary>True when Redis could not be reached, did not answer in time, or answered that it cannot serve now.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => NotNowReplies.Any(reply => server.Message.StartsWith(reply, StringComparison.Ordinal)),
        _ => false,
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception)) return false;
        var method = httpContext.Request.Method;
        var write = !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method));
        logger.LogWarning(exception, "Redis unavailable for {Method} {Path}; outcome {Outcome}", method, httpContext.Request.Path, write ? "unknown" : "nothing written");
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = write ? "The data store is unavailable: the outcome of this change is unknown" : "The data store is unavailable",
                Detail = write ? WriteDetail : ReadDetail,
            },
        });
    }
}
