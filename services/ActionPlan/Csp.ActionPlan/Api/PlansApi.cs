using Csp.ActionPlan.Commands;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Mvc;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships/{p}/plans</c>: Community Safety Plans with priorities and areas of focus. Members read; the
/// manager sets a plan up and changes it (If-Match when it exists).
/// </summary>
public static class PlansApi
{
    public static void MapPlansApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapPartnershipGroup<Partnership>("plans", "Plans");
        group.MapGet("", ListAsync).WithSummary("The partnership's plans, old and current (members).").Reads<List<PlanView>>();
        group.MapGet("{planId}", GetAsync).WithSummary("One plan with its priorities and areas of focus (members).").Reads<PlanView>();
        group.MapPut("{planId}", PutAsync).WithSummary("Create or change a plan; If-Match when it exists (manager). Optional Idempotency-Key.")
            .Writes<PlanView>(StatusCodes.Status201Created).Produces<PlanView>().WithIfMatch().Idempotent();
    }

    private static async Task<IResult> ListAsync(Member<Partnership> member, ActionPlanStore store) =>
        ApiJson.Json(await ListViewsAsync(store, member.PartnershipId));

    /// <summary>The partnership's plans as members read them (this endpoint and the board figures' batch).</summary>
    internal static async Task<List<PlanView>> ListViewsAsync(ActionPlanStore store, string partnershipId) =>
        (await store.ListPlansAsync(partnershipId)).Select(p => View(p.Value, p.Version)).ToList();

    private static async Task<IResult> GetAsync(Member<Partnership> member, string planId, ActionPlanStore store, HttpResponse response)
    {
        var plan = Slug.IsValid(planId) ? await store.GetPlanAsync(member.PartnershipId, planId) : null;
        return plan is null ? Problems.NotFound($"Plan '{planId}'") : ApiJson.Json(View(plan.Value, plan.Version), plan.Version, response);
    }

    private static async Task<IResult> PutAsync(Member<Partnership> member, string planId, PlanDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, ActionPlanCommands commands)
    {
        var reply = once.Replies<Saved<Plan>>(p => Reply.Json(View(p.Value, p.Version), p.Version, p.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK));
        return (await commands.SetUpPlanAsync(member, planId, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    private static PlanView View(Plan p, long version) => new(p.Id, p.PartnershipId, p.Title, p.StartYear, p.EndYear, p.Priorities, version);
}
