using System.Collections.Concurrent;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary>The event the tests publish: a measurement recorded for a KPI.</summary>
public sealed record MeasurementRecorded(string KpiCode, decimal Value);

/// <summary>What the test handler saw: every attempt, and the events it handled successfully. It can be told to fail.</summary>
public sealed class HandlerProbe
{
    private int _failuresLeft;

    public ConcurrentQueue<string> Attempts { get; } = new();
    public ConcurrentQueue<(string EventId, MeasurementRecorded Event, string? CorrelationId)> Handled { get; } = new();

    /// <summary>Fail the next <paramref name="times"/> attempts (int.MaxValue: always).</summary>
    public void FailNext(int times) => _failuresLeft = times;

    public int AttemptsFor(string eventId) => Attempts.Count(id => id == eventId);
    public int HandledCount(string eventId) => Handled.Count(h => h.EventId == eventId);

    internal void Record(string eventId, MeasurementRecorded @event)
    {
        Attempts.Enqueue(eventId);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            throw new InvalidOperationException($"KPI store unavailable (simulated) for {eventId}");
        Handled.Enqueue((eventId, @event, CorrelationContext.Current));
    }
}

public sealed class MeasurementRecordedHandler(HandlerProbe probe) : IIntegrationEventHandler<MeasurementRecorded>
{
    public Task HandleAsync(MeasurementRecorded @event, CloudEventEnvelope envelope, CancellationToken cancellationToken)
    {
        probe.Record(envelope.Id, @event);
        return Task.CompletedTask;
    }
}

public static class EventBusTestKit
{
    public const string Service = "kpi";
    public const string Partnership = "medway";

    public static string UniqueTopic(string name) => $"test.{name}.{Guid.NewGuid():n}"[..40];

    /// <summary>Configuration for a host on the test Redis, with short intervals so retries happen in milliseconds.</summary>
    public static Dictionary<string, string?> Settings(int database, string transport = "redis") => new()
    {
        ["Redis:Configuration"] = RedisServer.Instance.Configuration,
        ["Redis:Database"] = database.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["EventBus:Transport"] = transport,
        ["EventBus:Redis:PollInterval"] = "00:00:00.020",
        ["EventBus:Redis:ClaimIdle"] = "00:00:00.200",
        ["EventBus:Redis:MaxDeliveries"] = "3",
        ["EventBus:Redis:ErrorBackoff"] = "00:00:00.200",
        ["EventBus:OutboxPollInterval"] = "00:00:00.100",
    };

    /// <summary>A generic host wired as a service would be: identity, Redis, the event bus with one subscription.</summary>
    public static IHost BuildHost(int database, string topic, HandlerProbe probe, Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = Settings(database);
        configure?.Invoke(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.Services.AddSingleton(probe);
        builder.AddCspRedis();
        builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>(topic);
        return builder.Build();
    }

    public static CloudEventEnvelope NewEvent(string topic, string kpiCode = "KPI-07", decimal value = 42.5m) =>
        CloudEventEnvelope.Create(topic, "/csp/kpi-tests", new MeasurementRecorded(kpiCode, value), Partnership,
            subject: kpiCode, correlationId: CorrelationContext.NewId(), time: DateTimeOffset.UtcNow);

    public static IDatabase Db(int database) => RedisServer.Instance.Connection.GetDatabase(database);

    /// <summary>Polls <paramref name="condition"/> until true or fails the test after <paramref name="seconds"/>.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {seconds} s waiting until {what}");
            await Task.Delay(25);
        }
    }

    public static Task Eventually(Func<bool> condition, string what, double seconds = 10) =>
        Eventually(() => Task.FromResult(condition()), what, seconds);

    /// <summary>True when the service's consumer group has read every entry of the topic stream and acknowledged them all.</summary>
    public static async Task<bool> ConsumedAsync(IDatabase db, string topic)
    {
        var key = "events:" + topic;
        if (!await db.KeyExistsAsync(key)) return false;
        var groups = await db.StreamGroupInfoAsync(key);
        var group = groups.FirstOrDefault(g => g.Name == Service);
        if (group.Name is null) return false;
        var info = await db.StreamInfoAsync(key);
        return group.LastDeliveredId == info.LastGeneratedId && group.PendingMessageCount == 0;
    }
}
