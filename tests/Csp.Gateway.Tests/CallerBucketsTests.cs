using System.Net;
using System.Security.Claims;
using Csp.BuildingBlocks.Auth;
using Csp.Gateway.RateLimiting;
using Microsoft.Extensions.Options;

namespace Csp.Gateway.Tests;

/// <summary>
/// The gateway's own fixed-window limiter (<see cref="CallerBuckets"/>) on a clock the test moves: windows, Retry-After,
/// the per-address ceiling, the sweep of ended buckets, and exact counting under concurrency. The HTTP behaviour
/// (429 problem details, which bucket a request counts against) is in RateLimitTests and PortalRateLimitTests.
/// </summary>
public sealed class CallerBucketsTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks = 1_000_000;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Ticks;
        public void Advance(TimeSpan by) => Ticks += by.Ticks;
    }

    private static CallerBuckets Buckets(ManualClock clock, int permits = 3, int anonymous = 2, int session = 3, int ceiling = 5) =>
        new(Options.Create(new RateLimitingOptions
        {
            PermitsPerMinute = permits, AnonymousPermitsPerMinute = anonymous, SessionPermitsPerMinute = session, AddressCeilingPerMinute = ceiling,
        }), clock);

    private static DefaultHttpContext Request(string? subject = null, string? session = null, string address = "203.0.113.7", string path = "/api/partnerships/medway/actions")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        if (subject is not null) context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(CspClaims.Subject, subject)], "Bearer"));
        if (session is not null) context.Request.Headers.Cookie = $"csp-session={session}";
        return context;
    }

    [Fact]
    public void A_bucket_refuses_past_its_permits_says_how_long_is_left_and_refills_when_the_minute_is_up()
    {
        var clock = new ManualClock();
        var buckets = Buckets(clock);
        for (var i = 0; i < 3; i++) Assert.Null(buckets.TryTake(Request("sam")));

        clock.Advance(TimeSpan.FromSeconds(20));
        var wait = buckets.TryTake(Request("sam"));

        Assert.Equal(TimeSpan.FromSeconds(40), wait);
        Assert.Null(buckets.TryTake(Request("alex"))); // someone else's bucket
        clock.Advance(TimeSpan.FromSeconds(39));
        Assert.NotNull(buckets.TryTake(Request("sam")));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(buckets.TryTake(Request("sam")));
    }

    [Fact]
    public void Callers_without_a_token_share_the_address_ceiling_and_a_refused_request_still_used_its_own_permit()
    {
        var clock = new ManualClock();
        var buckets = Buckets(clock, session: 3, ceiling: 5);
        // Five made-up sessions from one address: each a fresh bucket, all under the address's ceiling of 5.
        for (var i = 0; i < 5; i++) Assert.Null(buckets.TryTake(Request(session: $"made-up-{i}")));
        Assert.NotNull(buckets.TryTake(Request(session: "made-up-5")));
        Assert.NotNull(buckets.TryTake(Request())); // anonymous: its own bucket has room, the ceiling has not

        // The ceiling is per address; a token holder is not under it; health probes and assets are never counted.
        Assert.Null(buckets.TryTake(Request(session: "made-up-0", address: "198.51.100.1")));
        Assert.Null(buckets.TryTake(Request(subject: "sam")));
        for (var i = 0; i < 10; i++)
        {
            Assert.Null(buckets.TryTake(Request(path: "/healthz/live")));
            Assert.Null(buckets.TryTake(Request(path: "/assets/portal/portal.css")));
        }

        // made-up-5 was refused by the ceiling, but it had taken the first of its own 3 permits (as ASP.NET's chained
        // limiter did): from another address, within the same minute, it has two left.
        for (var i = 0; i < 2; i++) Assert.Null(buckets.TryTake(Request(session: "made-up-5", address: "192.0.2.1")));
        Assert.NotNull(buckets.TryTake(Request(session: "made-up-5", address: "192.0.2.1")));
    }

    [Fact]
    public void Buckets_whose_minute_has_ended_are_dropped_so_memory_follows_recent_callers()
    {
        var clock = new ManualClock();
        var buckets = Buckets(clock, ceiling: 1000);
        for (var i = 0; i < 100; i++) buckets.TryTake(Request(session: $"s{i}"));
        Assert.Equal(101, buckets.Count); // 100 sessions and the address's ceiling

        clock.Advance(CallerBuckets.Window + CallerBuckets.SweepEvery);
        Assert.Null(buckets.TryTake(Request(subject: "sam")));

        Assert.Equal(1, buckets.Count);
    }

    [Fact]
    public async Task Concurrent_requests_get_exactly_the_permits_there_are()
    {
        var clock = new ManualClock();
        var buckets = Buckets(clock, permits: 5000);
        var granted = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 1000; i++)
                if (buckets.TryTake(Request("sam")) is null) Interlocked.Increment(ref granted);
        })));

        Assert.Equal(5000, granted);
    }
}
