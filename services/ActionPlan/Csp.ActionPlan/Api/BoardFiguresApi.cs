using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;

namespace Csp.ActionPlan.Api;

/// <summary>A partnership's action-plan figures for the board: what <c>/api/partnerships/{p}</c>, <c>plans</c> and every page
/// of <c>actions</c> answer for it (the actions in id order, as the list pages them).</summary>
public sealed record ActionPlanBoardFigures(PartnershipView Partnership, IReadOnlyList<PlanView> Plans, IReadOnlyList<ActionView> Actions);

/// <summary>
/// <c>GET /api/board-figures/action-plan?partnerships=a,b,c</c>: the board's action-plan figures of up to 50 partnerships in
/// one call (the governance packs of every partnership). Who may call: any signed-in user; each partnership's item is
/// authorised as its own endpoints are (members of the partnership: 200 with the figures; a caller from elsewhere: 403 for
/// that item; an unknown partnership: 404) and built by the same functions. Unauthenticated: 401; a bad list: 400 naming
/// <c>partnerships</c>.
/// </summary>
public static class BoardFiguresApi
{
    public static void MapBoardFiguresApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/board-figures/action-plan", ReadAsync).RequireAuthorization().WithTags("Board figures")
            .WithSummary("The partnership, its plans and every action of each partnership asked for (partnerships=a,b,c, at most 50); each item 200, or 403/404 as its own endpoints would answer (members of each partnership).")
            .Reads<PartnershipBatchAnswer<ActionPlanBoardFigures>>().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ReadAsync(HttpContext http, ActionPlanStore store, TimeProvider clock, string? partnerships)
    {
        var errors = new ValidationErrors();
        var ids = PartnershipBatch.ReadIds(partnerships, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        var today = UkTime.Today(clock);
        return await PartnershipBatch.AnswerAsync<Partnership, ActionPlanBoardFigures>(http, ids, async member =>
        {
            var partnership = store.GetPartnershipAsync(member.PartnershipId);
            var plans = PlansApi.ListViewsAsync(store, member.PartnershipId);
            var actions = store.ListActionsAsync(member.PartnershipId);
            await Task.WhenAll(partnership, plans, actions);
            if (await partnership is not { } p) return Outcome<ActionPlanBoardFigures>.NotFound($"Partnership '{member.PartnershipId}'");
            return Outcome<ActionPlanBoardFigures>.Ok(new ActionPlanBoardFigures(PartnershipsApi.View(p.Value, p.Version), await plans,
                (await actions).Select(a => ActionView.Of(a.Value, a.Version, today)).ToList()));
        });
    }
}
