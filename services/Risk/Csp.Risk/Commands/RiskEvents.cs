using Csp.BuildingBlocks.EventBus;
using Csp.BuildingBlocks.Http;
using Csp.Contracts.IntegrationEvents;
using Csp.Risk.Domain;

namespace Csp.Risk.Commands;

/// <summary>The integration events each change to a risk causes (written to the outbox with the change).</summary>
public static class RiskEvents
{
    /// <summary><c>risk.assessed</c> for every assessment, and <c>risk.escalated</c> when the rule in
    /// <see cref="RiskRules.Escalation"/> says so. <paramref name="previous"/> is null for a new risk.</summary>
    public static PendingEvent[] Assessed(RiskMatrix matrix, RiskRating? previous, RiskEntry r)
    {
        var last = r.Latest;
        var direction = r.DirectionOfTravel is { } d ? ApiJson.Name(d) : null;
        var assessed = PendingEvent.Of(new RiskAssessed(r.PartnershipId, r.Id, r.Register, r.Details.Title, r.Details.OwningAgencyId,
            previous?.Rating, previous?.Band, last.Current.Rating, last.Current.Band, last.Current.Score, r.IsAboveTolerance(matrix),
            direction, last.By, last.At), Subject(r));
        var reason = RiskRules.Escalation(matrix, previous, last.Current);
        if (reason is null) return [assessed];
        return
        [
            assessed,
            PendingEvent.Of(new RiskEscalated(r.PartnershipId, r.Id, r.Register, r.Details.Title, r.Details.OwningAgencyId, r.Details.Owner,
                previous?.Rating, previous?.Band, last.Current.Rating, last.Current.Band, last.Current.Score, reason, last.By, last.At), Subject(r)),
        ];
    }

    public static PendingEvent[] ReviewOverdue(RiskEntry r) =>
    [
        PendingEvent.Of(new RiskReviewOverdue(r.PartnershipId, r.Id, r.Register, r.Details.Title, r.Details.OwningAgencyId, r.Details.Owner, r.NextReviewDate), Subject(r)),
    ];

    private static string Subject(RiskEntry r) => $"risks/{r.Id}";
}
