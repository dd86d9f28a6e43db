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
    public sealed record PlanDraft(string? Title, int? StartYear, int? EndYear, IReadOnlyList<PriorityDraft>? Priorities);
    public sealed record PriorityDraft(string? Id, string? Title, IReadOnlyList<AreaDraft>? AreasOfFocus);
    public sealed record AreaDraft(string? Id, string? Title);

    public static RouteGroupBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/partnerships/{partnershipId}/plans").RequireAuthorization().WithTags("Plans");
        group.MapGet("", async (string partnershipId, HttpContext http, ActionPlanStore store) =>
        {
            if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
            return ApiSupport.Json((await store.ListPlansAsync(partnershipId)).Select(p => View(p.Value, p.Version)).ToList());
        }).WithSummary("The partnership's plans, old and current (members).");
        group.MapGet("{planId}", async (string partnershipId, string planId, HttpContext http, ActionPlanStore store) =>
        {
            if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
            var plan = Slug.IsValid(planId) ? await store.GetPlanAsync(partnershipId, planId) : null;
            return plan is null ? Problems.NotFound($"Plan '{planId}'") : ApiSupport.Json(View(plan.Value, plan.Version), plan.Version, http.Response);
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
        var (draft, problem) = await http.Request.ReadBodyAsync<PlanDraft>(ct);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        var plan = Validate(partnershipId, planId, draft!, errors);
        if (plan is null) return Problems.Validation(errors);

        var current = await store.GetPlanAsync(partnershipId, planId);
        var ifMatch = ETags.IfMatch(http.Request);
        if (current is not null && ifMatch is null) return Problems.PreconditionRequired();
        if (current is not null && ifMatch != current.Version) return Problems.PreconditionFailed();
        var audit = new AuditEntry(caller.Subject, clock.GetUtcNow(), current is null ? "plan.created" : "plan.changed", "plan", planId,
            current is null ? null : AuditLog.Snapshot(current.Value, ActionPlanJson.Options), AuditLog.Snapshot(plan, ActionPlanJson.Options), CorrelationContext.Current);
        var version = await store.SavePlanAsync(plan, current?.Version ?? 0, audit);
        return version is null ? Problems.PreconditionFailed()
            : ApiSupport.Json(View(plan, version.Value), version.Value, http.Response, current is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    internal static Plan? Validate(string partnershipId, string planId, PlanDraft draft, ValidationErrors errors)
    {
        var title = errors.RequiredText("title", draft.Title, 200);
        if (draft.StartYear is null or < 2000 or > 2100) errors.Add("startYear", "is required: a year such as 2020");
        if (draft.EndYear is null or < 2000 or > 2100) errors.Add("endYear", "is required: a year such as 2024");
        else if (draft.StartYear is { } s && draft.EndYear < s) errors.Add("endYear", "must not be before startYear");
        var priorities = new List<Priority>();
        var pd = draft.Priorities ?? [];
        if (pd.Count == 0) errors.Add("priorities", "at least one priority is required");
        for (var i = 0; i < pd.Count; i++)
        {
            if (!Slug.IsValid(pd[i]?.Id)) errors.Add($"priorities[{i}].id", "must be a lower-case slug");
            else if (priorities.Any(p => p.Id == pd[i].Id)) errors.Add($"priorities[{i}].id", "appears twice");
            var pTitle = errors.RequiredText($"priorities[{i}].title", pd[i]?.Title, 200);
            var areas = new List<AreaOfFocus>();
            var ad = pd[i]?.AreasOfFocus ?? [];
            for (var j = 0; j < ad.Count; j++)
            {
                if (!Slug.IsValid(ad[j]?.Id)) errors.Add($"priorities[{i}].areasOfFocus[{j}].id", "must be a lower-case slug");
                else if (areas.Any(a => a.Id == ad[j].Id)) errors.Add($"priorities[{i}].areasOfFocus[{j}].id", "appears twice");
                var aTitle = errors.RequiredText($"priorities[{i}].areasOfFocus[{j}].title", ad[j]?.Title, 200);
                if (Slug.IsValid(ad[j]?.Id) && aTitle is not null) areas.Add(new AreaOfFocus(ad[j].Id!, aTitle));
            }
            if (Slug.IsValid(pd[i]?.Id) && pTitle is not null) priorities.Add(new Priority(pd[i].Id!, pTitle, areas));
        }
        return errors.IsEmpty ? new Plan(planId, partnershipId, title!, draft.StartYear!.Value, draft.EndYear!.Value, priorities) : null;
    }

    private static PlanView View(Plan p, long version) => new(p.Id, p.PartnershipId, p.Title, p.StartYear, p.EndYear, p.Priorities, version);
}
