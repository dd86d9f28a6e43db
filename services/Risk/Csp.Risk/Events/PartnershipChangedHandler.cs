using Csp.BuildingBlocks.EventBus;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk.Commands;
using Csp.Risk.Domain;

namespace Csp.Risk.Events;

/// <summary>
/// Keeps this service's copy of a partnership and its agencies up to date from <c>partnership.changed</c>: the event
/// becomes a <see cref="KnownPartnership"/> here, and the command keeps it only if it is newer than the copy (a
/// redelivery, or an older change arriving late, changes nothing). A lost race with another delivery throws, so the bus
/// redelivers and the newer version wins.
/// </summary>
public sealed class PartnershipChangedHandler(RiskCommands commands) : IIntegrationEventHandler<PartnershipChanged>
{
    public Task HandleAsync(PartnershipChanged @event, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        commands.KeepPartnershipAsync(Copy(@event));

    public static KnownPartnership Copy(PartnershipChanged e) =>
        new(e.PartnershipId, e.Name, e.Agencies.Select(a => new KnownAgency(a.Id, a.Name)).ToList(), e.Version);
}
