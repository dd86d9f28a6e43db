using Csp.BuildingBlocks.Http;
using Csp.Risk.Domain;
using Csp.Risk.Storage;

namespace Csp.Risk.Api;

/// <summary>
/// <c>/api/partnerships/{p}/risk-matrix</c>: the matrix ratings are written and banded in. Members read; the manager loads
/// another one (If-Match once one is stored). Unauthenticated callers get 401.
/// </summary>
public static class RiskMatrixApi
{
    public static RouteGroupBuilder MapRiskMatrixApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/partnerships/{partnershipId}/risk-matrix").RequireAuthorization().WithTags("Risk matrix");
        group.MapGet("", GetAsync).WithSummary("The matrix in force: axes, rating format, cells (band, score), tolerance line (members).");
        group.MapPut("", PutAsync).WithSummary("Load the partnership's own matrix; If-Match when one is stored (manager).");
        return group;
    }

    private static async Task<IResult> GetAsync(string partnershipId, HttpContext http, RiskStore store)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var stored = await store.GetStoredMatrixAsync(partnershipId);
        return stored is null
            ? ApiJson.Json(new RiskMatrixView(partnershipId, true, RiskMatrix.CouncilDefault, null))
            : ApiJson.Json(new RiskMatrixView(partnershipId, false, stored.Value, stored.Version), stored.Version, http.Response);
    }

    private static async Task<IResult> PutAsync(string partnershipId, HttpContext http, RiskCommands commands, RiskStore store, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<RiskMatrixDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.SetMatrixAsync(http.User.Caller(), partnershipId, draft!, ETags.IfMatch(http.Request));
        return outcome.ToResult(m => ApiJson.Json(new RiskMatrixView(partnershipId, false, m.Value, m.Version), m.Version, http.Response));
    }
}
