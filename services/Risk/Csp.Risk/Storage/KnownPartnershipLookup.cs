using Csp.BuildingBlocks.Http;
using Csp.Risk.Domain;

namespace Csp.Risk.Storage;

/// <summary>The partnerships this service knows: its copies kept from <c>partnership.changed</c>. A partnership it has not
/// heard of is unknown here (404), whatever the action-plan service holds.</summary>
public sealed class KnownPartnershipLookup(RiskStore store) : IPartnershipLookup<KnownPartnership>
{
    public async Task<KnownPartnership?> FindAsync(string partnershipId) => (await store.GetKnownPartnershipAsync(partnershipId))?.Value;
}
