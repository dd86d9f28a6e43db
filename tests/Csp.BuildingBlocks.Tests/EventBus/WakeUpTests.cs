using System.Diagnostics;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Outbox;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using static Csp.BuildingBlocks.Tests.EventBus.EventBusTestKit;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary>
/// The Redis Streams subscriber is woken by the publisher's announcement instead of waiting out its poll interval. Runs on
/// one server and on a Redis Cluster (<c>CSP_TEST_REDIS=cluster</c>: the stream and the channel live on any node).
/// </summary>
public sealed class WakeUpTests
{
    // Long enough that an event handled well within it can only have been read because the subscriber was woken.
    private static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(5);
    private static readonly TestKeyspace Keyspace = RedisServer.Instance.TakeKeyspace();

    private static IHost Host(HandlerProbe probe, TimeSpan poll, Action<Dictionary<string, string?>>? configure = null) => BuildHost(Keyspace.Database, probe, settings =>
    {
        settings["Redis:KeyPrefix"] = Keyspace.KeyPrefix;
        settings["EventBus:Redis:PollInterval"] = poll.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        // No reclaim pass (it also reads) while the test looks: reclaims run every ClaimIdle / 2, at most every 5 s.
        settings["EventBus:Redis:ClaimIdle"] = "00:01:00";
        configure?.Invoke(settings);
    });

    /// <summary>Writes an event to a partnership's outbox in a transaction and signals, as <c>AggregateWriter</c> does.</summary>
    private static async Task WriteEventAsync(IHost host, string partnership, CloudEventEnvelope envelope)
    {
        var outbox = host.Services.GetRequiredService<Outbox.Outbox>();
        await outbox.RegisterPartitionAsync(partnership);
        var tx = new RedisWrite();
        outbox.Enqueue(tx, partnership, envelope);
        Assert.True(await tx.ExecuteAsync(host.Services.GetServiceDatabase()));
        outbox.Notify();
    }

    [Fact]
    public async Task A_write_on_one_replica_wakes_the_replica_that_holds_the_partnerships_outbox()
    {
        // The outbox is polled every 30 s and a lease outlasts the test: only a wake-up makes the holder publish soon.
        var outboxPoll = TimeSpan.FromSeconds(30);
        void Slow(Dictionary<string, string?> settings)
        {
            settings["EventBus:OutboxPollInterval"] = outboxPoll.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
            settings["EventBus:OutboxLease"] = "00:05:00";
        }
        var probe = new HandlerProbe();
        var partnership = "p" + Guid.NewGuid().ToString("n")[..10];
        using var holder = Host(probe, TimeSpan.FromMilliseconds(50), Slow);
        await holder.StartAsync();
        var first = NewEvent("KPI-10");
        await WriteEventAsync(holder, partnership, first); // the holder's own signal: it takes the partnership's lease and publishes
        await Eventually.TrueAsync(() => probe.HandledCount(first.Id) == 1, "the holder published the first event");

        using var writer = Host(probe, TimeSpan.FromMilliseconds(50), Slow);
        await writer.StartAsync();
        var second = NewEvent("KPI-11");
        var clock = Stopwatch.StartNew();
        await WriteEventAsync(writer, partnership, second); // the writer skips the partnership: the holder has its lease

        // Without the wake-up the holder would publish it at its next poll, about 30 s after the first.
        await Eventually.TrueAsync(() => probe.HandledCount(second.Id) == 1, "the holder was woken and published the second event", outboxPoll / 3);
        Assert.True(clock.Elapsed < outboxPoll / 3, $"took {clock.Elapsed}");
        Assert.Equal(holder.Services.GetRequiredService<Csp.BuildingBlocks.Hosting.ReplicaIdentity>().Name,
            (string?)await Keyspace.Redis.StringGetAsync(OutboxDispatcher.LeaseKey(holder.Services.GetRequiredService<RedisKeys>(), partnership)));
        await writer.StopAsync();
        await holder.StopAsync();
    }

    [Fact]
    public async Task An_event_reaches_an_idle_subscriber_long_before_its_next_poll()
    {
        var probe = new HandlerProbe();
        using var host = Host(probe, LongPoll);
        await host.StartAsync();
        var status = host.Services.GetRequiredService<EventBusStatus>();
        await Eventually.TrueAsync(() => status.IsSubscribed, "the subscriber has its consumer group");
        var transport = host.Services.GetRequiredService<IEventTransport>();

        var consumer = host.Services.GetRequiredService<RedisStreamsSubscriber>().ConsumerName;
        var first = NewEvent("KPI-00");
        await transport.PublishAsync(first, CancellationToken.None);
        await Eventually.TrueAsync(() => probe.HandledCount(first.Id) == 1, "the first event was handled", LongPoll * 3);

        for (var i = 1; i <= 3; i++)
        {
            // Publish only once the subscriber is asleep: its last read (XREADGROUP refreshes the consumer's idle time, read
            // or not) is a while ago, so it is waiting out its poll. Without a wake-up the event would be read when that
            // poll ends, LongPoll - idle from now; each event handled within half of that proves the wake-up (the bound
            // is a time-out, not a performance figure).
            var idle = await Eventually.ValueAsync(() => IdleAsync(consumer), ms => ms >= 400, "the subscriber is waiting out its poll");
            var poll = LongPoll - TimeSpan.FromMilliseconds(idle);
            var envelope = NewEvent($"KPI-0{i}");
            var clock = Stopwatch.StartNew();
            await transport.PublishAsync(envelope, CancellationToken.None);
            await Eventually.TrueAsync(() => probe.HandledCount(envelope.Id) == 1,
                $"event {i} was handled well before the subscriber's poll (due in {poll}) would have read it", poll / 2);
            Assert.True(clock.Elapsed < poll / 2, $"event {i} took {clock.Elapsed}");
        }

        await host.StopAsync();
    }

    private static async Task<long> IdleAsync(string consumer) =>
        (await Keyspace.Redis.StreamConsumerInfoAsync(TopicStream, Service)).Single(c => c.Name == consumer).IdleTimeInMilliseconds;

    [Fact]
    public async Task An_entry_added_without_a_wake_up_is_still_read_at_the_next_poll()
    {
        var probe = new HandlerProbe();
        using var host = Host(probe, TimeSpan.FromMilliseconds(200));
        await host.StartAsync();
        var status = host.Services.GetRequiredService<EventBusStatus>();
        await Eventually.TrueAsync(() => status.IsSubscribed, "the subscriber has its consumer group");

        // A publisher that only XADDs (an older replica, or a lost announcement): the poll is the safety net.
        var envelope = NewEvent("KPI-09");
        await Keyspace.Redis.StreamAddAsync(TopicStream, RedisStreamsTransport.EventField, envelope.ToJson());

        await Eventually.TrueAsync(() => probe.HandledCount(envelope.Id) == 1, "the silent entry was handled at a poll");
        await host.StopAsync();
    }

    [Fact]
    public void The_wake_up_channel_names_the_stream_the_key_prefix_and_the_database()
    {
        using var host = Host(new HandlerProbe(), LongPoll);
        var channel = host.Services.GetRequiredService<EventStreamKeys>().WakeChannel(MeasurementRecorded.Topic);

        // Channels ignore databases and key prefixes; a host on another database or prefix must not be woken by this one.
        Assert.Equal($"{Keyspace.KeyPrefix}events:{MeasurementRecorded.Topic}:wake@{Keyspace.Database}", channel.ToString());
        Assert.False(channel.IsSharded);
    }
}
