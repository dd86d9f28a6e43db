using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.Risk.Commands;
using Csp.Risk.Domain;
using Csp.Risk.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Risk.Api;

/// <summary>
/// <c>/api/partnerships/{p}/risk-matrix</c>: the matrix ratings are written and banded in. Members read; the manager loads
/// another one (If-Match once one is stored). Unauthenticated callers get 401; the partnership group answers 404 for a
/// partnership this service has not heard of and 403 for a caller from elsewhere.
/// </summary>
public static class RiskMatrixApi
{
    public static RouteGroupBuilder MapRiskMatrixApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapPartnershipGroup<KnownPartnership>("risk-matrix", "Risk matrix");
        group.MapGet("", GetAsync).Reads<RiskMatrixView>()
            .WithSummary("The matrix in force: axes, rating format, cells (band, score), tolerance line (members).");
        group.MapPut("", PutAsync).Writes<RiskMatrixView>().WithIfMatch().Idempotent()
            .WithSummary("Load the partnership's own matrix; If-Match when one is stored, 412 with If-Match when none is (manager). Optional Idempotency-Key.");
        return group;
    }

    private static async Task<IResult> GetAsync(Member<KnownPartnership> member, HttpResponse response, RiskStore store)
    {
        var view = ViewOf(member.PartnershipId, await store.GetStoredMatrixAsync(member.PartnershipId));
        return view.Version is { } version ? ApiJson.Json(view, version, response) : ApiJson.Json(view);
    }

    /// <summary>The matrix in force as members read it: the stored one, or the council default (this endpoint and the board
    /// figures' batch).</summary>
    internal static RiskMatrixView ViewOf(string partnershipId, Versioned<RiskMatrix>? stored) => stored is null
        ? new RiskMatrixView(partnershipId, true, RiskMatrix.CouncilDefault, null)
        : new RiskMatrixView(partnershipId, false, stored.Value, stored.Version);

    private static async Task<IResult> PutAsync(Member<KnownPartnership> member, RiskMatrixDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, RiskCommands commands)
    {
        var reply = once.Replies<Versioned<RiskMatrix>>(m => Reply.Json(new RiskMatrixView(member.PartnershipId, false, m.Value, m.Version), m.Version));
        return (await commands.SetMatrixAsync(member, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }
}
