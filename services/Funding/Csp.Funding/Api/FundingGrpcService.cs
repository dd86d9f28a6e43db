using Csp.BuildingBlocks.Time;
using Csp.Contracts.Funding.V1;
using Csp.Funding.Domain;
using Csp.Funding.Storage;
using Grpc.Core;

namespace Csp.Funding.Api;

/// <summary>
/// gRPC queries for other services (the KPI service, the governance pack): an allocation's position and a partnership's
/// funding summary, in integer pence. Who may call: the services named in <c>Auth:AllowedServiceCallers</c>, with their own
/// service tokens, on the gRPC port only (never routed by the gateway); the building blocks' interceptor checks the token
/// and the request's partnership_id before any method here runs.
/// </summary>
public sealed class FundingGrpcService(FundingStore store, TimeProvider clock) : FundingQueries.FundingQueriesBase
{
    public override async Task<AllocationPosition> GetAllocationPosition(GetAllocationPositionRequest request, ServerCallContext context)
    {
        var a = await store.GetAllocationAsync(request.PartnershipId, request.AllocationId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No allocation '{request.AllocationId}' in partnership '{request.PartnershipId}'"));
        return Position(a.Value, a.Version, UkTime.Today(clock));
    }

    public override async Task<PartnershipSummary> GetPartnershipSummary(GetPartnershipSummaryRequest request, ServerCallContext context)
    {
        FinancialYear? year = null;
        if (request.FinancialYear.Length > 0)
        {
            if (!FinancialYear.TryParse(request.FinancialYear, out var fy)) throw new RpcException(new Status(StatusCode.InvalidArgument, "financial_year must be like 2024-25"));
            year = fy;
        }
        var today = UkTime.Today(clock);
        var allocations = (await store.ListAllocationsAsync(request.PartnershipId)).Where(a => year is null || a.Value.Year == year).ToList();
        var reply = new PartnershipSummary { PartnershipId = request.PartnershipId };
        reply.Allocations.AddRange(allocations.Select(a => Position(a.Value, a.Version, today)));
        var live = allocations.Where(a => a.Value.Status != AllocationStatus.Withdrawn).Select(a => a.Value.Totals(today)).ToList();
        reply.AwardedPence = Money.Sum(live.Select(t => t.Awarded)).Pence;
        reply.ReleasedPence = Money.Sum(live.Select(t => t.Released)).Pence;
        reply.SpentPence = Money.Sum(live.Select(t => t.Spent)).Pence;
        reply.ForecastUnderspendPence = Money.Sum(live.Select(t => t.ForecastUnderspend ?? Money.Zero)).Pence;
        return reply;
    }

    private static AllocationPosition Position(Allocation a, long version, DateOnly today)
    {
        var t = a.Totals(today);
        var p = new AllocationPosition
        {
            PartnershipId = a.PartnershipId, AllocationId = a.Id, FunderId = a.FunderId, ProgrammeTitle = a.ProgrammeTitle, FinancialYear = a.Year.ToString(),
            Status = Allocation.Name(a.Status), AwardedPence = t.Awarded.Pence, CommittedPence = t.Committed.Pence, ReleasedPence = t.Released.Pence,
            SpentPence = t.Spent.Pence, UnreleasedPence = t.Unreleased.Pence, RemainingPence = t.Remaining.Pence, ProfileToDatePence = t.ProfileToDate.Pence,
            SpentAgainstProfilePence = t.SpentAgainstProfile.Pence, ReturnsOverdue = t.ReturnsOverdue, LateReturns = t.LateReturns,
            Projects = a.Projects.Count, ProjectsFlagged = a.Projects.Count(x => x.Flagged), ProjectsReadyToClose = a.Projects.Count(x => x.ReadyToClose), Version = version,
        };
        if (t.ForecastOutturn is { } fo) p.ForecastOutturnPence = fo.Pence;
        if (t.ForecastUnderspend is { } fu) p.ForecastUnderspendPence = fu.Pence;
        if (t.FundsReturned is { } fr) p.FundsReturnedPence = fr.Pence;
        return p;
    }
}
