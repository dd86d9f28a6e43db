using System.Diagnostics;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Tests.EventBus;
using Csp.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.Redis;

/// <summary>One write = the new state, its events in the outbox and its audit entry, in one transaction, under the
/// trace of the work that made it.</summary>
public sealed class AggregateWriterTests : IDisposable
{
    private const string Partnership = "medway";
    private static readonly int Database = RedisServer.Instance.TakeDatabase();
    private static readonly Caller Manager = Caller.With("sam.patel", "Sam Patel", "medway-council", $"{Partnership}:manager");
    private readonly IDatabase _db = RedisServer.Instance.Connection.GetDatabase(Database);
    private IHost _host;

    private readonly Hook _hook = new();

    /// <summary>Runs between each attempt's reads and its commit (the writer's test seam).</summary>
    private sealed class Hook : IBeforeCommit
    {
        public Func<int, Task>? OnAttempt;
        public int Calls;

        public Task BeforeCommitAsync(string key) => OnAttempt?.Invoke(Interlocked.Increment(ref Calls)) ?? Task.CompletedTask;
    }

    public AggregateWriterTests()
    {
        _db.Execute("FLUSHDB");
        _host = BuildHost(RedisWriteMode.Script);
    }

    /// <summary>The earlier MULTI/EXEC path (Redis:WriteMode=Transaction), kept for the benchmark, and tested here.</summary>
    private void UseTransactions()
    {
        _host.Dispose();
        _host = BuildHost(RedisWriteMode.Transaction);
    }

