using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Time;
using Csp.Contracts.IntegrationEvents;
using Csp.Funding.Domain;

namespace Csp.Funding.Commands;

/// <summary>The integration events each change to an allocation causes (written to the outbox with the change).</summary>
public static class FundingEvents
{
    public static PendingEvent[] Confirmed(Allocation a) =>
    [
        PendingEvent.Of(new FundingAllocationConfirmed(a.PartnershipId, a.Id, a.FunderId, a.Year.ToString(), a.Awarded.Pence,
            a.Confirmation!.PanelDate, a.Confirmation.PanelReference, a.Confirmation.ConfirmedBy, a.Confirmation.ConfirmedAt), Subject(a)),
    ];

    public static PendingEvent[] TrancheReleased(Allocation a, int trancheId)
    {
        var t = a.Tranches.Single(x => x.Id == trancheId);
        return [PendingEvent.Of(new FundingTrancheReleased(a.PartnershipId, a.Id, a.FunderId, t.Id, t.Label, t.Amount.Pence, a.Released.Pence, a.Awarded.Pence,
            t.ReleasedOn!.Value, t.ReleasedBy!), Subject(a))];
    }

    public static PendingEvent[] SpendRecorded(Allocation a, SpendEntry s) =>
    [
        PendingEvent.Of(new FundingSpendRecorded(a.PartnershipId, a.Id, s.Id, s.ProjectId, s.Date, s.Amount.Pence, s.CorrectsEntryId, a.Spent.Pence,
            a.Awarded.Pence, s.RecordedBy, s.RecordedAt), Subject(a)),
    ];

    /// <summary><c>funding.return-submitted</c>, and <c>funding.underspend-forecast</c> when the return's forecast outturn is
    /// below the award (the early warning).</summary>
    public static PendingEvent[] ReturnSubmitted(Allocation a, FinancialQuarter quarter)
    {
        var r = a.ReturnFor(quarter)!;
        var submitted = PendingEvent.Of(new FundingReturnSubmitted(a.PartnershipId, a.Id, a.FunderId, quarter.ToString(), r.DueOn, r.IsLate,
            r.ForecastOutturn.Pence, r.Revision, r.SubmittedBy, r.SubmittedAt), Subject(a));
        var underspend = Money.Max0(a.Awarded - r.ForecastOutturn);
        if (!underspend.IsPositive) return [submitted];
        return
        [
            submitted,
            PendingEvent.Of(new FundingUnderspendForecast(a.PartnershipId, a.Id, a.FunderId, quarter.ToString(), a.Awarded.Pence, r.ForecastOutturn.Pence,
                underspend.Pence), Subject(a)),
        ];
    }

    public static PendingEvent[] ReturnAccepted(Allocation a, FinancialQuarter quarter)
    {
        var r = a.ReturnFor(quarter)!;
        return [PendingEvent.Of(new FundingReturnAccepted(a.PartnershipId, a.Id, a.FunderId, quarter.ToString(), r.DecidedBy!, r.DecidedAt!.Value), Subject(a))];
    }

    private static string Subject(Allocation a) => $"allocations/{a.Id}";
}
