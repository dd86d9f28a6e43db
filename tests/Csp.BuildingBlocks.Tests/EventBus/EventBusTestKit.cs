using System.Collections.Concurrent;
using System.Diagnostics;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Redis;
using Csp.Contracts.IntegrationEvents;
using Csp.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary>The event the tests publish: a measurement recorded for a KPI, on its own topic.</summary>
public sealed record MeasurementRecorded(string KpiCode, decimal Value) : IIntegrationEvent
{
    public static string Topic => "kpi.measurement-recorded";
}

/// <summary>What the test handler saw: every attempt, and the events it handled successfully with the trace they ran
/// under. It can be told to fail.</summary>
public sealed class HandlerProbe
{
    private int _failuresLeft;

    public ConcurrentQueue<string> Attempts { get; } = new();
    public ConcurrentQueue<(string EventId, MeasurementRecorded Event, string? TraceId)> Handled { get; } = new();

    /// <summary>How long each attempt takes (a slow handler).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>How long an attempt at this event takes, when only some are slow.</summary>
    public Func<MeasurementRecorded, TimeSpan>? DelayFor { get; init; }

    /// <summary>Fail the next <paramref name="times"/> attempts (int.MaxValue: always).</summary>
    public void FailNext(int times) => _failuresLeft = times;

    public int AttemptsFor(string eventId) => Attempts.Count(id => id == eventId);
    public int HandledCount(string eventId) => Handled.Count(h => h.EventId == eventId);

    internal void Record(string eventId, MeasurementRecorded @event)
    {
        Attempts.Enqueue(eventId);
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
            throw new InvalidOperationException($"KPI store unavailable (simulated) for {eventId}");
        Handled.Enqueue((eventId, @event, Activity.Current?.TraceId.ToHexString()));
    }
}

public sealed class MeasurementRecordedHandler(HandlerProbe probe) : IIntegrationEventHandler<MeasurementRecorded>
{
    public async Task HandleAsync(MeasurementRecorded @event, CloudEventEnvelope envelope, CancellationToken cancellationToken)
    {
        var delay = probe.DelayFor?.Invoke(@event) ?? probe.Delay;
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
        probe.Record(envelope.Id, @event);
    }
}

public static class EventBusTestKit
{
    public const string Service = "kpi";
    public const string Partnership = "medway";

    /// <summary>The stream of the test topic.</summary>
    public static string TopicStream => "events:" + MeasurementRecorded.Topic;

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
    public static IHost BuildHost(int database, HandlerProbe probe, Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = Settings(database);
        configure?.Invoke(settings);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(new ServiceIdentity(Service));
        builder.Services.AddSingleton(probe);
        builder.AddCspRedis();
        builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>();
        return builder.Build();
    }

    /// <summary>An envelope made as a service makes one: inside the work (a request) that caused it, so it carries that
    /// work's trace context.</summary>
    public static CloudEventEnvelope NewEvent(string kpiCode = "KPI-07", decimal value = 42.5m)
    {
        using var publishing = new Activity("record measurement").Start();
        return CloudEventEnvelope.Create(new MeasurementRecorded(kpiCode, value), "/csp/kpi-tests", Partnership, subject: kpiCode, time: DateTimeOffset.UtcNow);
    }

    public static IDatabase Db(int database) => RedisServer.Instance.Connection.GetDatabase(database);

    /// <summary>The service's consumer group has been delivered every entry of the test topic and acknowledged them all.</summary>
    public static Task ConsumedAsync(IDatabase db) => Drained.ConsumerGroupAsync(db, MeasurementRecorded.Topic, Service);
}
