using System.Diagnostics;
using System.Text.Json.Nodes;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.Contracts.IntegrationEvents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Csp.BuildingBlocks.Tests.EventBus;

/// <summary>A second event type, on a topic of its own.</summary>
public sealed record TargetMissed(string KpiCode) : IIntegrationEvent
{
    public static string Topic => "kpi.target-missed";
}

public sealed class OtherMeasurementHandler : IIntegrationEventHandler<MeasurementRecorded>
{
    public Task HandleAsync(MeasurementRecorded @event, CloudEventEnvelope envelope, CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class TargetMissedHandler : IIntegrationEventHandler<TargetMissed>
{
    public Task HandleAsync(TargetMissed @event, CloudEventEnvelope envelope, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Topics belong to event types: publishing and subscribing take them from the type.</summary>
public sealed class TopicTests
{
    [Fact]
    public void A_pending_event_is_on_its_types_topic()
    {
        Assert.Equal(MeasurementRecorded.Topic, PendingEvent.Of(new MeasurementRecorded("KPI-01", 1m), "kpis/KPI-01").Topic);
        Assert.Equal("kpi.target-missed", PendingEvent.Of(new TargetMissed("KPI-01"), null).Topic);
    }

    [Fact]
    public void An_envelope_is_typed_by_its_events_topic_and_carries_the_data()
    {
        var envelope = CloudEventEnvelope.Create(new TargetMissed("KPI-09"), "/csp/kpi", "medway", "kpis/KPI-09", DateTimeOffset.UtcNow);

        Assert.Equal("kpi.target-missed", envelope.Type);
        Assert.Equal(new TargetMissed("KPI-09"), envelope.GetData<TargetMissed>());
        Assert.Matches("^[0-9a-f]{32}$", envelope.Id);
    }

    [Fact]
    public void Publishing_under_a_started_activity_puts_its_trace_context_in_the_envelope()
    {
        using var request = new Activity("POST /kpis").Start();
        request.TraceStateString = "csp=1";

        var envelope = CloudEventEnvelope.Create(new MeasurementRecorded("KPI-01", 1m), "/csp/kpi", "medway", null, DateTimeOffset.UtcNow);

        Assert.Equal(request.Id, envelope.TraceParent);
        Assert.Equal("csp=1", envelope.TraceState);
        Assert.Equal(request.TraceId.ToHexString(), envelope.TraceId);
        var json = JsonNode.Parse(envelope.ToJson())!;
        Assert.Equal(request.Id, (string?)json["traceparent"]);
        Assert.Equal(envelope.TraceParent, CloudEventEnvelope.FromJson(envelope.ToJson()).TraceParent);
    }

    [Fact]
    public void Publishing_outside_any_trace_leaves_the_tracing_extension_out()
    {
        Activity.Current = null;

        var envelope = CloudEventEnvelope.Create(new MeasurementRecorded("KPI-01", 1m), "/csp/kpi", "medway", null, DateTimeOffset.UtcNow);

        Assert.Null(envelope.TraceParent);
        Assert.Null(envelope.TraceId);
        Assert.False(JsonNode.Parse(envelope.ToJson())!.AsObject().ContainsKey("traceparent"));
    }

    [Fact]
    public void Each_event_type_is_subscribed_on_its_own_topic()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        builder.AddCspEventBus()
            .AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>()
            .AddSubscription<TargetMissed, TargetMissedHandler>();

        var subscriptions = builder.Services.Where(d => d.ServiceType == typeof(EventSubscription))
            .Select(d => (EventSubscription)d.ImplementationInstance!).ToList();
        Assert.Equal([(MeasurementRecorded.Topic, typeof(MeasurementRecorded), typeof(MeasurementRecordedHandler)), ("kpi.target-missed", typeof(TargetMissed), typeof(TargetMissedHandler))],
            subscriptions.Select(s => (s.Topic, s.EventType, s.HandlerType)));
    }

    [Fact]
    public void Subscribing_to_the_same_event_type_twice_is_refused()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(new ServiceIdentity("kpi"));
        builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>();

        var again = Assert.Throws<InvalidOperationException>(() => builder.AddCspEventBus().AddSubscription<MeasurementRecorded, MeasurementRecordedHandler>());
        var other = Assert.Throws<InvalidOperationException>(() => builder.AddCspEventBus().AddSubscription<MeasurementRecorded, OtherMeasurementHandler>());

        Assert.Contains(MeasurementRecorded.Topic, again.Message);
        Assert.Contains(MeasurementRecorded.Topic, other.Message);
        Assert.Single(builder.Services, d => d.ServiceType == typeof(EventSubscription));
    }
}
