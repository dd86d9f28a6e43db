using System.Text;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace Csp.BuildingBlocks.EventBus;

/// <summary>
/// Publishes through the Dapr sidecar. The envelope itself is sent as a structured CloudEvent
/// (<c>application/cloudevents+json</c>), so Dapr forwards it as is (adding only its own attributes such as
/// <c>traceid</c>) and the id consumers de-duplicate on survives. Each call has a deadline, because DaprClient waits
/// for the sidecar for as long as the caller's token allows.
/// </summary>
public sealed class DaprEventTransport(DaprClient dapr, IOptions<EventBusOptions> options) : IEventTransport
{
    public async Task PublishAsync(CloudEventEnvelope envelope, CancellationToken cancellationToken)
    {
        var settings = options.Value.Dapr;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.PublishTimeout);
        try
        {
            await dapr.PublishByteEventAsync(settings.PubSubName, envelope.Type, Encoding.UTF8.GetBytes(envelope.ToJson()),
                CloudEventEnvelope.ContentType, new Dictionary<string, string>(), deadline.Token);
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Dapr sidecar did not accept event {envelope.Id} on {envelope.Type} within {settings.PublishTimeout}", ex);
        }
    }
}
