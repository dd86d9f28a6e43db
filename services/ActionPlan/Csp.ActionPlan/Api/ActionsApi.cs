using Csp.ActionPlan.Commands;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Mvc;

namespace Csp.ActionPlan.Api;

/// <summary>
/// <c>/api/partnerships/{p}/actions</c>. Who may call: any member of the partnership reads; the manager creates and
/// revises; partners of the lead agency (and the manager) post updates; unauthenticated callers get 401.
/// </summary>
public static class ActionsApi
{
    public static void MapActionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapPartnershipGroup<Partnership>("actions", "Actions");
        group.MapGet("", ListAsync).WithSummary("List actions (members). Filters: priority, strand, agency, status, overdue; page, pageSize.")
            .Reads<PageView<ActionView>>();
        group.MapGet("summary", SummaryAsync).WithSummary("Counts by priority × strand × status, and overdue (members).").Reads<SummaryView>();
        group.MapGet("{actionId:long}", GetAsync).WithSummary("One action with its RAG; ETag header (members).").Reads<ActionView>();
        group.MapPost("", CreateAsync).WithSummary("Add an action to the plan (manager). Optional Idempotency-Key.").Writes<ActionView>(StatusCodes.Status201Created)
            .Idempotent();
        group.MapPut("{actionId:long}", ReviseAsync).WithSummary("Revise an action's definition; If-Match required (manager).")
            .Writes<ActionView>().WithIfMatch();
        group.MapGet("{actionId:long}/updates", UpdatesAsync).WithSummary("The action's dated updates, oldest first (members).").Reads<List<ActionUpdate>>();
        group.MapPost("{actionId:long}/updates", PostUpdateAsync)
            .WithSummary("Record an update: status, progress, commentary (lead agency's partners, manager). Optional If-Match and Idempotency-Key.")
            .Writes<ActionView>(StatusCodes.Status201Created).ProducesProblems(StatusCodes.Status412PreconditionFailed).Idempotent();
        group.MapGet("{actionId:long}/audit", AuditAsync).WithSummary("Who changed the action, when, from what to what (manager).").Reads<List<AuditEntry>>();
    }

    private static async Task<IResult> ListAsync(Member<Partnership> member, ActionPlanStore store, TimeProvider clock,
        string? priority, string? strand, string? agency, string? status, string? overdue, string? page, string? pageSize)
    {
        var errors = new ValidationErrors();
        var query = new ActionQuery(
            PriorityId: string.IsNullOrWhiteSpace(priority) ? null : priority,
            Strand: ApiJson.Parse<Strand>("strand", strand, errors),
            AgencyId: string.IsNullOrWhiteSpace(agency) ? null : agency,
            Status: ApiJson.Parse<ActionStatus>("status", status, errors),
            Overdue: ParseBool("overdue", overdue, errors),
            Page: errors.OptionalInt("page", page) ?? 1,
            PageSize: errors.OptionalInt("pageSize", pageSize) ?? 25);
        query.CheckPaging(errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);

        var today = UkTime.Today(clock);
        var result = await store.QueryActionsAsync(member.PartnershipId, query, today);
        return ApiJson.Json(new PageView<ActionView>(result.Items.Select(a => ActionView.Of(a.Value, a.Version, today)).ToList(), result.Total, result.PageNumber, result.PageSize));
    }

    private static async Task<IResult> SummaryAsync(Member<Partnership> member, ActionPlanStore store, TimeProvider clock)
    {
        var summary = await store.SummaryAsync(member.PartnershipId, UkTime.Today(clock));
        return ApiJson.Json(new SummaryView(member.PartnershipId, summary.Counts, summary.Overdue, summary.Total));
    }

    private static async Task<IResult> GetAsync(Member<Partnership> member, long actionId, ActionPlanStore store, TimeProvider clock, HttpResponse response)
    {
        var action = await store.GetActionAsync(member.PartnershipId, actionId);
        return action is null
            ? Problems.NotFound($"Action {actionId}")
            : ApiJson.Json(ActionView.Of(action.Value, action.Version, UkTime.Today(clock)), action.Version, response);
    }

    private static async Task<IResult> CreateAsync(Member<Partnership> member, ActionDraft draft, Idempotent once, ActionPlanCommands commands, TimeProvider clock)
    {
        var today = UkTime.Today(clock);
        var reply = once.Replies<Versioned<PlanAction>>(a => Reply.Json(ActionView.Of(a.Value, a.Version, today), a.Version, StatusCodes.Status201Created,
            location: $"/api/partnerships/{member.PartnershipId}/actions/{a.Value.Id}"));
        return (await commands.CreateActionAsync(member, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> ReviseAsync(Member<Partnership> member, long actionId, ActionDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, ActionPlanCommands commands, TimeProvider clock, HttpResponse response)
    {
        var outcome = await commands.ReviseActionAsync(member, actionId, draft, ETags.IfMatch(ifMatch));
        return outcome.ToResult(a => ApiJson.Json(ActionView.Of(a.Value, a.Version, UkTime.Today(clock)), a.Version, response));
    }

    private static async Task<IResult> UpdatesAsync(Member<Partnership> member, long actionId, ActionPlanStore store, HttpResponse response)
    {
        var action = await store.GetActionAsync(member.PartnershipId, actionId);
        return action is null ? Problems.NotFound($"Action {actionId}") : ApiJson.Json(await store.GetUpdatesAsync(member.PartnershipId, actionId), action.Version, response);
    }

    private static async Task<IResult> PostUpdateAsync(Member<Partnership> member, long actionId, UpdateDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, ActionReadAhead readAhead, ActionPlanCommands commands, TimeProvider clock)
    {
        var today = UkTime.Today(clock);
        var reply = once.Replies<Versioned<PlanAction>>(a => Reply.Json(ActionView.Of(a.Value, a.Version, today), a.Version, StatusCodes.Status201Created));
        return (await commands.RecordUpdateAsync(member, actionId, draft, ETags.IfMatch(ifMatch), reply, readAhead.Read)).ToResult(reply.Send);
    }

    /// <summary>
    /// The action an update is about, read as soon as the request's parameters bind, which is before the partnership
    /// group's filter reads the partnership: the two reads travel to Redis together (pipelined on the one connection), so
    /// an update costs two round trips (both reads, then its one-script write), not three. The read's result is used only
    /// after the filter has let the caller in (404/403 otherwise, and the read is dropped); the ids are checked first
    /// (a malformed one reads nothing, and the command reads as usual).
    /// </summary>
    public sealed class ActionReadAhead
    {
        public Task<Versioned<PlanAction>?>? Read { get; private init; }

        public static ValueTask<ActionReadAhead?> BindAsync(HttpContext context)
        {
            Task<Versioned<PlanAction>?>? read = null;
            if (context.Request.RouteValues[PartnershipAccess.RouteParameter] is string partnershipId && Slug.IsValid(partnershipId)
                && long.TryParse(context.Request.RouteValues["actionId"] as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                read = context.RequestServices.GetRequiredService<ActionPlanStore>().GetActionAsync(partnershipId, id);
                // Refused by the filter, the read is never awaited: observe a failure so it is not reported as unobserved.
                _ = read.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            return ValueTask.FromResult<ActionReadAhead?>(new ActionReadAhead { Read = read });
        }
    }

    private static async Task<IResult> AuditAsync(Member<Partnership> member, long actionId, ActionPlanStore store)
    {
        if (!AccessRules.CanManage(member.Caller, member.PartnershipId)) return Problems.Forbidden("Only the partnership's manager reads the audit trail.");
        return ApiJson.Json(await store.ReadActionAuditAsync(member.PartnershipId, actionId));
    }

    private static bool? ParseBool(string field, string? value, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (bool.TryParse(value, out var b)) return b;
        errors.Add(field, "must be true or false");
        return null;
    }
}
