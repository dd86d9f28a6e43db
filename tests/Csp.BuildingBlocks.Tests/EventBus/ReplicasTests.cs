using System.Collections.Concurrent;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static Csp.BuildingBlocks.Tests.EventBus.EventBusTestKit;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary>
/// Three replicas of one service on one Redis behave like one: the outbox publishes each event once, each event is handled
/// once although some handlers are slower than the claim interval, and one replica exports the business gauges.
/// </summary>
public sealed class ReplicasTests
{
    private static readonly int Database = RedisServer.Instance.TakeDatabase();
    private readonly IDatabase _db = Db(Database);

    public ReplicasTests() => _db.Execute("FLUSHDB");

    /// <summary>The smallest service with the bus: the service defaults and one subscription, all replicas sharing one probe.</summary>
    private static Func<string[], Action<WebApplicationBuilder>, WebApplication> Service(HandlerProbe probe) => (args, configure) =>
    {
        var builder = WebApplication.CreateBuilder(args);
        configure(builder);
        builder.AddServiceDefaults(EventBusTestKit.Service);
        builder.Services.AddSingleton(probe);
        builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>();
        var app = builder.Build();
        app.UseServiceDefaults();
        return app;
    };

    private static Dictionary<string, string?> Settings()
    {
        var settings = TestRedis.ServiceSettings(Database);
        settings["EventBus:Redis:PollInterval"] = "00:00:00.020";
        settings["EventBus:Redis:ClaimIdle"] = "00:00:00.200";
        settings["EventBus:OutboxPollInterval"] = "00:00:00.050";
        settings["EventBus:OutboxBatchSize"] = "50";
        return settings;
    }

    [Fact]
    public async Task Three_replicas_publish_each_of_a_thousand_events_once_and_handle_each_once()
    {
        const int events = 1_000;
        // One event in a hundred takes 300 ms, longer than the 200 ms after which an idle entry may be taken over.
        var probe = new HandlerProbe { DelayFor = e => e.KpiCode.EndsWith("00", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(300) : TimeSpan.Zero };
        var replicas = new List<RunningApp>();
        try
        {
            for (var i = 0; i < 3; i++) replicas.Add(await RunningApp.StartAsync(Service(probe), Settings()));

            var writer = replicas[0].Services;
            var keys = writer.GetRequiredService<RedisKeys>();
            var outbox = writer.GetRequiredService<Outbox.Outbox>();
            var written = new ConcurrentBag<string>();
            for (var i = 0; i < events; i++)
            {
                // Ten partnerships, as a service's writes spread over them; the state and its event in one transaction.
                var partnership = $"csp{i % 10}";
                var envelope = CloudEventEnvelope.Create(new MeasurementRecorded($"KPI-{i:D4}", i), "/csp/kpi", partnership, null, DateTimeOffset.UtcNow);
                await outbox.RegisterPartitionAsync(partnership);
                var tx = new RedisWrite();
                VersionedDocument.Write(tx, keys.For(partnership, "kpi", $"KPI-{i:D4}"), new { value = i }, 0);
                outbox.Enqueue(tx, partnership, envelope);
                Assert.True(await tx.ExecuteAsync(_db));
                outbox.Notify();
                written.Add(envelope.Id);
            }

            await Eventually.TrueAsync(() => probe.Handled.Count >= events, "every event was handled", TimeSpan.FromSeconds(60));
            await Drained.OutboxAsync(_db, EventBusTestKit.Service);
            await ConsumedAsync(_db);

            var published = (await _db.StreamRangeAsync(TopicStream)).Select(e => CloudEventEnvelope.FromJson((string)e["event"]!).Id).ToList();
            Assert.Equal(events, published.Count);
            Assert.Equal(written.Order(), published.Order());
            Assert.Equal(events, probe.Handled.Count);
            Assert.Equal(events, probe.Attempts.Count);
            Assert.All(written, id => Assert.Equal(1, probe.HandledCount(id)));
            // Three consumers with names of their own, all in the one group.
            var consumers = replicas.Select(r => r.Services.GetRequiredService<ReplicaIdentity>().Name).ToHashSet();
            Assert.Equal(3, consumers.Count);
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task One_replica_exports_the_business_gauges_and_another_takes_over_when_it_stops()
    {
        var probe = new HandlerProbe();
        var replicas = new List<RunningApp>();
        try
        {
            for (var i = 0; i < 3; i++) replicas.Add(await RunningApp.StartAsync(Service(probe), Settings()));
            var leases = replicas.Select(r => r.Services.GetRequiredService<BusinessGaugeLease>()).ToList();

            var holders = new List<bool>();
            foreach (var lease in leases) holders.Add(await lease.HoldAsync());
            foreach (var lease in leases) holders[leases.IndexOf(lease)] = await lease.HoldAsync(); // a second scrape of each
            var holder = Assert.Single(Enumerable.Range(0, 3), i => holders[i]);

            await replicas[holder].DisposeAsync();
            replicas.RemoveAt(holder);
            leases.RemoveAt(holder);

            var now = new List<bool>();
            foreach (var lease in leases) now.Add(await lease.HoldAsync());
            Assert.Single(now, h => h);
        }
        finally
        {
            foreach (var replica in replicas) await replica.DisposeAsync();
        }
    }
}
