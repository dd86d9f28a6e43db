using System.Security.Claims;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan.Api;

/// <summary>Small pieces every action-plan endpoint uses: the caller, and the partnership check.</summary>
internal static class ApiSupport
{
    public static Caller Caller(this ClaimsPrincipal user) => BuildingBlocks.Auth.Caller.From(user);

    /// <summary>404 for an unknown (or malformed) partnership id, 403 for a caller who does not belong to it, else null.</summary>
    public static async Task<IResult?> CheckReadAsync(ActionPlanStore store, Caller caller, string partnershipId)
    {
        if (!Slug.IsValid(partnershipId) || await store.GetPartnershipAsync(partnershipId) is null)
            return Problems.NotFound($"Partnership '{(partnershipId.Length > 64 ? partnershipId[..64] : partnershipId)}'");
        return Domain.AccessRules.CanRead(caller, partnershipId) ? null : Problems.Forbidden("You do not belong to this partnership.");
    }
}
