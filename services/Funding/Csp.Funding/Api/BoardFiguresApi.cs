using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Funding.Domain;
using Csp.Funding.Storage;

namespace Csp.Funding.Api;

/// <summary>A partnership's funding figures for the board: what <c>funding/allocations</c> answers for it.</summary>
public sealed record FundingBoardFigures(IReadOnlyList<AllocationView> Allocations);

/// <summary>
/// <c>GET /api/board-figures/funding?partnerships=a,b,c</c>: the funding allocations of up to 50 partnerships in one call
/// (the governance packs of every partnership). Who may call: any signed-in user; each partnership's item is authorised as
/// its own allocations list is (the manager, finance and the board of the partnership: 200; a partner, who reads only
/// their agency's projects: 403 for that item; a caller from elsewhere: 403; an unknown partnership: 404). Unauthenticated:
/// 401; a bad list: 400 naming <c>partnerships</c>.
/// </summary>
public static class BoardFiguresApi
{
    public static void MapBoardFiguresApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/board-figures/funding", ReadAsync).RequireAuthorization().WithTags("Board figures")
            .WithSummary("The allocations with their derived totals of each partnership asked for (partnerships=a,b,c, at most 50); each item 200, or 403/404 as its own list would answer (manager, finance, board of each partnership).")
            .Reads<PartnershipBatchAnswer<FundingBoardFigures>>().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ReadAsync(HttpContext http, FundingStore store, TimeProvider clock, string? partnerships)
    {
        var errors = new ValidationErrors();
        var ids = PartnershipBatch.ReadIds(partnerships, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        var today = UkTime.Today(clock);
        return await PartnershipBatch.AnswerAsync<KnownPartnership, FundingBoardFigures>(http, ids, async member =>
        {
            var allocations = await AllocationsApi.ListViewsAsync(member, store, today, null);
            return allocations.IsOk ? Outcome<FundingBoardFigures>.Ok(new FundingBoardFigures(allocations.Value!)) : allocations.As<FundingBoardFigures>();
        });
    }
}
