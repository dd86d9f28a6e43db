using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Risk.Commands;
using Csp.Risk.Domain;
using Csp.Risk.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Risk.Api;

/// <summary>
/// <c>/api/partnerships/{p}/risks</c>. Who may call: any member of the partnership (board included) reads; the manager
/// creates, revises and closes risks and reads the audit trail; partners of the owning agency (and the manager) reassess
/// and link mitigations; unauthenticated callers get 401; the partnership group answers 404 for a partnership this
/// service has not heard of and 403 for a caller from elsewhere. Each write binds, calls its command and maps the outcome.
/// </summary>
public static class RisksApi
{
    public static RouteGroupBuilder MapRisksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapPartnershipGroup<KnownPartnership>("risks", "Risks");
        group.MapGet("", ListAsync).Reads<PageView<RiskView>>()
            .WithSummary("The register, by id, a page at a time (members). Filters: register, band, status (open (default), closed or all); page, pageSize.");
        group.MapGet("heat-map", HeatMapAsync).Reads<HeatMap>()
            .WithSummary("Open risks per matrix cell by current rating, with the previous quarter's position (members). Filter: register.");
        group.MapGet("{riskId:long}", GetAsync).Reads<RiskView>()
            .WithSummary("One risk with its ratings, direction of travel and mitigations; ETag header (members).");
        group.MapPost("", CreateAsync).Writes<RiskView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Add a risk with its first assessment (manager). Optional Idempotency-Key.");
        group.MapPut("{riskId:long}", ReviseAsync).Writes<RiskView>().WithIfMatch()
            .WithSummary("Revise a risk's details (not its ratings); If-Match required (manager).");
        group.MapGet("{riskId:long}/assessments", AssessmentsAsync).Reads<AssessmentHistoryView>()
            .WithSummary("The assessments, oldest first, a page at a time (page, pageSize), and the direction of travel (members).");
        group.MapPost("{riskId:long}/assessments", ReassessAsync).Writes<RiskView>(StatusCodes.Status201Created).WithIfMatch().Idempotent()
            .WithSummary("Reassess: current rating and rationale, optional inherent and target, optional next review date (a partner's at most one review period ahead) (owning agency's partners, manager). Optional If-Match and Idempotency-Key.");
        group.MapPost("{riskId:long}/mitigations", LinkAsync).Writes<RiskView>(StatusCodes.Status201Created).WithIfMatch().Idempotent()
            .WithSummary("Link an action of the action plan as a mitigation; checked with the action-plan service (owning agency's partners, manager). Optional If-Match and Idempotency-Key.");
        group.MapPost("{riskId:long}/close", CloseAsync).Writes<RiskView>().WithIfMatch().Idempotent()
            .WithSummary("Close a risk with a reason (manager). Optional If-Match and Idempotency-Key.");
        group.MapGet("{riskId:long}/audit", AuditAsync).Reads<IReadOnlyList<AuditEntry>>()
            .WithSummary("Who changed the risk, when, and which fields changed from what to what (manager).");
        return group;
    }

    private static async Task<IResult> ListAsync(Member<KnownPartnership> member, RiskStore store, TimeProvider clock, string? register, string? band, string? status,
        string? page, string? pageSize)
    {
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        var errors = new ValidationErrors();
        var filter = RiskFilter.Read(register, band, status, matrix, errors);
        var paging = Paging.Read(page, pageSize, errors);
        if (filter is null || paging is null) return Problems.Validation(errors);
        return ApiJson.Json(await PageAsync(store, member.PartnershipId, filter, paging, matrix, UkTime.Today(clock)));
    }

    /// <summary>A page of the register as members read it (this endpoint and the board figures' batch).</summary>
    internal static async Task<PageView<RiskView>> PageAsync(RiskStore store, string partnershipId, RiskFilter filter, Paging paging, RiskMatrix matrix, DateOnly today)
    {
        var (items, total) = await store.QueryRisksAsync(partnershipId, filter, paging.Skip, paging.PageSize);
        return new PageView<RiskView>(items.Select(r => RiskView.Of(r.Value, r.Version, matrix, today)).ToList(), total, paging.Page, paging.PageSize);
    }

    private static async Task<IResult> HeatMapAsync(Member<KnownPartnership> member, RiskStore store, TimeProvider clock, string? register)
    {
        var errors = new ValidationErrors();
        RiskFilter.CheckRegister(register, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        return ApiJson.Json(await ReadHeatMapAsync(store, member.PartnershipId, register, matrix, UkTime.Today(clock)));
    }

    /// <summary>The heat map as members read it (this endpoint and the board figures' batch).</summary>
    internal static async Task<HeatMap> ReadHeatMapAsync(RiskStore store, string partnershipId, string? register, RiskMatrix matrix, DateOnly today)
    {
        var cutOff = HeatMap.CutOff(today);
        var risks = (await store.ListRisksAsync(partnershipId)).Select(r => r.Value).ToList();
        var inForce = await store.AssessmentsInForceAsync(partnershipId, risks.Where(r => r.NeedsHistoryAt(cutOff)).Select(r => r.Id), cutOff);
        return HeatMap.Of(partnershipId, register, matrix, risks, today, inForce);
    }

    private static async Task<IResult> GetAsync(Member<KnownPartnership> member, long riskId, HttpResponse response, RiskStore store, TimeProvider clock)
    {
        var risk = await store.GetRiskAsync(member.PartnershipId, riskId);
        if (risk is null) return Problems.NotFound($"Risk {riskId}");
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        return ApiJson.Json(RiskView.Of(risk.Value, risk.Version, matrix, UkTime.Today(clock)), risk.Version, response);
    }

    private static async Task<IResult> CreateAsync(Member<KnownPartnership> member, RiskDraft draft, Idempotent once, RiskCommands commands, RiskStore store, TimeProvider clock)
    {
        var reply = await RepliesAsync(once, member, store, clock, StatusCodes.Status201Created, location: true);
        return (await commands.CreateAsync(member, draft, once: reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> ReviseAsync(Member<KnownPartnership> member, long riskId, RiskDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, RiskCommands commands, RiskStore store, TimeProvider clock)
    {
        var reply = await RepliesAsync(new Idempotent(), member, store, clock, StatusCodes.Status200OK);
        return (await commands.ReviseAsync(member, riskId, draft, ETags.IfMatch(ifMatch))).ToResult(reply.Send);
    }

    private static async Task<IResult> AssessmentsAsync(Member<KnownPartnership> member, long riskId, HttpResponse response, RiskStore store, string? page, string? pageSize)
    {
        var errors = new ValidationErrors();
        if (Paging.Read(page, pageSize, errors) is not { } paging) return Problems.Validation(errors);
        var risk = await store.GetRiskAsync(member.PartnershipId, riskId);
        if (risk is null) return Problems.NotFound($"Risk {riskId}");
        var (items, total) = await store.GetAssessmentsAsync(member.PartnershipId, riskId, paging.Skip, paging.PageSize);
        return ApiJson.Json(new AssessmentHistoryView(riskId, risk.Value.DirectionOfTravel, items, (int)total, paging.Page, paging.PageSize), risk.Version, response);
    }

    private static async Task<IResult> ReassessAsync(Member<KnownPartnership> member, long riskId, AssessmentDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, RiskCommands commands, RiskStore store, TimeProvider clock)
    {
        var reply = await RepliesAsync(once, member, store, clock, StatusCodes.Status201Created);
        return (await commands.ReassessAsync(member, riskId, draft, ETags.IfMatch(ifMatch), once: reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> LinkAsync(Member<KnownPartnership> member, long riskId, MitigationDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, RiskCommands commands, RiskStore store, TimeProvider clock)
    {
        var reply = await RepliesAsync(once, member, store, clock, StatusCodes.Status201Created);
        return (await commands.LinkMitigationAsync(member, riskId, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> CloseAsync(Member<KnownPartnership> member, long riskId, CloseDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, RiskCommands commands, RiskStore store, TimeProvider clock)
    {
        var reply = await RepliesAsync(once, member, store, clock, StatusCodes.Status200OK);
        return (await commands.CloseAsync(member, riskId, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> AuditAsync(Member<KnownPartnership> member, long riskId, RiskStore store) =>
        AccessRules.CanManage(member.Caller, member.PartnershipId)
            ? ApiJson.Json(await store.ReadRiskAuditAsync(member.PartnershipId, riskId))
            : Problems.Forbidden("Only the partnership's manager reads the audit trail.");

    /// <summary>How a write answers with a risk: its view (with the matrix in force, for the derived fields), its ETag and,
    /// for a new risk, its Location. The same reply is stored for a retry with the same idempotency key.</summary>
    private static async Task<IdempotentWrite<Versioned<RiskEntry>>> RepliesAsync(Idempotent once, Member<KnownPartnership> member, RiskStore store,
        TimeProvider clock, int status, bool location = false)
    {
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        var today = UkTime.Today(clock);
        return once.Replies<Versioned<RiskEntry>>(r => Reply.Json(RiskView.Of(r.Value, r.Version, matrix, today), r.Version, status,
            location ? $"/api/partnerships/{member.PartnershipId}/risks/{r.Value.Id}" : null));
    }
}
