using Csp.ActionPlan.Domain;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan.Storage;

/// <summary>The partnerships the API's partnership groups check callers against: this service owns them, in its store.</summary>
public sealed class ActionPlanPartnerships(ActionPlanStore store) : IPartnershipLookup<Partnership>
{
    public async Task<Partnership?> FindAsync(string partnershipId) => (await store.GetPartnershipAsync(partnershipId))?.Value;
}
