using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Hosting;
using Csp.BuildingBlocks.Http;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships</c>: the partnerships (and their agencies) the caller belongs to. Members read; only a platform
/// admin creates or changes a partnership.
/// </summary>
public static class PartnershipsApi
{
    public static RouteGroupBuilder MapPartnershipsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/partnerships").RequireAuthorization().WithTags("Partnerships");
        group.MapGet("", async (HttpContext http, ActionPlanStore store) =>
        {
            var caller = http.User.Caller();
            var all = await store.ListPartnershipsAsync();
            return ApiJson.Json(all.Where(p => AccessRules.CanRead(caller, p.Value.Id)).Select(p => View(p.Value, p.Version)).ToList());
        }).WithSummary("Partnerships the caller belongs to (any signed-in user).");
        group.MapGet("{partnershipId}", async (string partnershipId, HttpContext http, ActionPlanStore store) =>
        {
            if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
            var p = (await store.GetPartnershipAsync(partnershipId))!;
            return ApiJson.Json(View(p.Value, p.Version), p.Version, http.Response);
        }).WithSummary("A partnership and its agencies (members).");
        group.MapPut("{partnershipId}", PutAsync).WithSummary("Create or change a partnership; If-Match when it exists (admin).");
        return group;
    }

    private static async Task<IResult> PutAsync(string partnershipId, HttpContext http, ActionPlanStore store, TimeProvider clock, CancellationToken ct)
    {
        var caller = http.User.Caller();
        if (!AccessRules.CanAdminister(caller)) return Problems.Forbidden("Only a platform administrator sets up partnerships.");
        if (!Slug.IsValid(partnershipId)) return Problems.Validation("partnershipId", "must be a lower-case slug such as 'medway'");
        var (draft, problem) = await http.Request.ReadJsonAsync<PartnershipDraft>(ct);
        if (problem is not null) return problem;

        var errors = new ValidationErrors();
        var partnership = draft!.Validate(partnershipId, errors);
        if (partnership is null) return Problems.Validation(errors);

        var current = await store.GetPartnershipAsync(partnershipId);
        var ifMatch = ETags.IfMatch(http.Request);
        if (current is not null && ifMatch is null) return Problems.PreconditionRequired();
        if (current is not null && ifMatch != current.Version) return Problems.PreconditionFailed();
        var audit = new AuditEntry(caller.Subject, clock.GetUtcNow(), current is null ? "partnership.created" : "partnership.changed", "partnership", partnershipId,
            current is null ? null : AuditLog.Snapshot(current.Value, ApiJson.Options), AuditLog.Snapshot(partnership, ApiJson.Options), CorrelationContext.Current);
        var version = await store.SavePartnershipAsync(partnership, current?.Version ?? 0, audit);
        return version is null ? Problems.PreconditionFailed()
            : ApiJson.Json(View(partnership, version.Value), version.Value, http.Response, current is null ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static PartnershipView View(Partnership p, long version) => new(p.Id, p.Name, p.Agencies, version);
}
