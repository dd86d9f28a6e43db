using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships/{p}/plans</c>: Community Safety Plans with priorities and areas of focus. Members read; the
/// manager sets a plan up and changes it (If-Match when it exists).
/// </summary>
public static class PlansApi
{
    public static RouteGroupBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/partnerships/{partnershipId}/plans").RequireAuthorization().WithTags("Plans");
        group.MapGet("", async (string partnershipId, HttpContext http, ActionPlanStore store) =>
        {
            if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
            return ApiJson.Json((await store.ListPlansAsync(partnershipId)).Select(p => View(p.Value, p.Version)).ToList());
        }).WithSummary("The partnership's plans, old and current (members).");
        group.MapGet("{planId}", async (string partnershipId, string planId, HttpContext http, ActionPlanStore store) =>
        {
            if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
            var plan = Slug.IsValid(planId) ? await store.GetPlanAsync(partnershipId, planId) : null;
            return plan is null ? Problems.NotFound($"Plan '{planId}'") : ApiJson.Json(View(plan.Value, plan.Version), plan.Version, http.Response);
        }).WithSummary("One plan with its priorities and areas of focus (members).");
        group.MapPut("{planId}", PutAsync).WithSummary("Create or change a plan; If-Match when it exists (manager).");
        return group;
    }

    private static async Task<IResult> PutAsync(string partnershipId, string planId, HttpContext http, ActionPlanStore store, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (await ApiSupport.CheckReadAsync(store, caller, partnershipId) is { } denied) return denied;
        if (!AccessRules.CanManage(caller, partnershipId)) return Problems.Forbidden("Only the partnership's manager sets up the plan.");
        if (!Slug.IsValid(planId)) return Problems.Validation("planId", "must be a lower-case slug such as 'csp-2020-2024'");
        var (draft, problem) = await http.Request.ReadJsonAsync<PlanDraft>(ct);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        var plan = draft!.Validate(partnershipId, planId, errors);
        if (plan is null) return Problems.Validation(errors);

        var current = await store.GetPlanAsync(partnershipId, planId);
        var ifMatch = ETags.IfMatch(http.Request);
        if (current is not null && ifMatch is null) return Problems.PreconditionRequired();
        if (current is not null && ifMatch != current.Version) return Problems.PreconditionFailed();
        var audit = new AuditEntry(caller.Subject, clock.GetUtcNow(), current is null ? "plan.created" : "plan.changed", "plan", planId,
            current is null ? null : AuditLog.Snapshot(current.Value, ApiJson.Options), AuditLog.Snapshot(plan, ApiJson.Options), CorrelationContext.Current);
        var version = await store.SavePlanAsync(plan, current?.Version ?? 0, audit);
        return version is null ? Problems.PreconditionFailed()
            : ApiJson.Json(View(plan, version.Value), version.Value, http.Response, current is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static PlanView View(Plan p, long version) => new(p.Id, p.PartnershipId, p.Title, p.StartYear, p.EndYear, p.Priorities, version);
}
