using Csp.ActionPlan.Commands;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships/{p}/update-rounds</c>: quarterly update rounds. Members read rounds and who still owes an update
/// (partners see what their agency owes); the manager opens a round.
/// </summary>
public static class UpdateRoundsApi
{
    public static void MapUpdateRoundsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapPartnershipGroup<Partnership>("update-rounds", "Update rounds");
        group.MapGet("", ListAsync).WithSummary("Rounds, newest first, with the number of actions still owed an update (members).").Reads<List<UpdateRoundView>>();
        group.MapPost("", OpenAsync).WithSummary("Open a round for a quarter with a deadline (manager). Optional Idempotency-Key.")
            .Writes<UpdateRoundView>(StatusCodes.Status201Created).Idempotent();
        group.MapGet("{roundId}", GetAsync).WithSummary("One round (members).").Reads<UpdateRoundView>();
        group.MapGet("{roundId}/outstanding", OutstandingAsync).WithSummary("Open actions not yet updated this round, by lead agency (members).")
            .Reads<List<OutstandingView>>();
    }

    private static async Task<IResult> ListAsync(Member<Partnership> member, ActionPlanStore store, TimeProvider clock)
    {
        var actions = (await store.ListActionsAsync(member.PartnershipId)).Select(a => a.Value).ToList();
        var today = UkTime.Today(clock);
        return ApiJson.Json((await store.ListRoundsAsync(member.PartnershipId)).Select(r => UpdateRoundView.Of(r.Value, r.Value.Outstanding(actions).Count, today)).ToList());
    }

    private static async Task<IResult> GetAsync(Member<Partnership> member, string roundId, ActionPlanStore store, TimeProvider clock, HttpResponse response)
    {
        var round = await store.GetRoundAsync(member.PartnershipId, roundId);
        if (round is null) return Problems.NotFound($"Update round '{roundId}'");
        var actions = (await store.ListActionsAsync(member.PartnershipId)).Select(a => a.Value).ToList();
        return ApiJson.Json(UpdateRoundView.Of(round.Value, round.Value.Outstanding(actions).Count, UkTime.Today(clock)), round.Version, response);
    }

    private static async Task<IResult> OutstandingAsync(Member<Partnership> member, string roundId, ActionPlanStore store, string? agency)
    {
        var round = await store.GetRoundAsync(member.PartnershipId, roundId);
        if (round is null) return Problems.NotFound($"Update round '{roundId}'");
        var actions = (await store.ListActionsAsync(member.PartnershipId)).Select(a => a.Value).ToList();
        var outstanding = round.Value.Outstanding(actions)
            .Where(a => string.IsNullOrWhiteSpace(agency) || a.LeadAgencyId == agency)
            .Select(OutstandingView.Of)
            .ToList();
        return ApiJson.Json(outstanding);
    }

    private static async Task<IResult> OpenAsync(Member<Partnership> member, UpdateRoundDraft draft, Idempotent once, ActionPlanCommands commands, TimeProvider clock)
    {
        var today = UkTime.Today(clock);
        var reply = once.Replies<OpenedRound>(opened => Reply.Json(UpdateRoundView.Of(opened.Round, opened.Outstanding, today), opened.Version,
            StatusCodes.Status201Created, location: $"/api/partnerships/{member.PartnershipId}/update-rounds/{opened.Round.Id}"));
        return (await commands.OpenUpdateRoundAsync(member, draft, reply)).ToResult(reply.Send);
    }
}
