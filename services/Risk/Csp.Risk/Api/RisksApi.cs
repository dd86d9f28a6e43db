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
        group.MapGet("", ListAsync).Reads<IReadOnlyList<RiskView>>()
            .WithSummary("The register (members). Filters: register, band, status (open (default), closed or all).");
        group.MapGet("heat-map", HeatMapAsync).Reads<HeatMap>()
            .WithSummary("Open risks per matrix cell by current rating, with the previous quarter's position (members). Filter: register.");
        group.MapGet("{riskId:long}", GetAsync).Reads<RiskView>()
            .WithSummary("One risk with its ratings, direction of travel and mitigations; ETag header (members).");
        group.MapPost("", CreateAsync).Writes<RiskView>(StatusCodes.Status201Created)
            .WithSummary("Add a risk with its first assessment (manager).");
        group.MapPut("{riskId:long}", ReviseAsync).Writes<RiskView>().WithIfMatch()
            .WithSummary("Revise a risk's details (not its ratings); If-Match required (manager).");
        group.MapGet("{riskId:long}/assessments", AssessmentsAsync).Reads<AssessmentHistoryView>()
            .WithSummary("Every assessment, oldest first, and the direction of travel (members).");
        group.MapPost("{riskId:long}/assessments", ReassessAsync).Writes<RiskView>(StatusCodes.Status201Created).WithIfMatch()
            .WithSummary("Reassess: current rating and rationale, optional inherent and target (owning agency's partners, manager). Optional If-Match.");
        group.MapPost("{riskId:long}/mitigations", LinkAsync).Writes<RiskView>(StatusCodes.Status201Created).WithIfMatch()
            .WithSummary("Link an action of the action plan as a mitigation; checked with the action-plan service (owning agency's partners, manager). Optional If-Match.");
        group.MapPost("{riskId:long}/close", CloseAsync).Writes<RiskView>().WithIfMatch()
            .WithSummary("Close a risk with a reason (manager). Optional If-Match.");
        group.MapGet("{riskId:long}/audit", AuditAsync).Reads<IReadOnlyList<AuditEntry>>()
            .WithSummary("Who changed the risk, when, from what to what (manager).");
        return group;
    }

    private static async Task<IResult> ListAsync(Member<KnownPartnership> member, RiskStore store, TimeProvider clock, string? register, string? band, string? status)
    {
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        var errors = new ValidationErrors();
        if (RiskFilter.Read(register, band, status, matrix, errors) is not { } filter) return Problems.Validation(errors);
        var today = UkTime.Today(clock);
        var risks = (await store.ListRisksAsync(member.PartnershipId)).Where(r => filter.Matches(r.Value))
            .Select(r => RiskView.Of(r.Value, r.Version, matrix, today)).ToList();
        return ApiJson.Json(risks);
    }

    private static async Task<IResult> HeatMapAsync(Member<KnownPartnership> member, RiskStore store, TimeProvider clock, string? register)
    {
        var errors = new ValidationErrors();
        RiskFilter.CheckRegister(register, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        var risks = (await store.ListRisksAsync(member.PartnershipId)).Select(r => r.Value);
        return ApiJson.Json(HeatMap.Of(member.PartnershipId, register, matrix, risks, UkTime.Today(clock)));
    }

    private static async Task<IResult> GetAsync(Member<KnownPartnership> member, long riskId, HttpResponse response, RiskStore store, TimeProvider clock)
    {
        var risk = await store.GetRiskAsync(member.PartnershipId, riskId);
        if (risk is null) return Problems.NotFound($"Risk {riskId}");
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        return ApiJson.Json(RiskView.Of(risk.Value, risk.Version, matrix, UkTime.Today(clock)), risk.Version, response);
    }

    private static async Task<IResult> CreateAsync(Member<KnownPartnership> member, RiskDraft draft, HttpResponse response, RiskCommands commands, RiskStore store, TimeProvider clock) =>
        await ViewAsync(await commands.CreateAsync(member, draft), member, response, store, clock, StatusCodes.Status201Created, location: true);

    private static async Task<IResult> ReviseAsync(Member<KnownPartnership> member, long riskId, RiskDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, HttpResponse response, RiskCommands commands, RiskStore store, TimeProvider clock) =>
        await ViewAsync(await commands.ReviseAsync(member, riskId, draft, ETags.IfMatch(ifMatch)), member, response, store, clock, StatusCodes.Status200OK);

    private static async Task<IResult> AssessmentsAsync(Member<KnownPartnership> member, long riskId, HttpResponse response, RiskStore store)
    {
        var risk = await store.GetRiskAsync(member.PartnershipId, riskId);
        return risk is null
            ? Problems.NotFound($"Risk {riskId}")
            : ApiJson.Json(new AssessmentHistoryView(riskId, risk.Value.DirectionOfTravel, risk.Value.Assessments), risk.Version, response);
    }

    private static async Task<IResult> ReassessAsync(Member<KnownPartnership> member, long riskId, AssessmentDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, HttpResponse response, RiskCommands commands, RiskStore store, TimeProvider clock) =>
        await ViewAsync(await commands.ReassessAsync(member, riskId, draft, ETags.IfMatch(ifMatch)), member, response, store, clock, StatusCodes.Status201Created);

    private static async Task<IResult> LinkAsync(Member<KnownPartnership> member, long riskId, MitigationDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, HttpResponse response, RiskCommands commands, RiskStore store, TimeProvider clock) =>
        await ViewAsync(await commands.LinkMitigationAsync(member, riskId, draft, ETags.IfMatch(ifMatch)), member, response, store, clock, StatusCodes.Status201Created);

    private static async Task<IResult> CloseAsync(Member<KnownPartnership> member, long riskId, CloseDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, HttpResponse response, RiskCommands commands, RiskStore store, TimeProvider clock) =>
        await ViewAsync(await commands.CloseAsync(member, riskId, draft, ETags.IfMatch(ifMatch)), member, response, store, clock, StatusCodes.Status200OK);

    private static async Task<IResult> AuditAsync(Member<KnownPartnership> member, long riskId, RiskStore store) =>
        AccessRules.CanManage(member.Caller, member.PartnershipId)
            ? ApiJson.Json(await store.ReadRiskAuditAsync(member.PartnershipId, riskId))
            : Problems.Forbidden("Only the partnership's manager reads the audit trail.");

    /// <summary>Maps a command's outcome: a refusal to its problem, a risk to its view (with the matrix in force, for the
    /// derived fields), its ETag and, for a new risk, its Location.</summary>
    private static async Task<IResult> ViewAsync(Outcome<Versioned<RiskEntry>> outcome, Member<KnownPartnership> member, HttpResponse response,
        RiskStore store, TimeProvider clock, int status, bool location = false)
    {
        if (!outcome.IsOk) return outcome.ToResult(_ => Results.Empty);
        var matrix = await store.GetMatrixAsync(member.PartnershipId);
        var r = outcome.Value!;
        if (location) response.Headers.Location = $"/api/partnerships/{member.PartnershipId}/risks/{r.Value.Id}";
        return ApiJson.Json(RiskView.Of(r.Value, r.Version, matrix, UkTime.Today(clock)), r.Version, response, status);
    }
}
