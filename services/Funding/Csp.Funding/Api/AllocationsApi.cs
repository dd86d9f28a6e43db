using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Funding.Commands;
using Csp.Funding.Domain;
using Csp.Funding.Storage;
using Microsoft.AspNetCore.Mvc;
using AllocationOutcome = Csp.BuildingBlocks.Http.Outcome<Csp.BuildingBlocks.Redis.Versioned<Csp.Funding.Domain.Allocation>>;

namespace Csp.Funding.Api;

/// <summary>
/// <c>/api/partnerships/{p}/funding/allocations</c>: a partnership's grants. Who may call (docs/security.md, "Funding";
/// <see cref="AccessRules"/>): the manager, finance (the partnership's contact or a funder's officer) and the board read;
/// partners read only the projects their agency leads; the funder's finance officer awards, confirms, decides projects,
/// sets the schedule, releases tranches, accepts returns, decides variations and closes the year; the manager submits
/// projects and returns, records spend and requests variations; the partnership's finance contact records spend and signs
/// off returns. Unauthenticated: 401; the partnership group answers 404 for an unknown partnership and 403 for a caller
/// from elsewhere. Each write's ETag is the allocation's version: If-Match (optional) is checked against it (412).
/// </summary>
public static class AllocationsApi
{
    private const string Allocation = "{allocationId}";

