using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Partnerships;

namespace Csp.BuildingBlocks.PartnershipCopy;

/// <summary>The partnerships this service knows: its copies. A partnership it has not heard of is unknown here (404),
/// whatever the owner holds.</summary>
public sealed class KnownPartnershipLookup(KnownPartnershipStore store) : IPartnershipLookup<KnownPartnership>
{
    public async Task<KnownPartnership?> FindAsync(string partnershipId) => (await store.GetAsync(partnershipId))?.Value;
}
