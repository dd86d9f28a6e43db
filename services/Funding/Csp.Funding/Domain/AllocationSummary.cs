using Csp.BuildingBlocks.Time;

namespace Csp.Funding.Domain;

/// <summary>
/// The few figures of an allocation the funder's cross-partnership view needs, stored beside the allocation in the same
/// transaction as every change to it (so it is never behind), about a twentieth of the allocation's size. The figures
/// that depend on the day (the profile to date, returns overdue) are computed when read, by the allocation's own rules
/// (<see cref="Allocation.Profile"/>, <see cref="Allocation.Overdue"/>), so a summary never goes stale overnight.
/// </summary>
public sealed record AllocationSummary(string PartnershipId, string ProgrammeId, FinancialYear Year, AllocationStatus Status, Money Awarded, Money Released,
    int TranchesReleased, int Tranches, Money Spent, DateOnly PlannedStart, DateOnly PlannedEnd, IReadOnlyList<ReturnState> Returns, int LateReturns,
    int ReturnsOutstanding, Money? ForecastUnderspend, int ProjectsFlagged, int ProjectsReadyToClose)
{
    public static AllocationSummary Of(Allocation a) => new(a.PartnershipId, a.Id, a.Year, a.Status, a.Awarded, a.Released,
        a.Tranches.Count(t => t.Status == TrancheStatus.Released), a.Tranches.Count(t => t.Status != TrancheStatus.Cancelled), a.Spent, a.PlannedStart, a.PlannedEnd,
        a.Returns.Select(r => new ReturnState(r.Quarter, r.Status)).ToList(), a.Returns.Count(r => r.IsLate),
        a.Returns.Count(r => r.Status is ReturnStatus.Submitted or ReturnStatus.SignedOff), a.ForecastUnderspend,
        a.Projects.Count(p => p.Flagged), a.Projects.Count(p => p.ReadyToClose));

    public Money ProfileTo(DateOnly today) =>
        Status is AllocationStatus.Provisional or AllocationStatus.Confirmed or AllocationStatus.Closed ? Allocation.Profile(Awarded, PlannedStart, PlannedEnd, today) : Money.Zero;

    public int ReturnsOverdue(DateOnly today) => Allocation.Overdue(Status, Year, Returns.ToDictionary(r => r.Quarter, r => r.Status), today).Count;
}

public sealed record ReturnState(FinancialQuarter Quarter, ReturnStatus Status);
