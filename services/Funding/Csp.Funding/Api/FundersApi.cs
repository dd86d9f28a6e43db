using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.Funding.Commands;
using Csp.Funding.Domain;
using Csp.Funding.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Funding.Api;

/// <summary>
/// <c>/api/funders</c>: funders and their programmes. Who may call: a platform admin adds funders; any finance officer
/// (<c>*:finance</c>) or one acting for the funder (<c>csp_funder</c>) reads its programmes; only a finance officer acting
/// for the funder sets up programmes and runs the formula. Unauthenticated: 401. A programme is created by its id (its
/// natural key): creating it again is 409 and changes nothing, so a retry is safe without an Idempotency-Key (which is
/// kept per partnership and these routes have none).
/// </summary>
public static class FundersApi
{
    public static RouteGroupBuilder MapFundersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/funders").RequireAuthorization().WithTags("Funders").ProducesStandardProblems();
        group.MapGet("", ListFundersAsync).Reads<IReadOnlyList<FunderView>>().WithSummary("The funders (any finance officer, admin).");
        group.MapPost("", AddFunderAsync).Writes<FunderView>(StatusCodes.Status201Created).WithSummary("Add a funder (admin).");
        group.MapGet("{funderId}/programmes", ListProgrammesAsync).Reads<IReadOnlyList<ProgrammeView>>()
            .WithSummary("The funder's programmes (finance officers).");
        group.MapPost("{funderId}/programmes", CreateProgrammeAsync).Writes<ProgrammeView>(StatusCodes.Status201Created)
            .Idempotent(request => FundingStore.FunderPartition((string)request.RouteValues["funderId"]!))
            .WithSummary("Set up a programme: title, year, pot, conditions, optional formula (a finance officer acting for the funder).");
        group.MapGet("{funderId}/programmes/{programmeId}", GetProgrammeAsync).Reads<ProgrammeView>()
            .WithSummary("One programme with its formula and last proposal; ETag header (finance officers).");
        group.MapOverviewApi();
        group.MapPost("{funderId}/programmes/{programmeId}/proposal", ProposeAsync).Writes<ProgrammeView>().WithIfMatch()
            .WithSummary("Run the formula over each partnership's inputs and record the proposal (a finance officer acting for the funder).");
        return group;
    }

    private static async Task<IResult> ListFundersAsync(HttpContext http, FundingStore store)
    {
        var caller = Caller.From(http.User);
        if (!caller.IsAdmin && !caller.Grants.Any(g => g.Role == Roles.Finance)) return Problems.Forbidden("Finance officers and admins read the funders.");
        return ApiJson.Json((await store.ListFundersAsync()).Select(FunderView.Of).ToList());
    }

    private static async Task<IResult> AddFunderAsync(HttpContext http, FunderDraft draft, FundingCommands commands) =>
        (await commands.AddFunderAsync(Caller.From(http.User), draft)).ToResult(f => Results.Json(FunderView.Of(f), ApiJson.Options, statusCode: StatusCodes.Status201Created));

    private static async Task<IResult> ListProgrammesAsync(HttpContext http, string funderId, FundingStore store)
    {
        if (await store.GetFunderAsync(funderId) is null) return Problems.NotFound($"Funder '{funderId}'");
        if (!AccessRules.CanReadFunder(Caller.From(http.User), funderId)) return Problems.Forbidden("Finance officers read the funder's programmes.");
        return ApiJson.Json((await store.ListProgrammesAsync(funderId)).Select(p => ProgrammeView.Of(p.Value, p.Version)).ToList());
    }

    private static async Task<IResult> GetProgrammeAsync(HttpContext http, string funderId, string programmeId, FundingStore store)
    {
        if (!AccessRules.CanReadFunder(Caller.From(http.User), funderId)) return Problems.Forbidden("Finance officers read the funder's programmes.");
        var p = await store.GetProgrammeAsync(funderId, programmeId);
        return p is null ? Problems.NotFound($"Programme '{programmeId}' of '{funderId}'") : ApiJson.Json(ProgrammeView.Of(p.Value, p.Version), p.Version, http.Response);
    }

    private static async Task<IResult> CreateProgrammeAsync(HttpContext http, string funderId, ProgrammeDraft draft, Idempotent once, FundingCommands commands)
    {
        var reply = once.Replies<Versioned<Programme>>(p => Reply.Json(ProgrammeView.Of(p.Value, p.Version), p.Version, StatusCodes.Status201Created,
            location: $"/api/funders/{funderId}/programmes/{p.Value.Id}"));
        return (await commands.CreateProgrammeAsync(Caller.From(http.User), funderId, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> ProposeAsync(HttpContext http, string funderId, string programmeId, ProposalDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands) =>
        (await commands.ProposeAsync(Caller.From(http.User), funderId, programmeId, draft, ETags.IfMatch(ifMatch)))
            .ToResult(p => ApiJson.Json(ProgrammeView.Of(p.Value, p.Version), p.Version, http.Response));
}
