using System.Globalization;
using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.Risk.Domain;
using Csp.Risk.Storage;

namespace Csp.Risk.Api;

/// <summary>
/// <c>/api/partnerships/{p}/risks</c>. Who may call: any member of the partnership (board included) reads; the manager
/// creates, revises and closes risks; partners of the owning agency (and the manager) reassess and link mitigations;
/// unauthenticated callers get 401.
/// </summary>
public static class RisksApi
{
    public static RouteGroupBuilder MapRisksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/partnerships/{partnershipId}/risks").RequireAuthorization().WithTags("Risks");
        group.MapGet("", ListAsync).WithSummary("The register (members). Filters: register, band, status (default open).");
        group.MapGet("heat-map", HeatMapAsync).WithSummary("Open risks per matrix cell by current rating, with the previous quarter's position (members). Filter: register.");
        group.MapGet("{riskId:long}", GetAsync).WithSummary("One risk with its ratings, direction of travel and mitigations; ETag header (members).");
        group.MapPost("", CreateAsync).WithSummary("Add a risk with its first assessment (manager).");
        group.MapPut("{riskId:long}", ReviseAsync).WithSummary("Revise a risk's details (not its ratings); If-Match required (manager).");
        group.MapGet("{riskId:long}/assessments", AssessmentsAsync).WithSummary("Every assessment, oldest first, and the direction of travel (members).");
        group.MapPost("{riskId:long}/assessments", ReassessAsync).WithSummary("Reassess: current rating and rationale, optional inherent and target (owning agency's partners, manager). Optional If-Match.");
        group.MapPost("{riskId:long}/mitigations", LinkAsync).WithSummary("Link an action of the action plan as a mitigation; checked with the action-plan service (owning agency's partners, manager).");
        group.MapPost("{riskId:long}/close", CloseAsync).WithSummary("Close a risk with a reason (manager). Optional If-Match.");
        group.MapGet("{riskId:long}/audit", AuditAsync).WithSummary("Who changed the risk, when, from what to what (manager).");
        return group;
    }

    private static async Task<IResult> ListAsync(string partnershipId, HttpContext http, RiskStore store, TimeProvider clock, string? register, string? band, string? status)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var matrix = await store.GetMatrixAsync(partnershipId);
        var errors = new ValidationErrors();
        if (register is not null && !Slug.IsValid(register)) errors.Add("register", "must be a register slug such as 'csp'");
        if (band is not null && matrix.Severity(band) < 0) errors.Add("band", $"must be one of: {string.Join(", ", matrix.Bands.Select(b => b.Id))}");
        RiskStatus? wanted = status switch { null or "open" => RiskStatus.Open, "closed" => RiskStatus.Closed, "all" => null, _ => RiskStatus.Open };
        if (status is not (null or "open" or "closed" or "all")) errors.Add("status", "must be open, closed or all");
        if (!errors.IsEmpty) return Problems.Validation(errors);

        var today = UkTime.Today(clock);
        var risks = (await store.ListRisksAsync(partnershipId))
            .Where(r => (register is null || r.Value.Register == register) && (band is null || r.Value.Current.Band == band) && (wanted is null || r.Value.Status == wanted))
            .Select(r => RiskView.Of(r.Value, r.Version, matrix, today)).ToList();
        return ApiJson.Json(risks);
    }

    private static async Task<IResult> HeatMapAsync(string partnershipId, HttpContext http, RiskStore store, TimeProvider clock, string? register)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        if (register is not null && !Slug.IsValid(register)) return Problems.Validation("register", "must be a register slug such as 'csp'");
        var matrix = await store.GetMatrixAsync(partnershipId);
        var risks = (await store.ListRisksAsync(partnershipId)).Select(r => r.Value);
        return ApiJson.Json(HeatMap.Of(partnershipId, register, matrix, risks, UkTime.Today(clock)));
    }

    private static async Task<IResult> GetAsync(string partnershipId, long riskId, HttpContext http, RiskStore store, TimeProvider clock)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var risk = await store.GetRiskAsync(partnershipId, riskId);
        if (risk is null) return Problems.NotFound($"Risk {riskId}");
        var matrix = await store.GetMatrixAsync(partnershipId);
        return ApiJson.Json(RiskView.Of(risk.Value, risk.Version, matrix, UkTime.Today(clock)), risk.Version, http.Response);
    }

    private static async Task<IResult> CreateAsync(string partnershipId, HttpContext http, RiskCommands commands, RiskStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<RiskDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.CreateAsync(http.User.Caller(), partnershipId, draft!);
        return await ViewAsync(outcome, partnershipId, http, store, clock, StatusCodes.Status201Created, location: true);
    }

    private static async Task<IResult> ReviseAsync(string partnershipId, long riskId, HttpContext http, RiskCommands commands, RiskStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<RiskDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.ReviseAsync(http.User.Caller(), partnershipId, riskId, draft!, ETags.IfMatch(http.Request));
        return await ViewAsync(outcome, partnershipId, http, store, clock, StatusCodes.Status200OK);
    }

    private static async Task<IResult> AssessmentsAsync(string partnershipId, long riskId, HttpContext http, RiskStore store)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var risk = await store.GetRiskAsync(partnershipId, riskId);
        return risk is null
            ? Problems.NotFound($"Risk {riskId}")
            : ApiJson.Json(new AssessmentHistoryView(riskId, risk.Value.DirectionOfTravel, risk.Value.Assessments), risk.Version, http.Response);
    }

    private static async Task<IResult> ReassessAsync(string partnershipId, long riskId, HttpContext http, RiskCommands commands, RiskStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<AssessmentDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.ReassessAsync(http.User.Caller(), partnershipId, riskId, draft!, ETags.IfMatch(http.Request));
        return await ViewAsync(outcome, partnershipId, http, store, clock, StatusCodes.Status201Created);
    }

    private static async Task<IResult> LinkAsync(string partnershipId, long riskId, HttpContext http, RiskCommands commands, RiskStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<MitigationDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.LinkMitigationAsync(http.User.Caller(), partnershipId, riskId, draft!, ETags.IfMatch(http.Request));
        return await ViewAsync(outcome, partnershipId, http, store, clock, StatusCodes.Status201Created);
    }

    private static async Task<IResult> CloseAsync(string partnershipId, long riskId, HttpContext http, RiskCommands commands, RiskStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await ApiSupport.CheckReadAsync(store, http.User.Caller(), partnershipId) is { } denied) return denied;
        var (draft, problem) = await http.Request.ReadJsonAsync<CloseDraft>(ct);
        if (problem is not null) return problem;
        var outcome = await commands.CloseAsync(http.User.Caller(), partnershipId, riskId, draft!, ETags.IfMatch(http.Request));
        return await ViewAsync(outcome, partnershipId, http, store, clock, StatusCodes.Status200OK);
    }

    private static async Task<IResult> AuditAsync(string partnershipId, long riskId, HttpContext http, AuditLog audit, AggregateWriter writer, RiskStore store)
    {
        var caller = http.User.Caller();
        if (await ApiSupport.CheckReadAsync(store, caller, partnershipId) is { } denied) return denied;
        if (!AccessRules.CanManage(caller, partnershipId)) return Problems.Forbidden("Only the partnership's manager reads the audit trail.");
        var id = riskId.ToString(CultureInfo.InvariantCulture);
        return ApiJson.Json(await audit.ReadEntityAsync(writer.Database, partnershipId, "risk", id));
    }

    private static async Task<IResult> ViewAsync(Outcome<Versioned<RiskEntry>> outcome, string partnershipId, HttpContext http, RiskStore store, TimeProvider clock, int status, bool location = false)
    {
        if (!outcome.IsOk) return outcome.ToResult(_ => Results.Empty);
        var matrix = await store.GetMatrixAsync(partnershipId);
        var r = outcome.Value!;
        if (location) http.Response.Headers.Location = $"/api/partnerships/{partnershipId}/risks/{r.Value.Id}";
        return ApiJson.Json(RiskView.Of(r.Value, r.Version, matrix, UkTime.Today(clock)), r.Version, http.Response, status);
    }
}
