using System.Text.Json;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Outbox;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using static Csp.BuildingBlocks.Tests.EventBus.EventBusTestKit;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary>The outbox, the Redis Streams transport and the idempotent dispatcher, end to end on a real Redis.</summary>
public sealed class RedisStreamsEventBusTests
{
    private static readonly int Database = RedisServer.Instance.TakeDatabase();
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);
    private readonly IDatabase _db = Db(Database);
    // Each test writes to its own partnership, so no test sees another's outbox entries.
    private readonly string _partnership = "p" + Guid.NewGuid().ToString("n")[..10];

    private sealed record KpiState(string Code, decimal LatestValue);

    /// <summary>Writes a KPI's state and the event announcing it in one transaction, as a service's repository does.</summary>
    private async Task<bool> RecordMeasurementAsync(IHost host, string kpiCode, long expectedVersion, CloudEventEnvelope envelope)
    {
        var keys = host.Services.GetRequiredService<RedisKeys>();
        var outbox = host.Services.GetRequiredService<Outbox.Outbox>();
        await outbox.RegisterPartitionAsync(_partnership);
        var tx = host.Services.GetServiceDatabase().CreateTransaction();
        VersionedDocument.Write(tx, keys.For(_partnership, "kpi", kpiCode), new KpiState(kpiCode, 42.5m), expectedVersion, StateJson);
        outbox.Enqueue(tx, _partnership, envelope);
        var committed = await tx.ExecuteAsync();
        if (committed) outbox.Notify();
        return committed;
    }

    private string OutboxKey(IHost host) => host.Services.GetRequiredService<RedisKeys>().Outbox(_partnership);

    [Fact]
    public async Task A_measurement_written_with_its_event_in_one_transaction_reaches_the_subscriber_and_leaves_the_outbox()
    {
        var topic = UniqueTopic("recorded");
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, topic, probe);
        await host.StartAsync();

        var envelope = NewEvent(topic, "KPI-01");
        Assert.True(await RecordMeasurementAsync(host, "KPI-01", 0, envelope));

        await Eventually(() => probe.HandledCount(envelope.Id) == 1, "the subscriber handled the measurement event");
        var handled = probe.Handled.Single(h => h.EventId == envelope.Id);
        Assert.Equal(new MeasurementRecorded("KPI-01", 42.5m), handled.Event);
        Assert.Equal(envelope.CorrelationId, handled.CorrelationId);
        await Eventually(async () => await _db.StreamLengthAsync(OutboxKey(host)) == 0, "the outbox is empty");
        await Eventually(() => ConsumedAsync(_db, topic), "the event is acknowledged");
        await host.StopAsync();
        Assert.Equal(0, (await _db.StreamGroupInfoAsync("events:" + topic)).Single().ConsumerCount);
    }

    [Fact]
    public async Task A_corrupt_outbox_entry_is_set_aside_and_does_not_hold_back_the_events_behind_it()
    {
        var topic = UniqueTopic("corrupt");
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, topic, probe);
        var keys = host.Services.GetRequiredService<RedisKeys>();
        await _db.SetAddAsync(keys.OutboxPartitions, _partnership);
        await _db.StreamAddAsync(OutboxKey(host), "event", "{not a cloud event");
        Assert.True(await RecordMeasurementAsync(host, "KPI-05", 0, NewEvent(topic, "KPI-05")));

        var published = await host.Services.GetRequiredService<OutboxDispatcher>().DispatchPendingAsync(CancellationToken.None);

        Assert.Equal(1, published);
        Assert.Equal(0, await _db.StreamLengthAsync(OutboxKey(host)));
        Assert.Equal(1, await _db.StreamLengthAsync(keys.For(_partnership, "outbox-quarantine")));
        Assert.Equal(1, await _db.StreamLengthAsync("events:" + topic));
    }

    [Fact]
    public async Task A_stale_write_stores_neither_the_state_nor_its_event()
    {
        var topic = UniqueTopic("stale");
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, topic, probe);
        var keys = host.Services.GetRequiredService<RedisKeys>();
        Assert.True(await RecordMeasurementAsync(host, "KPI-02", 0, NewEvent(topic, "KPI-02")));
        await host.Services.GetRequiredService<OutboxDispatcher>().DispatchPendingAsync(CancellationToken.None);
        var versionBefore = await _db.HashGetAsync(keys.For(_partnership, "kpi", "KPI-02"), "version");

        // A second writer still believes the KPI does not exist: its transaction's condition fails.
        var staleEvent = NewEvent(topic, "KPI-02", 99m);
        Assert.False(await RecordMeasurementAsync(host, "KPI-02", 0, staleEvent));

        Assert.Equal(versionBefore, await _db.HashGetAsync(keys.For(_partnership, "kpi", "KPI-02"), "version"));
        Assert.Equal(0, await _db.StreamLengthAsync(OutboxKey(host)));
        Assert.Equal(0, await host.Services.GetRequiredService<OutboxDispatcher>().DispatchPendingAsync(CancellationToken.None));
        var published = await _db.StreamRangeAsync("events:" + topic);
        Assert.Single(published);
        Assert.DoesNotContain(published, e => ((string)e["event"]!).Contains(staleEvent.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_that_fails_gets_the_same_event_again_and_succeeds_on_a_later_delivery()
    {
        var topic = UniqueTopic("retry");
        var probe = new HandlerProbe();
        probe.FailNext(2);
        using var host = BuildHost(Database, topic, probe);
        await host.StartAsync();

        var envelope = NewEvent(topic);
        await host.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);

        await Eventually(() => probe.HandledCount(envelope.Id) == 1, "the third delivery succeeded");
        Assert.Equal(3, probe.AttemptsFor(envelope.Id));
        Assert.All(probe.Attempts, id => Assert.Equal(envelope.Id, id));
        await Eventually(() => ConsumedAsync(_db, topic), "the event is acknowledged after it succeeded");
        Assert.Equal(0, await _db.StreamLengthAsync($"events:{topic}:deadletter:{Service}"));
        await host.StopAsync();
    }

    [Fact]
    public async Task An_event_that_fails_on_every_delivery_is_dead_lettered_after_max_deliveries_and_not_retried()
    {
        var topic = UniqueTopic("poison");
        var probe = new HandlerProbe();
        probe.FailNext(int.MaxValue);
        using var host = BuildHost(Database, topic, probe);
        await host.StartAsync();

        var envelope = NewEvent(topic);
        await host.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);

        var deadLetters = $"events:{topic}:deadletter:{Service}";
        await Eventually(async () => await _db.StreamLengthAsync(deadLetters) == 1, "the event is in the dead-letter stream");
        var dead = (await _db.StreamRangeAsync(deadLetters)).Single();
        Assert.Equal(envelope.Id, CloudEventEnvelope.FromJson(dead["event"]!).Id);
        Assert.Equal(Service, (string?)dead["service"]);
        Assert.Equal("3", (string?)dead["deliveries"]);
        Assert.Contains("KPI store unavailable", (string?)dead["error"]);
        await Eventually(() => ConsumedAsync(_db, topic), "the dead-lettered entry is acknowledged");

        await Task.Delay(TimeSpan.FromMilliseconds(800)); // several ClaimIdle periods: nothing may retry it now
        Assert.Equal(3, probe.AttemptsFor(envelope.Id));
        Assert.Equal(0, probe.HandledCount(envelope.Id));
        Assert.Equal(0, (await _db.StreamPendingAsync("events:" + topic, Service)).PendingMessageCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_stream_entry_that_is_not_a_cloud_event_is_dead_lettered_at_once()
    {
        var topic = UniqueTopic("garbage");
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, topic, probe);
        await host.StartAsync();

        await _db.StreamAddAsync("events:" + topic, "event", "{\"id\": 42");

        var deadLetters = $"events:{topic}:deadletter:{Service}";
        await Eventually(async () => await _db.StreamLengthAsync(deadLetters) == 1, "the malformed entry is dead-lettered");
        Assert.StartsWith("malformed", (string?)(await _db.StreamRangeAsync(deadLetters)).Single()["error"]);
        await Eventually(() => ConsumedAsync(_db, topic), "the malformed entry is acknowledged");
        Assert.Empty(probe.Attempts);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_handled_once()
    {
        var topic = UniqueTopic("dup");
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, topic, probe);
        await host.StartAsync();
        var transport = host.Services.GetRequiredService<IEventTransport>();

        var envelope = NewEvent(topic);
        await transport.PublishAsync(envelope, CancellationToken.None);
        await transport.PublishAsync(envelope, CancellationToken.None);

        await Eventually(async () => await _db.StreamLengthAsync("events:" + topic) == 2 && await ConsumedAsync(_db, topic),
            "both copies are delivered and acknowledged");
        Assert.Equal(1, probe.AttemptsFor(envelope.Id));
        Assert.Equal(1, probe.HandledCount(envelope.Id));
        Assert.True(await _db.KeyExistsAsync($"{Service}:inbox:{envelope.Id}"));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_publisher_that_crashed_before_publishing_delivers_the_event_once_after_restart()
    {
        var topic = UniqueTopic("crash-before");
        var probe = new HandlerProbe();
        var envelope = NewEvent(topic, "KPI-03");
        string outboxKey;
        using (var crashed = BuildHost(Database, topic, probe)) // built, never started: the process died after the commit
        {
            Assert.True(await RecordMeasurementAsync(crashed, "KPI-03", 0, envelope));
            outboxKey = OutboxKey(crashed);
        }
        Assert.Equal(1, await _db.StreamLengthAsync(outboxKey));
        Assert.False(await _db.KeyExistsAsync("events:" + topic));

        using var restarted = BuildHost(Database, topic, probe);
        await restarted.StartAsync();

        await Eventually(() => probe.HandledCount(envelope.Id) == 1, "the restarted service published and delivered the event");
        await Eventually(async () => await _db.StreamLengthAsync(outboxKey) == 0 && await ConsumedAsync(_db, topic), "the outbox is drained");
        Assert.Equal(1, probe.AttemptsFor(envelope.Id));
        await restarted.StopAsync();
    }

    [Fact]
    public async Task A_publisher_that_crashed_after_publishing_but_before_clearing_the_outbox_republishes_and_the_subscriber_ignores_it()
    {
        var topic = UniqueTopic("crash-after");
        var probe = new HandlerProbe();
        var envelope = NewEvent(topic, "KPI-04");
        using (var crashed = BuildHost(Database, topic, probe))
        {
            Assert.True(await RecordMeasurementAsync(crashed, "KPI-04", 0, envelope));
            // The dispatcher's publish went out, then the process died before XDEL.
            await crashed.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);
        }

        using var restarted = BuildHost(Database, topic, probe);
        await restarted.StartAsync();

        await Eventually(async () => await _db.StreamLengthAsync("events:" + topic) == 2 && await ConsumedAsync(_db, topic),
            "the original and the republished copy are both delivered and acknowledged");
        Assert.Equal(0, await _db.StreamLengthAsync(OutboxKey(restarted)));
        Assert.Equal(1, probe.AttemptsFor(envelope.Id));
        await restarted.StopAsync();
    }

    [Fact]
    public async Task An_event_published_before_the_subscriber_first_started_is_still_delivered()
    {
        var topic = UniqueTopic("early");
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, topic, probe);
        var envelope = NewEvent(topic);
        await host.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);

        await host.StartAsync();

        await Eventually(() => probe.HandledCount(envelope.Id) == 1, "the group created at 0 delivered the earlier event");
        await host.StopAsync();
    }

    [Fact]
    public async Task Readiness_is_unhealthy_until_the_subscriptions_run()
    {
        var topic = UniqueTopic("ready");
        using var host = BuildHost(Database, topic, new HandlerProbe());
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await health.CheckHealthAsync(r => r.Tags.Contains("ready"));
        Assert.Equal(HealthStatus.Unhealthy, before.Entries["eventbus"].Status);

        await host.StartAsync();
        await Eventually(async () => (await health.CheckHealthAsync(r => r.Tags.Contains("ready"))).Entries["eventbus"].Status == HealthStatus.Healthy,
            "readiness reports the event bus subscribed");
        await host.StopAsync();
    }

    [Fact]
    public void An_unknown_transport_is_rejected_at_start()
    {
        using var host = BuildHost(Database, UniqueTopic("bad"), new HandlerProbe(), s => s["EventBus:Transport"] = "kafka");
        var error = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventBusOptions>>().Value);
        Assert.Contains("EventBus:Transport", error.Message);
    }
}
