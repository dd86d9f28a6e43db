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
    private readonly IDatabase _db = Db(Database);
    // Each test writes to its own partnership, so no test sees another's outbox entries.
    private readonly string _partnership = "p" + Guid.NewGuid().ToString("n")[..10];

    /// <summary>The topic is the event type's, the same in every test: each test starts from an empty database, so no
    /// stream, consumer group or pending entry carries over from the one before (xunit runs a class's tests one by one).</summary>
    public RedisStreamsEventBusTests() => _db.Execute("FLUSHDB");

    private sealed record KpiState(string Code, decimal LatestValue);

    /// <summary>Writes a KPI's state and the event announcing it in one transaction, as a service's repository does.</summary>
    private async Task<bool> RecordMeasurementAsync(IHost host, string kpiCode, long expectedVersion, CloudEventEnvelope envelope)
    {
        var keys = host.Services.GetRequiredService<RedisKeys>();
        var outbox = host.Services.GetRequiredService<Outbox.Outbox>();
        await outbox.RegisterPartitionAsync(_partnership);
        var tx = new RedisWrite();
        VersionedDocument.Write(tx, keys.For(_partnership, "kpi", kpiCode), new KpiState(kpiCode, 42.5m), expectedVersion);
        outbox.Enqueue(tx, _partnership, envelope);
        var committed = await tx.ExecuteAsync(host.Services.GetServiceDatabase());
        if (committed) outbox.Notify();
        return committed;
    }

    private static string DeadLetterStream => $"{Service}:deadletters";

    private string OutboxKey(IHost host) => host.Services.GetRequiredService<RedisKeys>().Outbox(_partnership);

    [Fact]
    public async Task A_measurement_written_with_its_event_in_one_transaction_reaches_the_subscriber_and_leaves_the_outbox()
    {
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe);
        await host.StartAsync();

        var envelope = NewEvent("KPI-01");
        Assert.True(await RecordMeasurementAsync(host, "KPI-01", 0, envelope));

        await Eventually.TrueAsync(() => probe.HandledCount(envelope.Id) == 1, "the subscriber handled the measurement event");
        var handled = probe.Handled.Single(h => h.EventId == envelope.Id);
        Assert.Equal(new MeasurementRecorded("KPI-01", 42.5m), handled.Event);
        // The handler ran under the trace of the work that wrote the event, through the outbox and the stream.
        Assert.NotNull(envelope.TraceId);
        Assert.Equal(envelope.TraceId, handled.TraceId);
        await Drained.OutboxAsync(_db, Service);
        await ConsumedAsync(_db);
        await host.StopAsync();
        Assert.Equal(0, (await _db.StreamGroupInfoAsync(TopicStream)).Single().ConsumerCount);
    }

    [Fact]
    public async Task A_corrupt_outbox_entry_is_set_aside_and_does_not_hold_back_the_events_behind_it()
    {
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe);
        var keys = host.Services.GetRequiredService<RedisKeys>();
        await _db.SetAddAsync(keys.OutboxPartitions, _partnership);
        await _db.StreamAddAsync(OutboxKey(host), "event", "{not a cloud event");
        Assert.True(await RecordMeasurementAsync(host, "KPI-05", 0, NewEvent("KPI-05")));

        var published = await host.Services.GetRequiredService<OutboxDispatcher>().DispatchPendingAsync(CancellationToken.None);

        Assert.Equal(1, published);
        Assert.Equal(0, await _db.StreamLengthAsync(OutboxKey(host)));
        Assert.Equal(1, await _db.StreamLengthAsync(keys.For(_partnership, "outbox-quarantine")));
        Assert.Equal(1, await _db.StreamLengthAsync(TopicStream));
    }

    [Fact]
    public async Task A_stale_write_stores_neither_the_state_nor_its_event()
    {
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe);
        var keys = host.Services.GetRequiredService<RedisKeys>();
        Assert.True(await RecordMeasurementAsync(host, "KPI-02", 0, NewEvent("KPI-02")));
        await host.Services.GetRequiredService<OutboxDispatcher>().DispatchPendingAsync(CancellationToken.None);
        var versionBefore = await _db.HashGetAsync(keys.For(_partnership, "kpi", "KPI-02"), "version");

        // A second writer still believes the KPI does not exist: its transaction's condition fails.
        var staleEvent = NewEvent("KPI-02", 99m);
        Assert.False(await RecordMeasurementAsync(host, "KPI-02", 0, staleEvent));

        Assert.Equal(versionBefore, await _db.HashGetAsync(keys.For(_partnership, "kpi", "KPI-02"), "version"));
        Assert.Equal(0, await _db.StreamLengthAsync(OutboxKey(host)));
        Assert.Equal(0, await host.Services.GetRequiredService<OutboxDispatcher>().DispatchPendingAsync(CancellationToken.None));
        var published = await _db.StreamRangeAsync(TopicStream);
        Assert.Single(published);
        Assert.DoesNotContain(published, e => ((string)e["event"]!).Contains(staleEvent.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_handler_that_fails_gets_the_same_event_again_and_succeeds_on_a_later_delivery()
    {
        var probe = new HandlerProbe();
        probe.FailNext(2);
        using var host = BuildHost(Database, probe);
        await host.StartAsync();

        var envelope = NewEvent();
        await host.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);

        await Eventually.TrueAsync(() => probe.HandledCount(envelope.Id) == 1, "the third delivery succeeded");
        Assert.Equal(3, probe.AttemptsFor(envelope.Id));
        Assert.All(probe.Attempts, id => Assert.Equal(envelope.Id, id));
        await ConsumedAsync(_db);
        Assert.Equal(0, await _db.StreamLengthAsync(DeadLetterStream));
        await host.StopAsync();
    }

    [Fact]
    public async Task An_event_that_fails_on_every_delivery_is_dead_lettered_after_max_deliveries_and_not_retried()
    {
        var probe = new HandlerProbe();
        probe.FailNext(int.MaxValue);
        using var host = BuildHost(Database, probe);
        await host.StartAsync();

        var envelope = NewEvent();
        await host.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);

        await Eventually.TrueAsync(async () => await _db.StreamLengthAsync(DeadLetterStream) == 1, "the event is in the dead-letter stream");
        var dead = (await _db.StreamRangeAsync(DeadLetterStream)).Single();
        Assert.Equal(envelope.Id, CloudEventEnvelope.FromJson(dead["payload"]!).Id);
        Assert.Equal(envelope.Id, (string?)dead["eventId"]);
        Assert.Equal(MeasurementRecorded.Topic, (string?)dead["topic"]);
        Assert.Equal(Service, (string?)dead["service"]);
        Assert.Equal("3", (string?)dead["deliveries"]);
        Assert.Contains("KPI store unavailable", (string?)dead["reason"]);
        // Acknowledged: no longer pending, so no reclaim can deliver it again. Only now is "no fourth attempt" meaningful.
        await ConsumedAsync(_db);
        Assert.Equal(3, probe.AttemptsFor(envelope.Id));
        Assert.Equal(0, probe.HandledCount(envelope.Id));
        Assert.Equal(0, (await _db.StreamPendingAsync(TopicStream, Service)).PendingMessageCount);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_stream_entry_that_is_not_a_cloud_event_is_dead_lettered_at_once()
    {
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe);
        await host.StartAsync();

        await _db.StreamAddAsync(TopicStream, "event", "{\"id\": 42");

        await Eventually.TrueAsync(async () => await _db.StreamLengthAsync(DeadLetterStream) == 1, "the malformed entry is dead-lettered");
        var dead = (await _db.StreamRangeAsync(DeadLetterStream)).Single();
        Assert.StartsWith("malformed", (string?)dead["reason"]);
        Assert.Equal("{\"id\": 42", (string?)dead["payload"]);
        Assert.Equal("redis", (string?)dead["transport"]);
        await ConsumedAsync(_db);
        Assert.Empty(probe.Attempts);
        await host.StopAsync();
    }

    [Fact]
    public async Task An_event_whose_data_is_not_the_topics_record_is_dead_lettered_at_once_and_not_retried()
    {
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe);
        await host.StartAsync();
        var wrongShape = NewEvent() with { Data = System.Text.Json.JsonSerializer.SerializeToElement(new { value = "lots" }) };

        await _db.StreamAddAsync(TopicStream, "event", wrongShape.ToJson());

        await Eventually.TrueAsync(async () => await _db.StreamLengthAsync(DeadLetterStream) == 1, "the event is dead-lettered");
        var dead = (await _db.StreamRangeAsync(DeadLetterStream)).Single();
        Assert.Contains("data is not a MeasurementRecorded", (string?)dead["reason"]);
        Assert.Equal("1", (string?)dead["deliveries"]);
        Assert.Equal(wrongShape.Id, (string?)dead["eventId"]);
        await ConsumedAsync(_db);
        Assert.Empty(probe.Handled);
        // Not handled, so not marked: a corrected republish of the same id would be handled.
        Assert.False(await _db.KeyExistsAsync($"{Service}:inbox:{wrongShape.Id}"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Two_deliveries_of_one_event_at_the_same_moment_run_the_handler_once()
    {
        var probe = new HandlerProbe { Delay = TimeSpan.FromMilliseconds(300) };
        using var host = BuildHost(Database, probe);
        var dispatcher = host.Services.GetRequiredService<IIntegrationEventDispatcher>();
        var envelope = NewEvent();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => dispatcher.DispatchAsync(envelope, CancellationToken.None))));

        Assert.Equal(1, probe.AttemptsFor(envelope.Id));
        Assert.Single(outcomes, o => o == DispatchOutcome.Handled);
        Assert.All(outcomes.Where(o => o != DispatchOutcome.Handled), o => Assert.Equal(DispatchOutcome.InProgress, o));
        // Once handled, a later delivery is a duplicate (and may be acknowledged).
        Assert.Equal(DispatchOutcome.Duplicate, await dispatcher.DispatchAsync(envelope, CancellationToken.None));
    }

    [Fact]
    public async Task A_handler_that_fails_releases_its_claim_so_the_next_delivery_runs_it()
    {
        var probe = new HandlerProbe();
        probe.FailNext(1);
        using var host = BuildHost(Database, probe);
        var dispatcher = host.Services.GetRequiredService<IIntegrationEventDispatcher>();
        var envelope = NewEvent();

        await Assert.ThrowsAsync<InvalidOperationException>(() => dispatcher.DispatchAsync(envelope, CancellationToken.None));
        Assert.Equal(DispatchOutcome.Handled, await dispatcher.DispatchAsync(envelope, CancellationToken.None));
        Assert.Equal(1, probe.HandledCount(envelope.Id));
    }

    [Fact]
    public async Task An_event_claimed_by_a_replica_killed_mid_handling_is_handled_once_its_claim_runs_out_not_dead_lettered()
    {
        // A replica was killed while handling the event: its "processing" claim stays until it runs out, and every
        // redelivery meanwhile finds the event in progress. Those deliveries are not failures: with ClaimIdle at 50 ms and
        // a 2 s claim there are far more of them than MaxDeliveries (2 here), and the event must still be handled.
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe, s =>
        {
            s["EventBus:Redis:ClaimIdle"] = "00:00:00.050";
            s["EventBus:Redis:MaxDeliveries"] = "2";
        });
        var envelope = NewEvent();
        var inbox = host.Services.GetRequiredService<RedisKeys>().Inbox(envelope.Id);
        await _db.StringSetAsync(inbox, "processing:killed-replica:0", TimeSpan.FromSeconds(2));
        await host.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);
        await host.StartAsync();

        await Eventually.TrueAsync(() => probe.HandledCount(envelope.Id) == 1, "the event is handled after the dead replica's claim ran out");
        await ConsumedAsync(_db);

        Assert.Equal(1, probe.HandledCount(envelope.Id));
        Assert.Equal(0, await _db.StreamLengthAsync(DeadLetterStream));
        await host.StopAsync();
    }

    [Fact]
    public async Task Entries_waiting_behind_a_slow_handler_are_not_taken_over_by_another_replica()
    {
        // Replica A reads a batch and its handler takes three claim intervals per event; replica B reclaims whatever goes idle.
        var slow = new HandlerProbe { Delay = TimeSpan.FromMilliseconds(600) };
        var other = new HandlerProbe();
        using var a = BuildHost(Database, slow);
        var transport = a.Services.GetRequiredService<IEventTransport>();
        var envelopes = Enumerable.Range(0, 3).Select(i => NewEvent($"KPI-{i}")).ToList();
        foreach (var e in envelopes) await transport.PublishAsync(e, CancellationToken.None);
        await a.StartAsync();
        await Eventually.TrueAsync(() => slow.Attempts.Count >= 1, "replica A started on its batch");
        using var b = BuildHost(Database, other);
        await b.StartAsync();

        await ConsumedAsync(_db);

        Assert.Empty(other.Attempts);
        Assert.All(envelopes, e => Assert.Equal(1, slow.AttemptsFor(e.Id)));
        await b.StopAsync();
        await a.StopAsync();
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_handled_once()
    {
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe);
        await host.StartAsync();
        var transport = host.Services.GetRequiredService<IEventTransport>();

        var envelope = NewEvent();
        await transport.PublishAsync(envelope, CancellationToken.None);
        await transport.PublishAsync(envelope, CancellationToken.None);

        Assert.Equal(2, await _db.StreamLengthAsync(TopicStream));
        await ConsumedAsync(_db);
        Assert.Equal(1, probe.AttemptsFor(envelope.Id));
        Assert.Equal(1, probe.HandledCount(envelope.Id));
        Assert.True(await _db.KeyExistsAsync($"{Service}:inbox:{envelope.Id}"));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_publisher_that_crashed_before_publishing_delivers_the_event_once_after_restart()
    {
        var probe = new HandlerProbe();
        var envelope = NewEvent("KPI-03");
        string outboxKey;
        using (var crashed = BuildHost(Database, probe)) // built, never started: the process died after the commit
        {
            Assert.True(await RecordMeasurementAsync(crashed, "KPI-03", 0, envelope));
            outboxKey = OutboxKey(crashed);
        }
        Assert.Equal(1, await _db.StreamLengthAsync(outboxKey));
        Assert.False(await _db.KeyExistsAsync(TopicStream));

        using var restarted = BuildHost(Database, probe);
        await restarted.StartAsync();

        await Eventually.TrueAsync(() => probe.HandledCount(envelope.Id) == 1, "the restarted service published and delivered the event");
        await Drained.OutboxAsync(_db, Service);
        await ConsumedAsync(_db);
        Assert.Equal(1, probe.AttemptsFor(envelope.Id));
        await restarted.StopAsync();
    }

    [Fact]
    public async Task A_publisher_that_crashed_after_publishing_but_before_clearing_the_outbox_republishes_and_the_subscriber_ignores_it()
    {
        var probe = new HandlerProbe();
        var envelope = NewEvent("KPI-04");
        using (var crashed = BuildHost(Database, probe))
        {
            Assert.True(await RecordMeasurementAsync(crashed, "KPI-04", 0, envelope));
            // The dispatcher's publish went out, then the process died before XDEL.
            await crashed.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);
        }

        using var restarted = BuildHost(Database, probe);
        await restarted.StartAsync();

        // The restarted dispatcher republishes the copy left in the outbox; both copies are then delivered and acknowledged.
        await Drained.OutboxAsync(_db, Service);
        Assert.Equal(2, await _db.StreamLengthAsync(TopicStream));
        await ConsumedAsync(_db);
        Assert.Equal(1, probe.AttemptsFor(envelope.Id));
        await restarted.StopAsync();
    }

    [Fact]
    public async Task An_event_published_before_the_subscriber_first_started_is_still_delivered()
    {
        var probe = new HandlerProbe();
        using var host = BuildHost(Database, probe);
        var envelope = NewEvent();
        await host.Services.GetRequiredService<IEventTransport>().PublishAsync(envelope, CancellationToken.None);

        await host.StartAsync();

        await Eventually.TrueAsync(() => probe.HandledCount(envelope.Id) == 1, "the group created at 0 delivered the earlier event");
        await host.StopAsync();
    }

    [Fact]
    public async Task Readiness_is_unhealthy_until_the_subscriptions_run()
    {
        using var host = BuildHost(Database, new HandlerProbe());
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var before = await health.CheckHealthAsync(r => r.Tags.Contains("ready"));
        Assert.Equal(HealthStatus.Unhealthy, before.Entries["eventbus"].Status);

        await host.StartAsync();
        await Eventually.TrueAsync(async () => (await health.CheckHealthAsync(r => r.Tags.Contains("ready"))).Entries["eventbus"].Status == HealthStatus.Healthy,
            "readiness reports the event bus subscribed");
        await host.StopAsync();
    }

    [Fact]
    public void An_unknown_transport_is_rejected_at_start()
    {
        using var host = BuildHost(Database, new HandlerProbe(), s => s["EventBus:Transport"] = "kafka");
        var error = Assert.ThrowsAny<Exception>(() => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventBusOptions>>().Value);
        Assert.Contains("EventBus:Transport", error.Message);
    }
}
