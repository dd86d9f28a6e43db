using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Events;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Microsoft.AspNetCore.Mvc;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships/{p}/actions</c>. Who may call: any member of the partnership reads; the manager creates and
/// revises; partners of the lead agency (and the manager) post updates; unauthenticated callers get 401.
/// </summary>
public static class ActionsApi
{
    public static RouteGroupBuilder MapActionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/partnerships/{partnershipId}/actions").RequireAuthorization().WithTags("Actions");
        group.MapGet("", ListAsync).WithSummary("List actions (members). Filters: priority, strand, agency, status, overdue; page, pageSize.");
        group.MapGet("summary", SummaryAsync).WithSummary("Counts by priority × strand × status, and overdue (members).");
        group.MapGet("{actionId:long}", GetAsync).WithSummary("One action with its RAG; ETag header (members).");
        group.MapPost("", CreateAsync).WithSummary("Add an action to the plan (manager).");
        group.MapPut("{actionId:long}", ReviseAsync).WithSummary("Revise an action's definition; If-Match required (manager).");
        group.MapGet("{actionId:long}/updates", UpdatesAsync).WithSummary("The action's dated updates, oldest first (members).");
        group.MapPost("{actionId:long}/updates", PostUpdateAsync).WithSummary("Record an update: status, progress, commentary (lead agency's partners, manager). Optional If-Match.");
        group.MapGet("{actionId:long}/audit", AuditAsync).WithSummary("Who changed the action, when, from what to what (manager).");
        return group;
    }

    private static async Task<IResult> ListAsync(string partnershipId, HttpContext http, ActionPlanStore store, TimeProvider clock,
        string? priority, string? strand, string? agency, string? status, string? overdue, string? page, string? pageSize)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var errors = new ValidationErrors();
        var query = new ActionQuery(
            PriorityId: string.IsNullOrWhiteSpace(priority) ? null : priority,
            Strand: ApiJson.Parse<Strand>("strand", strand, errors),
            AgencyId: string.IsNullOrWhiteSpace(agency) ? null : agency,
            Status: ApiJson.Parse<ActionStatus>("status", status, errors),
            Overdue: ParseBool("overdue", overdue, errors),
            Page: errors.OptionalInt("page", page) ?? 1,
            PageSize: errors.OptionalInt("pageSize", pageSize) ?? 25);
        if (query.Page < 1) errors.Add("page", "must be 1 or more");
        if (query.PageSize is < 1 or > ActionQuery.MaxPageSize) errors.Add("pageSize", $"must be between 1 and {ActionQuery.MaxPageSize}");
        if (!errors.IsEmpty) return Problems.Validation(errors);

        var today = UkToday.Of(clock);
        var stored = await store.ListActionsAsync(partnershipId);
        var versions = stored.ToDictionary(a => a.Value.Id, a => a.Version);
        var result = query.Apply(stored.Select(a => a.Value), today);
        return ApiJson.Json(new PageView<ActionView>(result.Items.Select(a => ActionView.Of(a, versions[a.Id], today)).ToList(), result.Total, result.PageNumber, result.PageSize));
    }

    private static async Task<IResult> SummaryAsync(string partnershipId, HttpContext http, ActionPlanStore store, TimeProvider clock)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var actions = (await store.ListActionsAsync(partnershipId)).Select(a => a.Value).ToList();
        var summary = ActionSummary.Of(actions, UkToday.Of(clock));
        return ApiJson.Json(new SummaryView(partnershipId, summary.Counts, summary.Overdue, summary.Total));
    }

    private static async Task<IResult> GetAsync(string partnershipId, long actionId, HttpContext http, ActionPlanStore store, TimeProvider clock)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var action = await store.GetActionAsync(partnershipId, actionId);
        return action is null
            ? Problems.NotFound($"Action {actionId}")
            : ApiJson.Json(ActionView.Of(action.Value, action.Version, UkToday.Of(clock)), action.Version, http.Response);
    }

    private static async Task<IResult> CreateAsync(string partnershipId, HttpContext http, ActionCommands commands, ActionPlanStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<ActionDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.CreateAsync(http.User.Caller(), partnershipId, draft!);
        return outcome.ToResult(a =>
        {
            http.Response.Headers.Location = $"/api/partnerships/{partnershipId}/actions/{a.Value.Id}";
            return ApiJson.Json(ActionView.Of(a.Value, a.Version, UkToday.Of(clock)), a.Version, http.Response, StatusCodes.Status201Created);
        });
    }

    private static async Task<IResult> ReviseAsync(string partnershipId, long actionId, HttpContext http, ActionCommands commands, ActionPlanStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<ActionDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.ReviseAsync(http.User.Caller(), partnershipId, actionId, draft!, ETags.IfMatch(http.Request));
        return outcome.ToResult(a => ApiJson.Json(ActionView.Of(a.Value, a.Version, UkToday.Of(clock)), a.Version, http.Response));
    }

    private static async Task<IResult> UpdatesAsync(string partnershipId, long actionId, HttpContext http, ActionPlanStore store)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var action = await store.GetActionAsync(partnershipId, actionId);
        return action is null ? Problems.NotFound($"Action {actionId}") : ApiJson.Json(await store.GetUpdatesAsync(partnershipId, actionId), action.Version, http.Response);
    }

    private static async Task<IResult> PostUpdateAsync(string partnershipId, long actionId, HttpContext http, ActionCommands commands, ActionPlanStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<UpdateDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.RecordUpdateAsync(http.User.Caller(), partnershipId, actionId, draft!, ETags.IfMatch(http.Request));
        return outcome.ToResult(a => ApiJson.Json(ActionView.Of(a.Value, a.Version, UkToday.Of(clock)), a.Version, http.Response, StatusCodes.Status201Created));
    }

    private static async Task<IResult> AuditAsync(string partnershipId, long actionId, HttpContext http, ActionPlanStore store, AuditLog audit, [FromServices] Csp.BuildingBlocks.Redis.AggregateWriter writer)
    {
        var caller = http.User.Caller();
        if (await ApiSupport.CheckReadAsync(store, caller, partnershipId) is { } denied) return denied;
        if (!AccessRules.CanManage(caller, partnershipId)) return Problems.Forbidden("Only the partnership's manager reads the audit trail.");
        var id = actionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiJson.Json(await audit.ReadEntityAsync(writer.Database, partnershipId, "action", id));
    }


    private static bool? ParseBool(string field, string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (bool.TryParse(value, out var b)) return b;
        errors.Add(field, "must be true or false");
        return null;
    }
}
