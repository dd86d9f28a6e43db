using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.Redis;

/// <summary>
/// The filter-index query both list stores use: intersection, score narrowing inside and outside, paging in id order, the
/// total, the "built" marker, and no scratch key left behind. Real Redis (a cluster with <c>CSP_TEST_REDIS=cluster</c>).
/// </summary>
public sealed class IndexQueryTests
{
    private static readonly TestKeyspace Keyspace = RedisServer.Instance.TakeKeyspace();
    private readonly IDatabase _db = Keyspace.Redis;
    private readonly string _p = "{q" + Guid.NewGuid().ToString("N")[..8] + "}";

    private RedisKey K(string name) => $"test:{_p}:{name}";

    /// <summary>Ids 1..20: "even" holds the even ids, "low" ids 1..10; "due" scores id i at day 100 + i; "closed" holds 2 and 4.</summary>
    private async Task SeedAsync()
    {
        for (var i = 1; i <= 20; i++)
        {
            await _db.SortedSetAddAsync(K("all"), i, i);
            if (i % 2 == 0) await _db.SortedSetAddAsync(K("even"), i, i);
            if (i <= 10) await _db.SortedSetAddAsync(K("low"), i, i);
            await _db.SortedSetAddAsync(K("due"), i, 100 + i);
        }
        await _db.SortedSetAddAsync(K("closed"), [new SortedSetEntry(2, 2), new SortedSetEntry(4, 4)]);
        await _db.StringSetAsync(K("built"), "1");
    }

    private IndexQuery Query(RedisKey[] filters, long first = 0, long last = -1, ScoreNarrowing? narrowing = null, string format = "1") =>
        new(K("built"), format, K("all"), K("scratch:a"), K("scratch:b"), filters, first, last, narrowing);

    [Fact]
    public async Task Filters_intersect_and_a_page_is_taken_in_id_order_with_the_total()
    {
        await SeedAsync();
        var (total, ids) = (await Query([K("even"), K("low")], first: 1, last: 2).RunAsync(_db))!.Value;
        Assert.Equal(5, total);                 // 2, 4, 6, 8, 10
        Assert.Equal([4L, 6L], ids);
        var (all, everything) = (await Query([]).RunAsync(_db))!.Value;
        Assert.Equal(20, all);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), everything);
        Assert.False(await _db.KeyExistsAsync(K("scratch:a")));
        Assert.False(await _db.KeyExistsAsync(K("scratch:b")));
    }

    [Fact]
    public async Task A_narrowing_in_score_order_pages_the_range_by_score_alone_or_narrowed_by_the_filters()
    {
        await SeedAsync();
        // "rev" scores id i at 100 - i: its score order is the reverse of the id order.
        for (var i = 1; i <= 20; i++) await _db.SortedSetAddAsync(K("rev"), i, 100 - i);
        var upTo90 = new ScoreNarrowing(K("rev"), 90, [], Inside: true, InScoreOrder: true); // ids 10..20, by score: 20, 19, ..., 10
        var (total, ids) = (await Query([], first: 2, last: 4, narrowing: upTo90).RunAsync(_db))!.Value;
        Assert.Equal(11, total);
        Assert.Equal([18L, 17L, 16L], ids);
        Assert.Equal(Enumerable.Range(10, 11).Reverse().Select(i => (long)i), (await Query([], narrowing: upTo90).RunAsync(_db))!.Value.Ids);
        // With filters: the even ones of 10..20, still by score, and the count of the whole match.
        (total, ids) = (await Query([K("even")], first: 0, last: 2, narrowing: upTo90).RunAsync(_db))!.Value;
        Assert.Equal(6, total);                 // 20, 18, 16, 14, 12, 10
        Assert.Equal([20L, 18L, 16L], ids);
        Assert.Equal(0, (await Query([K("even"), K("low")], narrowing: upTo90 with { Max = 80 }).RunAsync(_db))!.Value.Total);
        Assert.False(await _db.KeyExistsAsync(K("scratch:a")));
        Assert.False(await _db.KeyExistsAsync(K("scratch:b")));
        // Score order keeps what is inside, with nothing taken out: anything else is a mistake in the caller.
        await Assert.ThrowsAsync<ArgumentException>(() => Query([], narrowing: upTo90 with { Inside = false }).RunAsync(_db));
        await Assert.ThrowsAsync<ArgumentException>(() => Query([], narrowing: upTo90 with { Except = [K("closed")] }).RunAsync(_db));
    }

    [Fact]
    public async Task A_narrowing_keeps_the_scores_up_to_its_max_less_its_except_sets_or_everything_else()
    {
        await SeedAsync();
        // Scored at most 106 (ids 1..6), less "closed" (2, 4): 1, 3, 5, 6; of the even ones: 6.
        var inside = new ScoreNarrowing(K("due"), 106, [K("closed")], Inside: true);
        Assert.Equal([1L, 3L, 5L, 6L], (await Query([], narrowing: inside).RunAsync(_db))!.Value.Ids);
        Assert.Equal([6L], (await Query([K("even")], narrowing: inside).RunAsync(_db))!.Value.Ids);
        // Outside: the even ones not in {1, 3, 5, 6}: 2, 4, 8, ..., 20.
        var outside = inside with { Inside = false };
        var (total, ids) = (await Query([K("even")], narrowing: outside).RunAsync(_db))!.Value;
        Assert.Equal(9, total);
        Assert.Equal([2L, 4L, 8L, 10L, 12L, 14L, 16L, 18L, 20L], ids);
        Assert.False(await _db.KeyExistsAsync(K("scratch:a")));
        Assert.False(await _db.KeyExistsAsync(K("scratch:b")));
    }

    [Fact]
    public async Task Indexes_not_built_in_this_format_answer_null()
    {
        await SeedAsync();
        Assert.Null(await Query([K("even")], format: "2").RunAsync(_db));
        await _db.KeyDeleteAsync(K("built"));
        Assert.Null(await Query([K("even")]).RunAsync(_db));
    }
}
