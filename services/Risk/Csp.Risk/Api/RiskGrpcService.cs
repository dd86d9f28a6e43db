using System.Globalization;
using Csp.BuildingBlocks.Time;
using Csp.Contracts.Risk.V1;
using Csp.Risk.Domain;
using Csp.Risk.Storage;
using Grpc.Core;
using Csp.BuildingBlocks.Http;

namespace Csp.Risk.Api;

/// <summary>
/// gRPC queries for other services (the KPI service derives "red risks"; the portal builds the governance pack).
/// Who may call: the services named in <c>Auth:AllowedServiceCallers</c>, each with its own service token, on the gRPC
/// port only (which the gateway never routes). The building blocks' ServiceCallerInterceptor checks the token and the
/// request's partnership_id (InvalidArgument when malformed, NotFound when unknown) before any method here runs.
/// </summary>
public sealed class RiskGrpcService(RiskStore store, TimeProvider clock) : RiskQueries.RiskQueriesBase
{
    public override async Task<RiskReply> GetRisk(GetRiskRequest request, ServerCallContext context)
    {
        var risk = await store.GetRiskAsync(request.PartnershipId, request.RiskId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No risk {request.RiskId} in partnership '{request.PartnershipId}'"));
        var matrix = await store.GetMatrixAsync(request.PartnershipId);
        return Reply(risk.Value, risk.Version, matrix, UkTime.Today(clock));
    }

    public override async Task<ListRisksReply> ListRisksByBand(ListRisksByBandRequest request, ServerCallContext context)
    {
        var matrix = await store.GetMatrixAsync(request.PartnershipId);
        if (request.Band.Length > 0 && matrix.Severity(request.Band) < 0)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"band must be one of: {string.Join(", ", matrix.Bands.Select(b => b.Id))}"));
        var today = UkTime.Today(clock);
        var reply = new ListRisksReply();
        var filter = new RiskFilter(request.Register.Length == 0 ? null : request.Register, request.Band.Length == 0 ? null : request.Band,
            request.IncludeClosed ? RiskStatusFilter.All : RiskStatusFilter.Open);
        var (risks, _) = await store.QueryRisksAsync(request.PartnershipId, filter, 0, take: null);
        reply.Risks.AddRange(risks.Select(r => Reply(r.Value, r.Version, matrix, today)));
        return reply;
    }

    private static RiskReply Reply(RiskEntry r, long version, RiskMatrix matrix, DateOnly today)
    {
        var reply = new RiskReply
        {
            Id = r.Id, PartnershipId = r.PartnershipId, Register = r.Register, Title = r.Details.Title, OwningAgencyId = r.Details.OwningAgencyId,
            Owner = r.Details.Owner, Status = ApiJson.Name(r.Status), Current = Rating(r.Current),
            AboveTolerance = r.IsAboveTolerance(matrix),
            DirectionOfTravel = r.DirectionOfTravel is { } d ? ApiJson.Name(d) : "",
            NextReviewDate = r.NextReviewDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ReviewOverdue = r.IsReviewOverdue(today),
            Mitigations = r.Mitigations.Count, MitigationsDone = r.Mitigations.Count(m => m.Done), Version = version,
        };
        if (r.Inherent is { } inherent) reply.Inherent = Rating(inherent);
        if (r.Target is { } target) reply.Target = Rating(target);
        return reply;
    }

    private static Rating Rating(RiskRating r) => new() { Rating_ = r.Rating, Likelihood = r.Likelihood, Impact = r.Impact, Band = r.Band, Score = r.Score };
}
