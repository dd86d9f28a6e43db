using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;

namespace Csp.Kpi.Api;

/// <summary>
/// <c>GET /public/partnerships/{p}/scorecard</c>: the public page (seed 003's promise of measurables and baselines). Who
/// may call: anyone, without signing in; the gateway rate-limits it per client. Published KPIs only (unpublished ones are
/// left out before any of their values is read), and of those no notes and no submitters (a scorecard row holds neither).
/// A strong ETag of the body answers a matching If-None-Match with 304; Cache-Control lets browsers and proxies keep it
/// for <see cref="MaxAgeSeconds"/>. The body is built once per change of the partnership's KPIs (<see cref="ScorecardResponses"/>).
/// </summary>
public static class PublicScorecardApi
{
    public const int MaxAgeSeconds = 300;

    public static RouteHandlerBuilder MapPublicScorecardApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/public/partnerships/{partnershipId}/scorecard", GetAsync).AllowAnonymous().WithTags("Public scorecard")
            .Produces<PublicScorecardView>().Produces(StatusCodes.Status304NotModified).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The public scorecard of published KPIs: value, target, RAG with reason, trends, sparkline, data lag (anyone; no sign-in).");

    private static async Task<IResult> GetAsync(string partnershipId, HttpContext http, IPartnershipLookup<KnownPartnership> lookup, ScorecardResponses scorecards)
    {
        if (!Slug.IsValid(partnershipId) || await lookup.FindAsync(partnershipId) is null)
            return Problems.NotFound($"Partnership '{(partnershipId.Length > 64 ? partnershipId[..64] : partnershipId)}'");
        var body = await scorecards.GetAsync(partnershipId, null, publishedOnly: true);
        return ScorecardResponses.Send(http, body, $"public, max-age={MaxAgeSeconds}");
    }
}