    private IHost BuildHost(RedisWriteMode mode)
    {
        // Built, not started: nothing dispatches the outbox, so the test reads what the write left there.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = TestRedis.Configuration(Database);
        settings["Redis:WriteMode"] = mode.ToString();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new ServiceIdentity(EventBusTestKit.Service));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddCspRedis();
        builder.AddCspEventBus();
        builder.Services.AddSingleton<IBeforeCommit>(_hook);
        return builder.Build();
    }

    public void Dispose() => _host.Dispose();

    private sealed record Kpi(string Code, decimal Latest);

    private AggregateWriter Writer => _host.Services.GetRequiredService<AggregateWriter>();
    private AuditEntries Audit => _host.Services.GetRequiredService<AuditEntries>();
    private string Key => _host.Services.GetRequiredService<RedisKeys>().For(Partnership, "kpi", "KPI-01");

    private async Task<IReadOnlyList<CloudEventEnvelope>> OutboxAsync() =>
        (await _db.StreamRangeAsync(_host.Services.GetRequiredService<RedisKeys>().Outbox(Partnership)))
        .Select(e => CloudEventEnvelope.FromJson((string)e["event"]!)).ToList();

    [Fact]
    public async Task A_write_stores_the_state_an_event_on_its_types_topic_and_the_audit_entry_under_one_trace()
    {
        using var request = new Activity("PUT kpi").Start();
        var kpi = new Kpi("KPI-01", 42.5m);

        var version = await Writer.SaveAsync(Partnership, Key, kpi, 0,
            Audit.For<Kpi>(Manager, "record", "kpi", "KPI-01", null, kpi),
            [PendingEvent.Of(new MeasurementRecorded("KPI-01", 42.5m), "kpis/KPI-01")]);

        Assert.Equal(1, version);
        Assert.Equal(new Versioned<Kpi>(kpi, 1), await Writer.ReadAsync<Kpi>(Key));

        var envelope = Assert.Single(await OutboxAsync());
        Assert.Equal(MeasurementRecorded.Topic, envelope.Type);
        Assert.Equal("/csp/kpi", envelope.Source);
        Assert.Equal(Partnership, envelope.Partnership);
        Assert.Equal("kpis/KPI-01", envelope.Subject);
        Assert.Equal(new MeasurementRecorded("KPI-01", 42.5m), envelope.GetData<MeasurementRecorded>());
        Assert.Equal(request.TraceId.ToHexString(), envelope.TraceId);

        var entry = Assert.Single(await _host.Services.GetRequiredService<AuditLog>().ReadEntityAsync(_db, Partnership, "kpi", "KPI-01"));
        Assert.Equal("sam.patel", entry.Actor);
        Assert.Equal("record", entry.Action);
        Assert.Null(entry.Before);
        Assert.Equal(StorageJson.Serialize(kpi), entry.After);
        Assert.Equal(request.TraceId.ToHexString(), entry.CorrelationId);
    }

    [Fact]
    public async Task A_stale_write_stores_nothing_no_state_no_event_no_audit_entry()
    {
        var first = new Kpi("KPI-01", 1m);
        Assert.Equal(1, await Writer.SaveAsync(Partnership, Key, first, 0, Audit.For<Kpi>(Manager, "record", "kpi", "KPI-01", null, first),
            [PendingEvent.Of(new MeasurementRecorded("KPI-01", 1m), null)]));

        var stale = new Kpi("KPI-01", 2m);
        var version = await Writer.SaveAsync(Partnership, Key, stale, 0, Audit.For(Manager, "record", "kpi", "KPI-01", first, stale),
            [PendingEvent.Of(new MeasurementRecorded("KPI-01", 2m), null)]);

        Assert.Null(version);
        Assert.Equal(new Versioned<Kpi>(first, 1), await Writer.ReadAsync<Kpi>(Key));
        Assert.Single(await OutboxAsync());
        Assert.Single(await _host.Services.GetRequiredService<AuditLog>().ReadAsync(_db, Partnership));
    }

    private string Gate => _host.Services.GetRequiredService<RedisKeys>().For(Partnership, "gate");
    private int Refreshes => _host.Services.GetRequiredService<TopologyRefresh>().Refreshes;

    /// <summary>A write whose extra condition is that the gate is open.</summary>
    private Task<long?> SaveBehindGateAsync(Kpi kpi) =>
        Writer.SaveAsync(Partnership, Key, kpi, 0, Audit.For<Kpi>(Manager, "record", "kpi", "KPI-01", null, kpi), [],
            w => w.AddCondition(WriteCondition.HashEqual(Gate, "state", "open")));

    [Fact]
    public async Task A_transaction_refused_with_its_version_unchanged_is_tried_once_more_after_a_topology_refresh()
    {
        UseTransactions();
        // The first attempt finds the gate closed, as a condition check that failed for a passing reason would; the second
        // finds it open. The version was never the problem, so the write is tried again instead of being called a conflict.
        _hook.OnAttempt = attempt => _db.HashSetAsync(Gate, "state", attempt == 1 ? "closed" : "open");
        var kpi = new Kpi("KPI-01", 7m);

        Assert.Equal(1, await SaveBehindGateAsync(kpi));

        Assert.Equal(2, _hook.Calls);
        Assert.Equal(1, Refreshes);
        Assert.Equal(new Versioned<Kpi>(kpi, 1), await Writer.ReadAsync<Kpi>(Key));
        Assert.Single(await _host.Services.GetRequiredService<AuditLog>().ReadAsync(_db, Partnership));
    }

    [Fact]
    public async Task A_transaction_refusal_that_persists_is_reported_after_the_second_attempt_and_stores_nothing()
    {
        UseTransactions();
        _hook.OnAttempt = _ => _db.HashSetAsync(Gate, "state", "closed");

        Assert.Null(await SaveBehindGateAsync(new Kpi("KPI-01", 7m)));

        Assert.Equal(AggregateWriter.MaxAttempts, _hook.Calls);
        Assert.False(await _db.KeyExistsAsync(Key));
        Assert.Empty(await _host.Services.GetRequiredService<AuditLog>().ReadAsync(_db, Partnership));
    }

    [Fact]
    public async Task A_script_refused_by_another_condition_is_answered_at_once_without_a_retry_a_refresh_or_any_write()
    {
        // The script says which condition failed: a refusal is an answer, not a doubt, so there is nothing to re-read or retry.
        _hook.OnAttempt = _ => _db.HashSetAsync(Gate, "state", "closed");

        Assert.Null(await SaveBehindGateAsync(new Kpi("KPI-01", 7m)));

        Assert.Equal(1, _hook.Calls);
        Assert.Equal(0, Refreshes);
        Assert.False(await _db.KeyExistsAsync(Key));
        Assert.Empty(await _host.Services.GetRequiredService<AuditLog>().ReadAsync(_db, Partnership));
    }

    [Fact]
    public async Task A_write_with_events_wakes_every_replicas_dispatcher_from_inside_its_script()
    {
        var channel = Outbox.Outbox.WakeChannel(_host.Services.GetRequiredService<RedisKeys>(), new RedisOptions { Database = Database });
        var woken = 0;
        var subscriber = RedisServer.Instance.Connection.GetSubscriber();
        await subscriber.SubscribeAsync(channel, (_, _) => Interlocked.Increment(ref woken));
        try
        {
            var kpi = new Kpi("KPI-01", 5m);
            Assert.Equal(1, await Writer.SaveAsync(Partnership, Key, kpi, 0, Audit.For<Kpi>(Manager, "record", "kpi", "KPI-01", null, kpi),
                [PendingEvent.Of(new MeasurementRecorded("KPI-01", 5m), null)]));

            await Eventually.TrueAsync(() => Volatile.Read(ref woken) == 1, "the write's script published the wake-up");
            Assert.Single(await OutboxAsync());
        }
        finally
        {
            await subscriber.UnsubscribeAllAsync();
        }
    }

    [Theory]
    [InlineData(RedisWriteMode.Script)]
    [InlineData(RedisWriteMode.Transaction)]
    public async Task A_version_conflict_is_answered_at_once_without_a_retry_or_a_refresh_in_either_mode(RedisWriteMode mode)
    {
        if (mode == RedisWriteMode.Transaction) UseTransactions();
        await A_version_conflict_is_answered_at_once_without_a_retry_or_a_refresh();
    }

    private async Task A_version_conflict_is_answered_at_once_without_a_retry_or_a_refresh()
    {
        await _db.HashSetAsync(Gate, "state", "open");
        var theirs = new Kpi("KPI-01", 1m);
        // Between the first attempt's reads and its commit, another writer saves the same document.
        _hook.OnAttempt = attempt => attempt == 1
            ? Writer.SaveAsync(Partnership, Key, theirs, 0, Audit.For<Kpi>(Manager, "record", "kpi", "KPI-01", null, theirs), [])
            : Task.CompletedTask;

        Assert.Null(await SaveBehindGateAsync(new Kpi("KPI-01", 2m)));

        Assert.Equal(2, _hook.Calls); // the first attempt's hook, and the nested write's own
        Assert.Equal(0, Refreshes);
        Assert.Equal(new Versioned<Kpi>(theirs, 1), await Writer.ReadAsync<Kpi>(Key));
    }

    [Fact]
    public async Task A_refused_write_is_explained_by_the_stored_version_and_the_id_of_the_write_that_made_it()
    {
        var write = new RedisWrite();
        VersionedDocument.Write(write, Key, new Kpi("KPI-01", 3m), 0, writeId: "mine");
        Assert.True(await write.ExecuteAsync(_db));

        // The client said "not executed", but the stored version is the one this write made: it committed.
        Assert.Equal(RefusedWrite.CommittedAfterAll, await VersionedDocument.ExplainRefusalAsync(_db, Key, 0, "mine"));
        // Someone else's write moved the version on: a conflict.
        Assert.Equal(RefusedWrite.VersionMoved, await VersionedDocument.ExplainRefusalAsync(_db, Key, 0, "other"));
        // Still at the version read: something else refused it.
        Assert.Equal(RefusedWrite.VersionUnchanged, await VersionedDocument.ExplainRefusalAsync(_db, Key, 1, "other"));
        Assert.Equal(RefusedWrite.VersionUnchanged, await VersionedDocument.ExplainRefusalAsync(_db, Key + ":absent", 0, "other"));
    }
}
