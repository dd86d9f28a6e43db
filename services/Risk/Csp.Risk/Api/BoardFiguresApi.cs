using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Risk.Domain;
using Csp.Risk.Storage;

namespace Csp.Risk.Api;

/// <summary>A partnership's risk figures for the board: what <c>risks/heat-map</c>, <c>risk-matrix</c> and
/// <c>risks?pageSize=200</c> answer for it.</summary>
public sealed record RiskBoardFigures(HeatMap HeatMap, RiskMatrixView Matrix, PageView<RiskView> Risks);

/// <summary>
/// <c>GET /api/board-figures/risks?partnerships=a,b,c</c>: the board's risk figures of up to 50 partnerships in one call
/// (the governance packs of every partnership). Who may call: any signed-in user; each partnership's item is authorised as
/// its own endpoints are (members of the partnership: 200 with the figures; a caller from elsewhere: 403 for that item; a
/// partnership this service has not heard of: 404) and built by the same functions. Unauthenticated: 401; a bad list: 400
/// naming <c>partnerships</c>.
/// </summary>
public static class BoardFiguresApi
{
    public static void MapBoardFiguresApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/board-figures/risks", ReadAsync).RequireAuthorization().WithTags("Board figures")
            .WithSummary("The heat map, matrix and first 200 open risks of each partnership asked for (partnerships=a,b,c, at most 50); each item 200, or 403/404 as its own endpoints would answer (members of each partnership).")
            .Reads<PartnershipBatchAnswer<RiskBoardFigures>>().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ReadAsync(HttpContext http, RiskStore store, TimeProvider clock, string? partnerships)
    {
        var errors = new ValidationErrors();
        var ids = PartnershipBatch.ReadIds(partnerships, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        var today = UkTime.Today(clock);
        return await PartnershipBatch.AnswerAsync<KnownPartnership, RiskBoardFigures>(http, ids, async member =>
        {
            var stored = await store.GetStoredMatrixAsync(member.PartnershipId);
            var matrix = stored?.Value ?? RiskMatrix.CouncilDefault;
            var listErrors = new ValidationErrors();
            var filter = RiskFilter.Read(null, null, null, matrix, listErrors)!;
            var paging = Paging.Read(null, Paging.MaxPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), listErrors)!;
            var heatMap = RisksApi.ReadHeatMapAsync(store, member.PartnershipId, null, matrix, today);
            var risks = RisksApi.PageAsync(store, member.PartnershipId, filter, paging, matrix, today);
            return Outcome<RiskBoardFigures>.Ok(new RiskBoardFigures(await heatMap, RiskMatrixApi.ViewOf(member.PartnershipId, stored), await risks));
        });
    }
}
