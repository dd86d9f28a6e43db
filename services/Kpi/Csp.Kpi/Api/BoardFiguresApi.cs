using System.Text.Json;
using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Validation;
using Csp.Kpi.Domain;

namespace Csp.Kpi.Api;

/// <summary>A partnership's KPI figures for the board: the scorecard exactly as <c>kpis/scorecard[?period=]</c> sends it
/// (the same body bytes, kept by <see cref="ScorecardResponses"/>, written into the answer as they are).</summary>
public sealed record KpiBoardFigures([property: JsonConverter(typeof(ScorecardBodyJson))] ScorecardBody Scorecard);

/// <summary>The shape <see cref="KpiBoardFigures"/> is written in, for the OpenAPI document (the body is a <see cref="Scorecard"/>).</summary>
public sealed record KpiBoardFiguresShape(Scorecard Scorecard);

/// <summary>Writes a scorecard body's JSON as it was sent (no second serialisation).</summary>
public sealed class ScorecardBodyJson : JsonConverter<ScorecardBody>
{
    public override ScorecardBody Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("A scorecard body is only written.");

    public override void Write(Utf8JsonWriter writer, ScorecardBody value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}

/// <summary>
/// <c>GET /api/board-figures/kpis?partnerships=a,b,c[&amp;period=2025-Q2]</c>: the KPI scorecards of up to 50 partnerships in
/// one call (the governance packs of every partnership), as at <c>period</c> when given (2023-04, 2023-Q1 or 2023-24), else
/// each KPI's latest. Who may call: any signed-in user; each partnership's item is authorised as its own scorecard is
/// (members of the partnership: 200; a caller from elsewhere: 403 for that item; an unknown partnership: 404). Unauthenticated:
/// 401; a bad list: 400 naming <c>partnerships</c>; a bad period: 400 naming <c>period</c>.
/// </summary>
public static class BoardFiguresApi
{
    public static void MapBoardFiguresApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/board-figures/kpis", ReadAsync).RequireAuthorization().WithTags("Board figures")
            .WithSummary("The KPI scorecard of each partnership asked for (partnerships=a,b,c, at most 50; optional period as the scorecard's); each item 200, or 403/404 as its own scorecard would answer (members of each partnership).")
            .Reads<PartnershipBatchAnswer<KpiBoardFiguresShape>>().ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ReadAsync(HttpContext http, ScorecardResponses scorecards, string? partnerships, string? period)
    {
        var errors = new ValidationErrors();
        var ids = PartnershipBatch.ReadIds(partnerships, errors);
        var asked = Period.ReadAny("period", period, errors);
        if (!errors.IsEmpty) return Problems.Validation(errors);
        return await PartnershipBatch.AnswerAsync<KnownPartnership, KpiBoardFigures>(http, ids, async member =>
            Outcome<KpiBoardFigures>.Ok(new KpiBoardFigures(await scorecards.GetAsync(member.PartnershipId, asked, publishedOnly: false))));
    }
}
