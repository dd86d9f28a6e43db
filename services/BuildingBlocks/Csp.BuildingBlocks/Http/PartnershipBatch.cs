using System.Text.Json.Serialization;
using Csp.BuildingBlocks.Auth;
using Csp.BuildingBlocks.Validation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Csp.BuildingBlocks.Http;

/// <summary>One partnership's answer in a batch read: 200 with the figures, or the problem the single endpoint would have
/// answered for it (403 a caller from elsewhere or without the role, 404 a partnership this service has not heard of).</summary>
public sealed record PartnershipBatchItem<TFigures>(
    string PartnershipId,
    int Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TFigures? Figures,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ProblemDetails? Problem);

/// <summary>A batch read's answer: one item per partnership asked for, in the order asked.</summary>
public sealed record PartnershipBatchAnswer<TFigures>(IReadOnlyList<PartnershipBatchItem<TFigures>> Items);

/// <summary>
/// Batch reads over many partnerships in one request (the board figures of <c>/api/board-figures/...</c>): the
/// <c>partnerships</c> query (comma-separated ids, at most <see cref="MaxPartnerships"/>, none blank, malformed or
/// repeated, else 400 naming <c>partnerships</c>), then each partnership authorised exactly as its own endpoint's group
/// authorises it (<see cref="PartnershipAccess.ResolveAsync{TPartnership}"/>) and read by the same function its own
/// endpoint calls. A refusal is that item's problem, never the whole answer's; the partnerships are read
/// <see cref="Concurrency"/> at a time (StackExchange.Redis pipelines concurrent commands on its one connection).
/// </summary>
public static class PartnershipBatch
{
    public const string Field = "partnerships";
    public const int MaxPartnerships = 50;
    public const int Concurrency = 16;

    /// <summary>The ids asked for, in order; empty (and an error on <see cref="Field"/>) when the list is not acceptable.</summary>
    public static IReadOnlyList<string> ReadIds(string? partnerships, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(partnerships))
        {
            errors.Add(Field, $"is required: up to {MaxPartnerships} partnership ids separated by commas");
            return [];
        }
        var ids = partnerships.Split(',').Select(id => id.Trim()).ToList();
        if (ids.Count > MaxPartnerships) errors.Add(Field, $"must name at most {MaxPartnerships} partnerships (it names {ids.Count})");
        else if (ids.Any(id => id.Length == 0)) errors.Add(Field, "must not contain a blank id");
        else if (ids.FirstOrDefault(id => !Slug.IsValid(id)) is { } bad)
            errors.Add(Field, $"'{(bad.Length > 64 ? bad[..64] : bad)}' is not a partnership id (a lower-case slug such as medway)");
        else if (ids.GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
            errors.Add(Field, $"names '{twice.Key}' more than once");
        return errors.IsEmpty ? ids : [];
    }

    /// <summary>Each partnership's item: refused as its own endpoint's group refuses it, else <paramref name="read"/> (the
    /// function the partnership's own endpoint calls), whose refusal becomes the item's problem.</summary>
    public static async Task<IResult> AnswerAsync<TPartnership, TFigures>(HttpContext http, IReadOnlyList<string> ids,
        Func<Member<TPartnership>, Task<Outcome<TFigures>>> read) where TPartnership : class
    {
        var caller = Caller.From(http.User);
        var lookup = http.RequestServices.GetRequiredService<IPartnershipLookup<TPartnership>>();
        var items = new PartnershipBatchItem<TFigures>[ids.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = http.RequestAborted },
            async (i, _) =>
            {
                var (member, refusal) = await PartnershipAccess.ResolveAsync(lookup, caller, ids[i]);
                if (member is null)
                {
                    items[i] = Refused<TFigures>(ids[i], refusal!);
                    return;
                }
                var outcome = await read(member);
                items[i] = outcome.IsOk
                    ? new PartnershipBatchItem<TFigures>(ids[i], StatusCodes.Status200OK, outcome.Value, null)
                    : Refused<TFigures>(ids[i], outcome.ToResult(_ => Results.Ok()));
            });
        return ApiJson.Json(new PartnershipBatchAnswer<TFigures>(items));
    }

    /// <summary>The item for a refusal: the very problem details the single endpoint would have sent.</summary>
    private static PartnershipBatchItem<TFigures> Refused<TFigures>(string id, IResult refusal)
    {
        var problem = refusal is IValueHttpResult { Value: ProblemDetails details } ? details
            : throw new InvalidOperationException($"A refusal is problem details, not {refusal.GetType().Name}.");
        return new PartnershipBatchItem<TFigures>(id, problem.Status ?? StatusCodes.Status500InternalServerError, default, problem);
    }
}
