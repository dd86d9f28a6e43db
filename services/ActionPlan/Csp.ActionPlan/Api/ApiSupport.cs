using System.Security.Claims;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan.Api;

/// <summary>Small pieces every action-plan endpoint uses: the caller, the partnership check and body reading.</summary>
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

    public static Task<(T? Value, IResult? Problem)> ReadBodyAsync<T>(this HttpRequest request, CancellationToken ct) where T : class =>
        JsonBody.ReadAsync<T>(request, ActionPlanJson.Options, ct);

    public static IResult Json<T>(T value, long version, HttpResponse response, int status = StatusCodes.Status200OK)
    {
        ETags.Set(response, version);
        return Results.Json(value, ActionPlanJson.Options, statusCode: status);
    }

    public static IResult Json<T>(T value) => Results.Json(value, ActionPlanJson.Options);
}
