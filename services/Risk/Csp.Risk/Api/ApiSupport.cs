using System.Security.Claims;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;

namespace Csp.Risk.Api;

/// <summary>Small pieces every risk endpoint uses: the caller, and the partnership check.</summary>
internal static class ApiSupport
{
    public static Caller Caller(this ClaimsPrincipal user) => BuildingBlocks.Auth.Caller.From(user);

    /// <summary>404 for a malformed partnership id, 403 for a caller who does not belong to it, else null. (The partnerships
    /// themselves belong to the action-plan service; the register of a partnership exists once its manager uses it.)</summary>
    public static IResult? CheckRead(Caller caller, string partnershipId)
    {
        if (!Slug.IsValid(partnershipId)) return Problems.NotFound($"Partnership '{(partnershipId.Length > 64 ? partnershipId[..64] : partnershipId)}'");
        return Domain.AccessRules.CanRead(caller, partnershipId) ? null : Problems.Forbidden("You do not belong to this partnership.");
    }
}
