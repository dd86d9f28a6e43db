using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Partnerships;
using Csp.Contracts.IntegrationEvents;

namespace Csp.BuildingBlocks.PartnershipCopy;

/// <summary>
/// Keeps the service's copy of a partnership and its agencies up to date from <c>partnership.changed</c>: the event becomes
/// a <see cref="KnownPartnership"/>, kept only if it is newer than the copy and not an implausible jump ahead of it.
/// </summary>
public sealed class PartnershipChangedHandler(PartnershipCopyKeeper keeper) : IIntegrationEventHandler<PartnershipChanged>
{
    public Task HandleAsync(PartnershipChanged @event, CloudEventEnvelope envelope, CancellationToken cancellationToken) =>
        keeper.KeepAsync(Copy(@event), ChangeSource.Event);

    public static KnownPartnership Copy(PartnershipChanged e) =>
        new(e.PartnershipId, e.Name, (e.Agencies ?? []).Select(a => new KnownAgency(a.Id, a.Name)).ToList(), e.Version)
        {
            OnsCode = e.OnsCode, RecipientOrgId = e.RecipientOrgId,
        };
}
