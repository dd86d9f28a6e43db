using Csp.BuildingBlocks.Hosting;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.Hosting;

/// <summary>
/// Which Redis errors are "the store is unavailable" (503, retry) rather than a fault of ours (500). The error replies
/// come from a real redis-server (a script answering with the error Redis itself sends in that state), through the real
/// client, so the exception and its message are what a service sees.
/// </summary>
public class StoreUnavailableHandlerTests
{
    private static async Task<RedisServerException> ErrorReplyAsync(string reply)
    {
        var db = RedisServer.Instance.Connection.GetDatabase(0);
        return await Assert.ThrowsAsync<RedisServerException>(() => db.ScriptEvaluateAsync($"return redis.error_reply([[{reply}]])"));
    }

    [Theory]
    [InlineData("CLUSTERDOWN The cluster is down")]
    [InlineData("TRYAGAIN Multiple keys request during rehashing of slot")]
    [InlineData("LOADING Redis is loading the dataset in memory")]
    [InlineData("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")]
    [InlineData("READONLY You can't write against a read only replica.")]
    public async Task Redis_saying_not_now_is_unavailable(string reply)
    {
        Assert.True(StoreUnavailableHandler.IsUnavailable(await ErrorReplyAsync(reply)));
    }

    [Theory]
    [InlineData("WRONGTYPE Operation against a key holding the wrong kind of value")]
    [InlineData("ERR syntax error")]
    [InlineData("CROSSSLOT Keys in request don't hash to the same slot")]
    public async Task Redis_saying_no_is_not_unavailable(string reply)
    {
        // A bug of ours (a wrong command, keys across slots) must stay a 500 and be fixed, not retried.
        Assert.False(StoreUnavailableHandler.IsUnavailable(await ErrorReplyAsync(reply)));
    }

    // Connection failures and time-outs (503) are covered with no Redis at all by tests/Csp.ActionPlan.Tests/Api/StoreUnavailableTests.cs.
}
