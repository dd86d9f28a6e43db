using System.Security.Claims;
using Csp.ActionPlan.Commands;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Microsoft.AspNetCore.Mvc;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships</c>: the partnerships (and their agencies) the caller belongs to. Members read; only a platform
/// admin creates or changes a partnership (a PUT, outside the partnership group because the partnership may not exist yet).
/// </summary>
public static class PartnershipsApi
{
    private const string Tag = "Partnerships";

    public static void MapPartnershipsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/partnerships", ListAsync).RequireAuthorization().WithTags(Tag)
            .WithSummary("Partnerships the caller belongs to (any signed-in user).")
            .Reads<List<PartnershipView>>().ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);
        app.MapPut($"/api/partnerships/{{{PartnershipAccess.RouteParameter}}}", PutAsync).RequireAuthorization().WithTags(Tag)
            .WithSummary("Create or change a partnership; If-Match when it exists (admin). Optional Idempotency-Key.")
            .Writes<PartnershipView>(StatusCodes.Status201Created).Produces<PartnershipView>().WithIfMatch().Idempotent()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status503ServiceUnavailable);

        var partnership = app.MapPartnershipGroup<Partnership>("", Tag);
        partnership.MapGet("", GetAsync).WithSummary("A partnership and its agencies (members).").Reads<PartnershipView>();
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, ActionPlanStore store)
    {
        var caller = Caller.From(user);
        var all = await store.ListPartnershipsAsync();
        return ApiJson.Json(all.Where(p => caller.BelongsTo(p.Value.Id)).Select(p => View(p.Value, p.Version)).ToList());
    }

    /// <summary>The group has checked the partnership; its version (the ETag) is read with it.</summary>
    private static async Task<IResult> GetAsync(Member<Partnership> member, ActionPlanStore store, HttpResponse response)
    {
        var p = await store.GetPartnershipAsync(member.PartnershipId);
        return p is null ? Problems.NotFound($"Partnership '{member.PartnershipId}'") : ApiJson.Json(View(p.Value, p.Version), p.Version, response);
    }

    private static async Task<IResult> PutAsync(string partnershipId, PartnershipDraft draft, [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch,
        Idempotent once, ClaimsPrincipal user, ActionPlanCommands commands)
    {
        var reply = once.Replies<Saved<Partnership>>(p => Reply.Json(View(p.Value, p.Version), p.Version, p.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK));
        return (await commands.SetUpPartnershipAsync(Caller.From(user), partnershipId, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    internal static PartnershipView View(Partnership p, long version) => new(p.Id, p.Name, p.Agencies, version, p.OnsCode, p.RecipientOrgId);
}
