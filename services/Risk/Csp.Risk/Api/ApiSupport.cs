using System.Security.Claims;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;

namespace Csp.Risk.Api;

/// <summary>Small pieces every risk endpoint uses: the caller, the partnership check and body reading.</summary>
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

    public static Task<(T? Value, IResult? Problem)> ReadBodyAsync<T>(this HttpRequest request, CancellationToken ct) where T : class =>
        JsonBody.ReadAsync<T>(request, RiskJson.Options, ct);

    public static IResult Json<T>(T value, long version, HttpResponse response, int status = StatusCodes.Status200OK)
    {
        ETags.Set(response, version);
        return Results.Json(value, RiskJson.Options, statusCode: status);
    }

    public static IResult Json<T>(T value) => Results.Json(value, RiskJson.Options);
}
