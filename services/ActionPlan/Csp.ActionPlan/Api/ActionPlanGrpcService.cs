using System.Globalization;
using Csp.ActionPlan.Domain;
using Csp.ActionPlan.Storage;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Contracts.ActionPlan.V1;
using Grpc.Core;

namespace Csp.ActionPlan.Api;

/// <summary>
/// gRPC queries for other services (risk and funding validate links; the portal and KPI service read summaries).
/// Who may call: the services named in <c>Auth:AllowedServiceCallers</c>, each with its own service token, on the gRPC
/// port only (which the gateway never routes). The building blocks' ServiceCallerInterceptor checks the token and the
/// request's partnership_id (InvalidArgument when malformed, NotFound when unknown) before any method here runs.
/// </summary>
public sealed class ActionPlanGrpcService(ActionPlanStore store, TimeProvider clock) : ActionPlanQueries.ActionPlanQueriesBase
{
    public override async Task<ActionReply> GetAction(GetActionRequest request, ServerCallContext context)
    {
        var action = await store.GetActionAsync(request.PartnershipId, request.ActionId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No action {request.ActionId} in partnership '{request.PartnershipId}'"));
        return Reply(action.Value, action.Version, UkTime.Today(clock));
    }

    public override async Task<ListActionsReply> ListActions(ListActionsRequest request, ServerCallContext context)
    {
        var errors = new ValidationErrors();
        var query = new ActionQuery(
            PriorityId: string.IsNullOrEmpty(request.PriorityId) ? null : request.PriorityId,
            Strand: ApiJson.Parse<Strand>("strand", request.Strand, errors),
            AgencyId: string.IsNullOrEmpty(request.AgencyId) ? null : request.AgencyId,
            Status: ApiJson.Parse<ActionStatus>("status", request.Status, errors),
            Overdue: request.HasOverdue ? request.Overdue : null,
            Page: request.Page <= 0 ? 1 : request.Page,
            PageSize: request.PageSize <= 0 ? 50 : Math.Min(request.PageSize, ActionQuery.MaxPageSize));
        if (!errors.IsEmpty)
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))));
        var today = UkTime.Today(clock);
        var page = await store.QueryActionsAsync(request.PartnershipId, query, today);
        var reply = new ListActionsReply { Total = page.Total, Page = page.PageNumber, PageSize = page.PageSize };
        reply.Actions.AddRange(page.Items.Select(a => Reply(a.Value, a.Version, today)));
        return reply;
    }

    public override async Task<SummaryReply> GetSummary(GetSummaryRequest request, ServerCallContext context)
    {
        var summary = await store.SummaryAsync(request.PartnershipId, UkTime.Today(clock));
        var reply = new SummaryReply { PartnershipId = request.PartnershipId, Overdue = summary.Overdue };
        reply.Counts.AddRange(summary.Counts.Select(c => new SummaryCount
        {
            PriorityId = c.PriorityId, Strand = ApiJson.Name(c.Strand), Status = ApiJson.Name(c.Status), Count = c.Count,
        }));
        return reply;
    }

    /// <summary>Every partnership, ordered by id, a page at a time (the page token is the last id of the previous page), for
    /// services that keep a copy (risk, funding, KPIs) and must build or repair it without the events.</summary>
    public override async Task<ListPartnershipsReply> ListPartnerships(ListPartnershipsRequest request, ServerCallContext context)
    {
        if (request.PageSize is < 0 or > 500) throw new RpcException(new Status(StatusCode.InvalidArgument, "page_size must be between 1 and 500 (0: 100)"));
        var size = request.PageSize == 0 ? 100 : request.PageSize;
        var after = request.PageToken ?? "";
        var all = (await store.ListPartnershipsAsync()).OrderBy(p => p.Value.Id, StringComparer.Ordinal)
            .Where(p => string.CompareOrdinal(p.Value.Id, after) > 0).Take(size + 1).ToList();
        var reply = new ListPartnershipsReply { NextPageToken = all.Count > size ? all[size - 1].Value.Id : "" };
        reply.Partnerships.AddRange(all.Take(size).Select(p =>
        {
            var partnership = new PartnershipReply { Id = p.Value.Id, Name = p.Value.Name, Version = p.Version, OnsCode = p.Value.OnsCode ?? "", RecipientOrgId = p.Value.RecipientOrgId ?? "" };
            partnership.Agencies.AddRange(p.Value.Agencies.Select(a => new PartnershipAgencyReply { Id = a.Id, Name = a.Name, ResponsibleAuthority = a.ResponsibleAuthority }));
            return partnership;
        }));
        return reply;
    }

    private static ActionReply Reply(PlanAction a, long version, DateOnly today)
    {
        var reply = new ActionReply
        {
            Id = a.Id, PartnershipId = a.PartnershipId, PlanId = a.PlanId, PriorityId = a.PriorityId, AreaOfFocusId = a.AreaOfFocusId ?? "",
            Title = a.Title, Strand = ApiJson.Name(a.Strand), LeadAgencyId = a.LeadAgencyId, Owner = a.Owner,
            StartDate = a.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            DueDate = a.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Status = ApiJson.Name(a.Status), Rag = ApiJson.Name(a.RagOn(today)), ProgressPercent = a.ProgressPercent,
            Overdue = a.IsOverdue(today), Completed = a.IsCompleted, Version = version,
        };
        reply.SupportingAgencyIds.AddRange(a.SupportingAgencyIds);
        return reply;
    }
}