    public static RouteGroupBuilder MapAllocationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapPartnershipGroup<KnownPartnership>("funding/allocations", "Funding");
        group.MapGet("", ListAsync).Reads<IReadOnlyList<AllocationView>>()
            .WithSummary("The partnership's allocations with their derived totals (manager, finance, board). Filter: year (2024-25).");
        group.MapPost("", CreateAsync).Writes<AllocationView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Award a provisional allocation of a programme; adjustmentReason when it differs from the formula's proposal (the funder's finance officer). Optional Idempotency-Key.");
        group.MapGet(Allocation, GetAsync).Reads<AllocationView>()
            .WithSummary("One allocation: totals, projects, schedule, returns, variations, year end; ETag header (manager, finance, board).");
        group.MapPost($"{Allocation}/confirm", ConfirmAsync).Writes<AllocationView>().WithIfMatch().Idempotent()
            .WithSummary("Confirm a provisional allocation with the Police and Crime Panel's date and reference (the funder's finance officer).");
        group.MapPost($"{Allocation}/withdraw", WithdrawAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Withdraw a provisional allocation, with a reason (the funder's finance officer).");
        group.MapGet($"{Allocation}/projects", ProjectsAsync).Reads<IReadOnlyList<ProjectView>>()
            .WithSummary("The allocation's projects (manager, finance, board); a partner sees the projects their agency leads.");
        group.MapPost($"{Allocation}/projects", SubmitProjectAsync).Writes<AllocationView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Submit a project: title, lead agency, amount, actions it delivers (checked with the action plan), up to three measures (manager).");
        group.MapPost($"{Allocation}/projects/{{projectId:int}}/decision", DecideProjectAsync).Writes<AllocationView>().WithIfMatch().Idempotent()
            .WithSummary("Approve or reject a submitted project (the funder's finance officer).");
        group.MapPost($"{Allocation}/projects/{{projectId:int}}/end", EndProjectAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Complete or close an approved project (manager).");
        group.MapPut($"{Allocation}/schedule", ScheduleAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Set the payment schedule from a template or as tranches adding up to the award to the penny (the funder's finance officer).");
        group.MapPost($"{Allocation}/tranches/{{trancheId:int}}/release", ReleaseAsync).Writes<AllocationView>().WithIfMatch().Idempotent()
            .WithSummary("Release a scheduled tranche of a confirmed allocation once its condition holds (the funder's finance officer).");
        group.MapPost($"{Allocation}/tranches/{{trancheId:int}}/cancel", CancelAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Cancel a scheduled tranche (the funder's finance officer).");
        group.MapGet($"{Allocation}/spend", SpendAsync).Reads<PageView<SpendEntryView>>()
            .WithSummary("Spend entries, oldest first, a page at a time (manager, finance, board).");
        group.MapPost($"{Allocation}/spend", RecordSpendAsync).Writes<SpendRecordedView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Append a spend entry; a correction is negative and names correctsEntryId (manager, finance contact). Optional Idempotency-Key.");
        group.MapPost($"{Allocation}/returns", SubmitReturnAsync).Writes<AllocationView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Submit (or resubmit after it was returned) a quarterly monitoring return (manager).");
        group.MapPost($"{Allocation}/returns/{{quarter}}/sign-off", SignOffAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Sign off a submitted return (the partnership's finance contact).");
        group.MapPost($"{Allocation}/returns/{{quarter}}/decision", DecideReturnAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Accept a signed-off return, or return it with a reason (the funder's finance officer).");
        group.MapPost($"{Allocation}/variations", RequestVariationAsync).Writes<AllocationView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Request a variation: a new amount, a new end date or a virement between projects (manager).");
        group.MapPost($"{Allocation}/variations/{{variationId:int}}/decision", DecideVariationAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Approve (and apply) or reject a requested variation (the funder's finance officer).");
        group.MapPost($"{Allocation}/year-end", YearEndAsync).Writes<AllocationView>().WithIfMatch()
            .WithSummary("Record the outturn, return the underspend and close the allocation (the funder's finance officer).");
        group.MapGet($"{Allocation}/audit", AuditAsync).Reads<IReadOnlyList<AuditEntry>>()
            .WithSummary("Who changed the allocation, when, and which fields changed (manager, finance).");
        return group;
    }

    private static async Task<IResult> ListAsync(Member<KnownPartnership> member, FundingStore store, TimeProvider clock, string? year)
    {
        if (!AccessRules.CanReadAll(member.Caller, member.PartnershipId)) return Problems.Forbidden("Partners read only the projects their agency leads.");
        var errors = new ValidationErrors();
        FinancialYear? fy = year is null ? null : Periods.ReadYear("year", year, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        return (await ListViewsAsync(member, store, UkTime.Today(clock), fy)).ToResult(ApiJson.Json);
    }

    /// <summary>The allocations as the list answers them, or its refusal (this endpoint and the board figures' batch).</summary>
    internal static async Task<Outcome<List<AllocationView>>> ListViewsAsync(Member<KnownPartnership> member, FundingStore store, DateOnly today, FinancialYear? fy)
    {
        if (!AccessRules.CanReadAll(member.Caller, member.PartnershipId)) return Outcome<List<AllocationView>>.Forbidden("Partners read only the projects their agency leads.");
        var allocations = fy is { } year ? await store.ListAllocationsAsync(member.PartnershipId, year) : await store.ListAllocationsAsync(member.PartnershipId);
        return Outcome<List<AllocationView>>.Ok(allocations.Where(a => fy is null || a.Value.Year == fy).OrderBy(a => a.Value.Year).ThenBy(a => a.Value.Id)
            .Select(a => AllocationView.Of(a.Value, a.Version, today)).ToList());
    }

    private static async Task<IResult> GetAsync(Member<KnownPartnership> member, string allocationId, HttpResponse response, FundingStore store, TimeProvider clock)
    {
        if (!AccessRules.CanReadAll(member.Caller, member.PartnershipId)) return Problems.Forbidden("Partners read only the projects their agency leads.");
        var a = await store.GetAllocationAsync(member.PartnershipId, allocationId);
        return a is null ? Problems.NotFound($"Allocation '{allocationId}'") : ApiJson.Json(AllocationView.Of(a.Value, a.Version, UkTime.Today(clock)), a.Version, response);
    }

    private static async Task<IResult> ProjectsAsync(Member<KnownPartnership> member, string allocationId, FundingStore store)
    {
        var a = await store.GetAllocationAsync(member.PartnershipId, allocationId);
        if (a is null) return Problems.NotFound($"Allocation '{allocationId}'");
        return ApiJson.Json(a.Value.Projects.Where(p => AccessRules.CanReadProject(member.Caller, member.PartnershipId, p)).Select(ProjectView.Of).ToList());
    }

    private static async Task<IResult> SpendAsync(Member<KnownPartnership> member, string allocationId, FundingStore store, string? page, string? pageSize)
    {
        if (!AccessRules.CanReadAll(member.Caller, member.PartnershipId)) return Problems.Forbidden("Partners read only the projects their agency leads.");
        var errors = new ValidationErrors();
        if (Paging.Read(page, pageSize, errors) is not { } paging) return Problems.Validation(errors);
        if (await store.GetAllocationAsync(member.PartnershipId, allocationId) is null) return Problems.NotFound($"Allocation '{allocationId}'");
        var (items, total) = await store.GetSpendAsync(member.PartnershipId, allocationId, paging.Skip, paging.PageSize);
        return ApiJson.Json(new PageView<SpendEntryView>(items.Select(SpendEntryView.Of).ToList(), (int)total, paging.Page, paging.PageSize));
    }

    private static async Task<IResult> AuditAsync(Member<KnownPartnership> member, string allocationId, FundingStore store) =>
        AccessRules.IsManager(member.Caller, member.PartnershipId) || member.Caller.Has(Csp.BuildingBlocks.Auth.Roles.Finance, member.PartnershipId)
            ? ApiJson.Json(await store.ReadAllocationAuditAsync(member.PartnershipId, allocationId))
            : Problems.Forbidden("Only the partnership's manager and finance read the audit trail.");

    private static async Task<IResult> CreateAsync(Member<KnownPartnership> member, AllocationDraft draft, Idempotent once, FundingCommands commands, TimeProvider clock)
    {
        var reply = Replies(once, member, clock, StatusCodes.Status201Created, location: true);
        return (await commands.CreateAllocationAsync(member, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> ConfirmAsync(Member<KnownPartnership> member, string allocationId, ConfirmationDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, FundingCommands commands, TimeProvider clock)
    {
        var reply = Replies(once, member, clock);
        return (await commands.ConfirmAsync(member, allocationId, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> WithdrawAsync(Member<KnownPartnership> member, string allocationId, ReasonDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.WithdrawAsync(member, allocationId, draft, ETags.IfMatch(ifMatch)), member, clock);

    private static async Task<IResult> SubmitProjectAsync(Member<KnownPartnership> member, string allocationId, ProjectDraft draft, Idempotent once,
        FundingCommands commands, TimeProvider clock)
    {
        var reply = Replies(once, member, clock, StatusCodes.Status201Created);
        return (await commands.SubmitProjectAsync(member, allocationId, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> DecideProjectAsync(Member<KnownPartnership> member, string allocationId, int projectId, DecisionDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, FundingCommands commands, TimeProvider clock)
    {
        var reply = Replies(once, member, clock);
        return (await commands.DecideProjectAsync(member, allocationId, projectId, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> EndProjectAsync(Member<KnownPartnership> member, string allocationId, int projectId, ProjectEndDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.EndProjectAsync(member, allocationId, projectId, draft, ETags.IfMatch(ifMatch)), member, clock);

    private static async Task<IResult> ScheduleAsync(Member<KnownPartnership> member, string allocationId, ScheduleDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.SetScheduleAsync(member, allocationId, draft, ETags.IfMatch(ifMatch)), member, clock);

    private static async Task<IResult> ReleaseAsync(Member<KnownPartnership> member, string allocationId, int trancheId, ReleaseDraft? draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, FundingCommands commands, TimeProvider clock)
    {
        var reply = Replies(once, member, clock);
        return (await commands.ReleaseTrancheAsync(member, allocationId, trancheId, draft ?? new ReleaseDraft(null), ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> CancelAsync(Member<KnownPartnership> member, string allocationId, int trancheId, CancelDraft? draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.CancelTrancheAsync(member, allocationId, trancheId, draft ?? new CancelDraft(null), ETags.IfMatch(ifMatch)), member, clock);

    private static async Task<IResult> RecordSpendAsync(Member<KnownPartnership> member, string allocationId, SpendDraft draft, Idempotent once,
        FundingCommands commands, TimeProvider clock)
    {
        var today = UkTime.Today(clock);
        var reply = once.Replies<(Versioned<Allocation> Allocation, SpendEntry Entry)>(r => Reply.Json(
            new SpendRecordedView(SpendEntryView.Of(r.Entry), AllocationView.Of(r.Allocation.Value, r.Allocation.Version, today)), r.Allocation.Version,
            StatusCodes.Status201Created));
        return (await commands.RecordSpendAsync(member, allocationId, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> SubmitReturnAsync(Member<KnownPartnership> member, string allocationId, ReturnDraft draft, Idempotent once,
        FundingCommands commands, TimeProvider clock)
    {
        var reply = Replies(once, member, clock, StatusCodes.Status201Created);
        return (await commands.SubmitReturnAsync(member, allocationId, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> SignOffAsync(Member<KnownPartnership> member, string allocationId, string quarter, SignOffDraft? draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.SignOffReturnAsync(member, allocationId, quarter, draft ?? new SignOffDraft(null), ETags.IfMatch(ifMatch)), member, clock);

    private static async Task<IResult> DecideReturnAsync(Member<KnownPartnership> member, string allocationId, string quarter, DecisionDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.DecideReturnAsync(member, allocationId, quarter, draft, ETags.IfMatch(ifMatch)), member, clock);

    private static async Task<IResult> RequestVariationAsync(Member<KnownPartnership> member, string allocationId, VariationDraft draft, Idempotent once,
        FundingCommands commands, TimeProvider clock)
    {
        var reply = Replies(once, member, clock, StatusCodes.Status201Created);
        return (await commands.RequestVariationAsync(member, allocationId, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> DecideVariationAsync(Member<KnownPartnership> member, string allocationId, int variationId, DecisionDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.DecideVariationAsync(member, allocationId, variationId, draft, ETags.IfMatch(ifMatch)), member, clock);

    private static async Task<IResult> YearEndAsync(Member<KnownPartnership> member, string allocationId, YearEndDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, FundingCommands commands, TimeProvider clock) =>
        Send(await commands.CloseYearAsync(member, allocationId, draft, ETags.IfMatch(ifMatch)), member, clock);

    /// <summary>How a write answers with an allocation: its view, its ETag and, for a new one, its Location. The same reply is
    /// stored for a retry with the same idempotency key.</summary>
    private static IdempotentWrite<Versioned<Allocation>> Replies(Idempotent once, Member<KnownPartnership> member, TimeProvider clock,
        int status = StatusCodes.Status200OK, bool location = false)
    {
        var today = UkTime.Today(clock);
        return once.Replies<Versioned<Allocation>>(a => Reply.Json(AllocationView.Of(a.Value, a.Version, today), a.Version, status,
            location ? $"/api/partnerships/{member.PartnershipId}/funding/allocations/{a.Value.Id}" : null));
    }

    private static IResult Send(AllocationOutcome outcome, Member<KnownPartnership> member, TimeProvider clock) =>
        outcome.ToResult(Replies(new Idempotent(), member, clock).Send);
}
