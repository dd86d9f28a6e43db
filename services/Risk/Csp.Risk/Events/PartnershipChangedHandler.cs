using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk.Domain;
using Csp.Risk.Storage;

namespace Csp.Risk.Events;

/// <summary>
/// Keeps this service's copy of a partnership and its agencies up to date from <c>partnership.changed</c>. Idempotent:
/// a change no newer than the copy (a redelivery, or an older change arriving late) is ignored. A lost race with
/// another delivery throws, so the bus redelivers and the newer version wins.
/// </summary>
public sealed class PartnershipChangedHandler(RiskStore store, TimeProvider clock, ILogger<PartnershipChangedHandler> logger) : IIntegrationEventHandler<PartnershipChanged>
{
    public async Task HandleAsync(PartnershipChanged @event, CloudEventEnvelope envelope, CancellationToken cancellationToken)
    {
        var current = await store.GetKnownPartnershipAsync(@event.PartnershipId);
        if (current is not null && !current.Value.IsSupersededBy(@event))
        {
            logger.LogInformation("Partnership {PartnershipId} change {Version} is not newer than {Known}: ignored", @event.PartnershipId, @event.Version, current.Value.SourceVersion);
            return;
        }
        var known = KnownPartnership.From(@event);
        var audit = new AuditEntry("system", clock.GetUtcNow(), "partnership.replicated", "partnership", known.Id,
            current is null ? null : AuditLog.Snapshot(current.Value, ApiJson.Options), AuditLog.Snapshot(known, ApiJson.Options), CorrelationContext.Current);
        if (await store.SaveKnownPartnershipAsync(known, current?.Version ?? 0, audit) is null)
            throw new InvalidOperationException($"Partnership {known.Id} changed while event {envelope.Id} was being applied; it will be redelivered.");
        logger.LogInformation("Partnership {PartnershipId} now known at version {Version}", known.Id, known.SourceVersion);
    }
}
