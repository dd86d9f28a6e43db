using Csp.BuildingBlocks.Outbox;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary><c>csp_outbox_oldest_age_seconds</c>: the age of an outbox entry is read from the stream id Redis gave it.</summary>
public sealed class OutboxAgeTests
{
    private readonly IDatabase _db = RedisServer.Instance.Connection.GetDatabase(RedisServer.Instance.TakeDatabase());

    [Fact]
    public async Task The_oldest_entry_age_comes_from_its_stream_id()
    {
        var key = "outbox-age-test:{medway}:outbox";
        await _db.StreamAddAsync(key, Csp.BuildingBlocks.Outbox.Outbox.EventField, "{}", messageId: "1700000000000-0");
        await _db.StreamAddAsync(key, Csp.BuildingBlocks.Outbox.Outbox.EventField, "{}", messageId: "1700000060000-0");

        var oldest = await _db.StreamRangeAsync(key, "-", "+", 1);

        Assert.Equal(TimeSpan.FromSeconds(90), OutboxAge.Of(oldest, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_090_000)));
        // A server clock ahead of ours is not a negative age.
        Assert.Equal(TimeSpan.Zero, OutboxAge.Of(oldest, DateTimeOffset.FromUnixTimeMilliseconds(1_699_999_000_000)));
    }

    [Fact]
    public async Task An_entry_just_written_is_seconds_old_and_an_empty_outbox_has_no_age()
    {
        var key = "outbox-age-test:{swale}:outbox";
        Assert.Null(OutboxAge.Of(await _db.StreamRangeAsync(key, "-", "+", 1), DateTimeOffset.UtcNow));
        await _db.StreamAddAsync(key, Csp.BuildingBlocks.Outbox.Outbox.EventField, "{}");
        var age = OutboxAge.Of(await _db.StreamRangeAsync(key, "-", "+", 1), DateTimeOffset.UtcNow);
        Assert.NotNull(age);
        Assert.InRange(age.Value, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }
}
