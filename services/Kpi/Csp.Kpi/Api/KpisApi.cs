using Csp.BuildingBlocks.Audit;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Redis;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Commands;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Csp.Kpi.Api;

/// <summary>
/// <c>/api/partnerships/{p}/kpis</c>. Who may call: any member of the partnership (board included) reads definitions,
/// measurements and the scorecard; the manager defines and changes KPIs and reads the audit trail; partners of a KPI's
/// owning agency (and the manager) record and revise its measurements; unauthenticated callers get 401; the partnership
/// group answers 404 for a partnership this service has not heard of and 403 for a caller from elsewhere.
/// </summary>
public static class KpisApi
{
    public static RouteGroupBuilder MapKpisApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapPartnershipGroup<KnownPartnership>("kpis", "KPIs");
        group.MapGet("", ListAsync).Reads<IReadOnlyList<KpiView>>()
            .WithSummary("Every KPI's current definition, by code (members).");
        group.MapPost("", DefineAsync).Writes<KpiView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Define a KPI (manager). Optional Idempotency-Key.");
        group.MapGet("scorecard", ScorecardAsync).Reads<Scorecard>().Produces(StatusCodes.Status304NotModified)
            .WithSummary("The scorecard by priority: each KPI's value, target, RAG with reason, trends with significance, last 8 periods, data lag (members). Optional period (2023-04, 2023-Q1 or 2023-24). ETag; If-None-Match answers 304.");
        group.MapGet("{code}", GetAsync).Reads<KpiView>()
            .WithSummary("A KPI's current definition; ETag header (members).");
        group.MapPut("{code}", ChangeAsync).Writes<KpiView>().WithIfMatch()
            .WithSummary("Change a KPI's definition, making a new version; its unit and frequency stay; If-Match required (manager).");
        group.MapGet("{code}/versions", VersionsAsync).Reads<IReadOnlyList<KpiView>>()
            .WithSummary("Every version of the definition, oldest first (members).");
        group.MapGet("{code}/measurements", MeasurementsAsync).Reads<MeasurementPageView>()
            .WithSummary("The measurements, newest first, revisions included and the superseded marked, a page at a time (page, pageSize) (members).");
        group.MapGet("{code}/measurements/{period}", MeasurementAsync).Reads<MeasurementView>()
            .WithSummary("A period's current measurement; its ETag is its revision, for If-Match on a revision (members).");
        group.MapPost("{code}/measurements", RecordAsync).Writes<MeasurementView>(StatusCodes.Status201Created).Idempotent()
            .WithSummary("Record a period's measurement (owning agency's partners, manager). Optional Idempotency-Key.");
        group.MapPost("{code}/measurements/{period}/revisions", ReviseAsync).Writes<MeasurementView>(StatusCodes.Status201Created).WithIfMatch().Idempotent()
            .WithSummary("Revise a period's measurement; the earlier one is kept as superseded (owning agency's partners, manager). Optional If-Match (the revision) and Idempotency-Key.");
        group.MapPost("imports/{kind}", ImportAsync).Writes<ImportReport>()
            .WithSummary("Import a file (kind: measurements, police-recorded-crime or street-level); the whole file is checked first and nothing is stored if any row is bad; rows that say what is stored already change nothing (owning agency's partners of every KPI in it, manager).");
        group.MapGet("{code}/audit", AuditAsync).Reads<IReadOnlyList<AuditEntry>>()
            .WithSummary("Who changed the KPI or its measurements, when, and what changed (manager).");
        return group;
    }

    private static async Task<IResult> ListAsync(Member<KnownPartnership> member, KpiStore store) =>
        ApiJson.Json((await store.ListDefinitionsAsync(member.PartnershipId)).Select(d => KpiView.Of(d.Value)).ToList());

    private static async Task<IResult> DefineAsync(Member<KnownPartnership> member, KpiDraft draft, Idempotent once, KpiCommands commands)
    {
        var reply = once.Replies<Versioned<KpiDefinition>>(k => Reply.Json(KpiView.Of(k.Value), k.Version, StatusCodes.Status201Created,
            $"/api/partnerships/{member.PartnershipId}/kpis/{k.Value.Code}"));
        return (await commands.DefineAsync(member, draft, reply)).ToResult(reply.Send);
    }

    /// <summary>Built once per change of the partnership's KPIs (<see cref="ScorecardResponses"/>); ETag and If-None-Match →
    /// 304. Cache-Control <c>private, no-cache</c>: only the member's own browser keeps it, and asks again each time.</summary>
    private static async Task<IResult> ScorecardAsync(Member<KnownPartnership> member, HttpContext http, ScorecardResponses scorecards, string? period)
    {
        var errors = new ValidationErrors();
        var asked = Period.ReadAny("period", period, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        return ScorecardResponses.Send(http, await scorecards.GetAsync(member.PartnershipId, asked, publishedOnly: false), "private, no-cache");
    }

    private static async Task<IResult> GetAsync(Member<KnownPartnership> member, string code, HttpResponse response, KpiStore store) =>
        await store.GetDefinitionAsync(member.PartnershipId, code) is { } kpi
            ? ApiJson.Json(KpiView.Of(kpi.Value), kpi.Version, response)
            : Problems.NotFound($"KPI '{code}'");

    private static async Task<IResult> ChangeAsync(Member<KnownPartnership> member, string code, KpiDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, HttpResponse response, KpiCommands commands) =>
        (await commands.ChangeAsync(member, code, draft, ETags.IfMatch(ifMatch))).ToResult(k => ApiJson.Json(KpiView.Of(k.Value), k.Version, response));

    private static async Task<IResult> VersionsAsync(Member<KnownPartnership> member, string code, KpiStore store)
    {
        var versions = await store.GetDefinitionVersionsAsync(member.PartnershipId, code);
        return versions.Count == 0 ? Problems.NotFound($"KPI '{code}'") : ApiJson.Json(versions.Select(KpiView.Of).ToList());
    }

    private static async Task<IResult> MeasurementsAsync(Member<KnownPartnership> member, string code, KpiStore store, string? page, string? pageSize)
    {
        var errors = new ValidationErrors();
        if (Paging.Read(page, pageSize, errors) is not { } paging) return Problems.Validation(errors);
        if (await store.GetDefinitionAsync(member.PartnershipId, code) is null) return Problems.NotFound($"KPI '{code}'");
        var (items, total) = await store.GetMeasurementsAsync(member.PartnershipId, code, paging.Skip, paging.PageSize);
        var current = await store.GetCurrentAsync(member.PartnershipId, code, items.Select(m => m.Period));
        var views = items.Select(m => MeasurementView.Of(m, current.TryGetValue(m.Period, out var c) && c.Revision > m.Revision)).ToList();
        return ApiJson.Json(new MeasurementPageView(code, views, (int)total, paging.Page, paging.PageSize));
    }

    private static async Task<IResult> MeasurementAsync(Member<KnownPartnership> member, string code, string period, HttpResponse response, KpiStore store)
    {
        if (await store.GetDefinitionAsync(member.PartnershipId, code) is not { } kpi) return Problems.NotFound($"KPI '{code}'");
        if (!Period.TryParse(period, kpi.Value.Spec.Frequency, out var p)) return Problems.Validation("period", $"must be {Period.Example(kpi.Value.Spec.Frequency)}");
        return (await store.GetCurrentAsync(member.PartnershipId, code, [p])).TryGetValue(p, out var m)
            ? ApiJson.Json(MeasurementView.Of(m, false), m.Revision, response)
            : Problems.NotFound($"A measurement of {code} for {p}");
    }

    private static async Task<IResult> RecordAsync(Member<KnownPartnership> member, string code, MeasurementDraft draft, Idempotent once, KpiCommands commands)
    {
        var reply = Replies(once, member, code);
        return (await commands.RecordAsync(member, code, draft, reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> ReviseAsync(Member<KnownPartnership> member, string code, string period, MeasurementDraft draft,
        [FromHeader(Name = ETags.IfMatchHeader)] string? ifMatch, Idempotent once, KpiCommands commands)
    {
        var reply = Replies(once, member, code);
        return (await commands.ReviseAsync(member, code, period, draft, ETags.IfMatch(ifMatch), reply)).ToResult(reply.Send);
    }

    private static async Task<IResult> ImportAsync(Member<KnownPartnership> member, string kind, ImportDraft draft, KpiCommands commands)
    {
        var errors = new ValidationErrors();
        if (ApiJson.Parse<ImportKind>("kind", kind, errors) is not { } parsed) return Problems.Validation(errors.IsEmpty ? errors.Add("kind", "is required") : errors);
        return (await commands.ImportAsync(member, parsed, draft)).ToResult(ApiJson.Json);
    }

    private static async Task<IResult> AuditAsync(Member<KnownPartnership> member, string code, KpiStore store) =>
        AccessRules.CanDefine(member.Caller, member.PartnershipId)
            ? ApiJson.Json(await store.ReadAuditAsync(member.PartnershipId, code))
            : Problems.Forbidden("Only the partnership's manager reads the audit trail.");

    /// <summary>A recorded measurement answers with its view, its revision as ETag and the period's address.</summary>
    private static IdempotentWrite<Recorded> Replies(Idempotent once, Member<KnownPartnership> member, string code) =>
        once.Replies<Recorded>(r => Reply.Json(MeasurementView.Of(r.Measurement, false), r.Measurement.Revision, StatusCodes.Status201Created,
            $"/api/partnerships/{member.PartnershipId}/kpis/{code}/measurements/{r.Measurement.Period}"));
}
