using System.Security.Claims;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.Risk.Storage;

namespace Csp.Risk.Api;

/// <summary>Small pieces every risk endpoint uses: the caller, and the partnership check.</summary>
internal static class ApiSupport
{
    public static Caller Caller(this ClaimsPrincipal user) => BuildingBlocks.Auth.Caller.From(user);

    /// <summary>404 for a partnership this service has not heard of (partnerships come from the action-plan service's
    /// <c>partnership.changed</c>), 403 for a caller who does not belong to it, else null.</summary>
    public static async Task<IResult?> CheckReadAsync(RiskStore store, Caller caller, string partnershipId)
    {
        if (!Slug.IsValid(partnershipId) || await store.GetKnownPartnershipAsync(partnershipId) is null)
            return Problems.NotFound($"Partnership '{(partnershipId.Length > 64 ? partnershipId[..64] : partnershipId)}'");
        return Domain.AccessRules.CanRead(caller, partnershipId) ? null : Problems.Forbidden("You do not belong to this partnership.");
    }
}
