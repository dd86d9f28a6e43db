using System.Globalization;
using Csp.BuildingBlocks.Http;
using Csp.BuildingBlocks.Time;
using Csp.BuildingBlocks.Validation;
using Csp.Contracts.Kpi.V1;
using Csp.Kpi.Domain;
using Csp.Kpi.Storage;
using Grpc.Core;
using DomainTrend = Csp.Kpi.Domain.Trend;
using KpiCard = Csp.Contracts.Kpi.V1.KpiCard;
using PriorityScorecard = Csp.Contracts.Kpi.V1.PriorityScorecard;
using SparkPoint = Csp.Contracts.Kpi.V1.SparkPoint;

namespace Csp.Kpi.Api;

/// <summary>
/// gRPC <c>kpi.v1</c>: the scorecard for the portal and the governance pack, the same one the REST API serves. Who may
/// call: the services named in <c>Auth:AllowedServiceCallers</c>, each with its own service token, on the gRPC port only
/// (which the gateway never routes). The building blocks' ServiceCallerInterceptor checks the token and the request's
/// partnership_id (InvalidArgument when malformed, NotFound when unknown) before this runs.
/// </summary>
public sealed class KpiGrpcService(KpiStore store, TimeProvider clock) : KpiQueries.KpiQueriesBase
{
    public override async Task<ScorecardReply> GetScorecard(GetScorecardRequest request, ServerCallContext context)
    {
        var errors = new ValidationErrors();
        var asked = Period.ReadAny("period", request.Period, errors);
        if (!errors.IsEmpty) throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))));
        var card = await store.ReadScorecardAsync(request.PartnershipId, asked, UkTime.Today(clock), request.PublishedOnly);
        var reply = new ScorecardReply { PartnershipId = card.PartnershipId, AsAt = card.AsAt ?? "", Today = card.Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        foreach (var g in card.Priorities)
        {
            var group = new PriorityScorecard { PriorityId = g.PriorityId, Green = g.Green, Amber = g.Amber, Red = g.Red, None = g.None };
            group.Kpis.AddRange(g.Kpis.Select(Card));
            reply.Priorities.Add(group);
        }
        return reply;
    }

    private static KpiCard Card(Domain.KpiCard k)
    {
        var card = new KpiCard
        {
            Code = k.Code, Title = k.Title, Unit = ApiJson.Name(k.Unit), Polarity = ApiJson.Name(k.Polarity), Frequency = ApiJson.Name(k.Frequency),
            ActivityIndicator = k.ActivityIndicator, Published = k.Published, Derived = k.Derived, Period = k.Period ?? "", Value = Text(k.Value),
            ValueText = k.ValueText ?? "", Target = Text(k.Target), Rag = ApiJson.Name(k.Rag), RagReason = k.RagReason,
            LatestPeriod = k.DataLag.LatestPeriod ?? "", NextExpected = k.DataLag.NextExpected?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            Late = k.DataLag.Late, DefinitionVersion = k.DefinitionVersion,
        };
        if (k.VsPrevious is { } previous) card.VsPrevious = Trend(previous);
        if (k.VsLastYear is { } lastYear) card.VsLastYear = Trend(lastYear);
        card.Sparkline.AddRange(k.Sparkline.Select(p => new SparkPoint { Period = p.Period, Value = Text(p.Value) }));
        return card;
    }

    private static Contracts.Kpi.V1.Trend Trend(DomainTrend t) => new()
    {
        ComparedWith = t.ComparedWith, EarlierValue = Text(t.EarlierValue), Value = Text(t.Value), Direction = ApiJson.Name(t.Direction),
        Significance = ApiJson.Name(t.Significance), Verdict = ApiJson.Name(t.Verdict), Reason = t.Reason,
    };

    private static string Text(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";
}
