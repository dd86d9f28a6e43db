using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships/{p}/update-rounds</c>: quarterly update rounds. Members read rounds and who still owes an update
/// (partners see what their agency owes); the manager opens a round.
/// </summary>
public static class UpdateRoundsApi
{
    public static RouteGroupBuilder MapUpdateRoundsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/partnerships/{partnershipId}/update-rounds").RequireAuthorization().WithTags("Update rounds");
        group.MapGet("", ListAsync).WithSummary("Rounds, newest first, with the number of actions still owed an update (members).");
        group.MapPost("", OpenAsync).WithSummary("Open a round for a quarter with a deadline (manager).");
        group.MapGet("{roundId}", GetAsync).WithSummary("One round (members).");
        group.MapGet("{roundId}/outstanding", OutstandingAsync).WithSummary("Open actions not yet updated this round, by lead agency (members).");
        return group;
    }

    private static async Task<IResult> ListAsync(string partnershipId, HttpContext http, ActionPlanStore store, TimeProvider clock)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var actions = (await store.ListActionsAsync(partnershipId)).Select(a => a.Value).ToList();
        var today = UkToday.Of(clock);
        return ApiJson.Json((await store.ListRoundsAsync(partnershipId)).Select(r => UpdateRoundView.Of(r.Value, r.Value.Outstanding(actions).Count, today)).ToList());
    }

    private static async Task<IResult> GetAsync(string partnershipId, string roundId, HttpContext http, ActionPlanStore store, TimeProvider clock)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var round = await store.GetRoundAsync(partnershipId, roundId);
        if (round is null) return Problems.NotFound($"Update round '{roundId}'");
        var actions = (await store.ListActionsAsync(partnershipId)).Select(a => a.Value).ToList();
        return ApiJson.Json(UpdateRoundView.Of(round.Value, round.Value.Outstanding(actions).Count, UkToday.Of(clock)), round.Version, http.Response);
    }

    private static async Task<IResult> OutstandingAsync(string partnershipId, string roundId, HttpContext http, ActionPlanStore store, string? agency)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var round = await store.GetRoundAsync(partnershipId, roundId);
        if (round is null) return Problems.NotFound($"Update round '{roundId}'");
        var actions = (await store.ListActionsAsync(partnershipId)).Select(a => a.Value).ToList();
        var outstanding = round.Value.Outstanding(actions)
            .Where(a => string.IsNullOrWhiteSpace(agency) || a.LeadAgencyId == agency)
            .Select(a => new OutstandingView(a.Id, a.Title, a.PriorityId, a.Strand, a.LeadAgencyId, a.Owner, a.DueDate, a.Status, a.LastUpdatedAt))
            .ToList();
        return ApiJson.Json(outstanding);
    }

    private static async Task<IResult> OpenAsync(string partnershipId, HttpContext http, ActionPlanStore store, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (await ApiSupport.CheckReadAsync(store, caller, partnershipId) is { } denied) return denied;
        if (!AccessRules.CanManage(caller, partnershipId)) return Problems.Forbidden("Only the partnership's manager opens an update round.");
        var (draft, problem) = await http.Request.ReadJsonAsync<UpdateRoundDraft>(ct);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        var round = draft!.Validate(partnershipId, caller.Subject, clock.GetUtcNow(), errors);
        if (round is null) return Problems.Validation(errors);
        var audit = new AuditEntry(caller.Subject, clock.GetUtcNow(), "update-round.opened", "update-round", round.Id, null,
            AuditLog.Snapshot(round, ApiJson.Options), CorrelationContext.Current);
        var version = await store.SaveRoundAsync(round, 0, audit);
        if (version is null) return Problems.Conflict($"A round for {round.Period} is already open.");
        http.Response.Headers.Location = $"/api/partnerships/{partnershipId}/update-rounds/{round.Id}";
        var actions = (await store.ListActionsAsync(partnershipId)).Select(a => a.Value).ToList();
        return ApiJson.Json(UpdateRoundView.Of(round, round.Outstanding(actions).Count, UkToday.Of(clock)), version.Value, http.Response, StatusCodes.Status201Created);
    }
}
